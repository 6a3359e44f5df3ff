"""JSON columns: what is written is what is read back, on both databases, through the engine's orjson."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson
from psycopg.pq import Format
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.intake.application_models import IdempotencyRecord


def _stored(session: Session, response: dict[Any, Any]) -> dict[str, Any]:
    """Write ``response`` in a JSON column and read it back from the database (not from the session)."""
    session.add(IdempotencyRecord(scope="test", key="k", request_digest="d", status_code=201, response=response,
                                  created_at=clock.now()))
    session.flush()
    session.expunge_all()
    read: dict[str, Any] = session.scalars(select(IdempotencyRecord.response)).one()
    return read


def test_japanese_text_nested_objects_and_numbers_round_trip(session: Session) -> None:
    document = {"氏名": "山田 太郎", "ふりがな": "やまだ たろう", "住所": {"都道府県": "東京都", "番地": ["1", 2, 3.5]},
                "flags": [True, False, None], "escaped": "quote \" backslash \\ tab \t 𠮷", "date": "2026-04-01"}
    assert _stored(session, document) == document


def test_dates_are_written_as_iso_text_and_integer_keys_as_strings(session: Session) -> None:
    assert _stored(session, {"on": date(2026, 4, 1), "by_year": {2026: "令和8年"}}) == {
        "on": "2026-04-01", "by_year": {"2026": "令和8年"}}


def test_the_database_driver_reads_json_with_orjson(engine: Engine) -> None:
    """On PostgreSQL psycopg parses JSONB itself, with the loader SQLAlchemy hands it."""
    if engine.dialect.name != "postgresql":
        assert engine.dialect._json_deserializer is orjson.loads
        return
    with engine.connect() as connection:
        adapters = connection.connection.dbapi_connection.adapters  # type: ignore[union-attr]
        jsonb = adapters.types["jsonb"].oid
        assert all(adapters.get_loader(jsonb, form)._loads is orjson.loads
                   for form in (Format.TEXT, Format.BINARY))
