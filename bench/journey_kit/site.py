"""The demo city a journey runs on, made as ``madoguchi demo`` makes it, and the real app serving it.

Everything lives in one scratch folder laid out like a checkout running the
demo: the catalog (a copy of the shipped one, whose ``trusted-issuers.yaml``
points at ``../.madoguchi/issuers``), ``.madoguchi/`` with the key file, the
card authority, the personas' virtual cards, the demo issuers and the demo
wallet, the synthetic city and its imported SQLite database. The demo
issuers' status lists are served from the issuer folder the process-wide
settings name, so ``demo_environment`` points those at the scratch folder
while a journey runs.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from madoguchi.catalog.directory import serving_catalog
from madoguchi.db.engine import make_engine
from madoguchi.db.migrate import upgrade
from madoguchi.demo_setup import DemoCertificate, prepare_demo
from madoguchi.registry.purpose import shipped_catalog
from madoguchi.settings import Settings, get_settings
from madoguchi.sources.importer import import_set
from madoguchi.sources.synthetic import generate_city
from madoguchi.vault import load_vault
from madoguchi.web.app import create_app

STARTUP_SECONDS = 30


@dataclass(frozen=True)
class DemoSite:
    folder: Path
    settings: Settings
    """The demo's settings (card reader on, plain http); the database is chosen per run (``served``)."""
    personas: dict[str, Any]
    """``personas.json`` of the city: each persona's household, applicant and members by role."""
    certificates: list[DemoCertificate]
    """The hospital's certificates in the demo wallet, with the day of the event each certifies."""
    database: Path
    """The imported city, copied for each run so every run starts from the same data."""

    def certificate_day(self, kind: str) -> date:
        """The day of the event the wallet's certificate of ``kind`` certifies."""
        return next(c.on for c in self.certificates if c.kind == kind)


@contextmanager
def demo_environment(folder: Path) -> Iterator[None]:
    """The process-wide settings (``MADOGUCHI_KEYS_FILE``, ``MADOGUCHI_CATALOG``) pointing into ``folder``."""
    wanted = {"MADOGUCHI_KEYS_FILE": str(folder / ".madoguchi" / "keys.json"),
              "MADOGUCHI_CATALOG": str(folder / "catalog")}
    before = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()


def build_demo_site(folder: Path, *, residents: int, seed: int) -> DemoSite:
    """Generate the city, import it and prepare the demo (staff, cards, wallet) in ``folder``.

    Call it inside ``demo_environment(folder)``.
    """
    shutil.copytree(shipped_catalog(), folder / "catalog")
    database = folder / "city.db"
    settings = get_settings().model_copy(update={
        "database_url": f"sqlite:///{database}", "insecure_cookies": True, "demo_cards": True})
    city = folder / "city"
    generate_city(city, residents=residents, seed=seed)
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        vault = load_vault(settings.keys_file)
        import_set(engine, city, vault=vault)
        personas = json.loads((city / "personas.json").read_text(encoding="utf-8"))
        access = prepare_demo(engine, settings, serving_catalog(settings.catalog), vault, personas)
    finally:
        engine.dispose()
    with closing(sqlite3.connect(database)) as connection:  # the whole database in the one file, to copy it
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return DemoSite(folder, settings, personas, access.certificates, database)


@contextmanager
def served(site: DemoSite, name: str) -> Iterator[str]:
    """The real app on a fresh copy of the demo's database (``<name>.db``), under uvicorn in a thread of this
    process, warmed up; yields its base URL."""
    database = site.folder / f"{name}.db"
    shutil.copyfile(site.database, database)
    app = create_app(site.settings.model_copy(update={"database_url": f"sqlite:///{database}"}))
    # IPPROTO_TCP named, so asyncio sets TCP_NODELAY on each connection (it checks the socket's protocol):
    # without it, Nagle's algorithm and delayed ACKs add 40 ms to every response.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.bind(("127.0.0.1", 0))  # the port is ours from here on: no race with another process
    host, port = listener.getsockname()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name=f"journey-{name}",
                              daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the site did not start under uvicorn (see the log above)")
        time.sleep(0.05)
    base = f"http://{host}:{port}"
    # A city's server has long been answering: FastAPI sets each route up the first time a request is matched
    # against it (a path no route serves sets them all up), and the first page opens the database.
    for path in ("/warm-up/nothing-here", "/"):
        httpx.get(f"{base}{path}", timeout=STARTUP_SECONDS)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_SECONDS)
        listener.close()
        app.state.engine.dispose()
