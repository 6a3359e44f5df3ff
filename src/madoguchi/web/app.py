"""The FastAPI application: ``create_app`` wires settings, database, keys and routers.

Other parts add their routers here. Operation ids are the route functions'
names, so they stay stable for generated clients.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from madoguchi.catalog.directory import serving_catalog
from madoguchi.db.engine import make_engine
from madoguchi.settings import Settings, get_settings
from madoguchi.vault import load_vault
from madoguchi.web import (
    backoffice_pages,
    demo_card,
    demo_wallet,
    journey,
    my_data,
    oidc_login,
    pages,
    receipts,
    resident,
)
from madoguchi.web.api import backoffice, guidance, health, intake, registry
from madoguchi.web.errors import install_problem_handlers
from madoguchi.web.sealing import seal_periodically
from madoguchi.web.sessions import LoginRequired, login_required_handler


def operation_id(route: APIRoute) -> str:
    return route.name


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="madoguchi",
        summary="A city's procedures finished on a smartphone: the resident data hub's purpose-bound API.",
        version="1",
        generate_unique_id_function=operation_id,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    # Parameters stay out of database error messages, and so out of the server's log.
    app.state.engine = make_engine(settings.database_url, hide_parameters=True)
    app.state.vault = load_vault(settings.keys_file)
    serving = serving_catalog(settings.catalog)
    app.state.catalog_store = serving.store
    app.state.purposes = serving.purposes
    install_problem_handlers(app)
    app.add_exception_handler(LoginRequired, login_required_handler)
    app.include_router(health.router)
    app.include_router(registry.router)
    app.include_router(guidance.router)
    app.include_router(resident.router)
    app.include_router(intake.router)
    app.include_router(backoffice.router)
    app.include_router(receipts.router)
    app.include_router(oidc_login.router)
    app.include_router(my_data.router)
    app.include_router(pages.router)
    app.include_router(journey.router)
    app.include_router(demo_card.router)
    app.include_router(demo_wallet.router)
    app.include_router(backoffice_pages.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    interval = app.state.settings.checkpoint_interval_seconds
    sealer = (asyncio.create_task(seal_periodically(app.state.engine, app.state.vault, interval))
              if interval > 0 else None)
    try:
        yield
    finally:
        if sealer is not None:
            sealer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sealer
        app.state.engine.dispose()
