"""``GET /healthz``: whether this process can serve, i.e. whether its database answers."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from madoguchi.errors import AppError
from madoguchi.web.deps import EngineDep
from madoguchi.web.errors import problem_responses

router = APIRouter(tags=["operations"])
logger = logging.getLogger(__name__)


class DatabaseUnavailable(AppError):
    status = 503
    type = "database-unavailable"
    title = "Database unavailable"


class Health(BaseModel):
    status: Literal["ok"]


@router.get("/healthz", responses=problem_responses(503))
def check_health(engine: EngineDep) -> Health:
    """Tell whether the service is up: 200 when the database answers, 503 otherwise."""
    try:
        # Outside a transaction: a probe must not queue behind a writer for SQLite's lock.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        logger.warning("health check: the database does not answer (%s)", type(exc).__name__)
        raise DatabaseUnavailable("the database does not answer") from exc
    return Health(status="ok")
