"""Periodic sealing of the access log while the app serves (``checkpoint_interval_seconds``).

Every app process runs the loop; when two seal at once, one commits and the
other gives way (the checkpoint number collides), so N processes behind a
load balancer need no coordinator.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from madoguchi.db.engine import transaction
from madoguchi.registry.checkpoint import seal_checkpoint
from madoguchi.vault import Vault

logger = logging.getLogger(__name__)


def seal_once(engine: Engine, vault: Vault) -> int | None:
    """Seal one checkpoint now; its number, or None when nothing moved or another process sealed."""
    try:
        with transaction(engine) as session:
            checkpoint = seal_checkpoint(session, vault=vault)
            return checkpoint.number if checkpoint is not None else None
    except IntegrityError:
        logger.info("another process sealed a checkpoint at the same moment")
        return None


async def seal_periodically(engine: Engine, vault: Vault, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            number = await asyncio.to_thread(seal_once, engine, vault)
        except SQLAlchemyError as exc:  # the next round tries again
            logger.warning("sealing a checkpoint failed: %s", type(exc).__name__)
            continue
        if number is not None:
            logger.info("sealed access-log checkpoint %s", number)
