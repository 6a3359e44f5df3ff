"""Short transactions that survive a lost database connection.

A worker's transactions are short and each is safe to run twice (a claim that
committed unseen only holds a lease that runs out; recording a step or an
outcome a second time is refused by a unique key). So when the connection
drops — the server restarted, a backend was terminated — the transaction is
run again on a fresh connection instead of failing the delivery.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from madoguchi.db.engine import transaction

T = TypeVar("T")


def connection_lost(error: BaseException) -> bool:
    """The connection dropped under a statement, or no connection could be made (no statement yet)."""
    return isinstance(error, DBAPIError) and (error.connection_invalidated or error.statement is None)


def in_transaction(engine: Engine, work: Callable[[Session], T], *, tries: int = 6) -> T:
    """Run ``work`` in one committed transaction, again on a new connection if the old one died."""
    for attempt in Retrying(retry=retry_if_exception(connection_lost), stop=stop_after_attempt(tries),
                            wait=wait_exponential_jitter(multiplier=0.05, max=2, jitter=0.05), reraise=True):
        with attempt, transaction(engine) as session:
            return work(session)
    raise AssertionError("unreachable: Retrying re-raises the last error")
