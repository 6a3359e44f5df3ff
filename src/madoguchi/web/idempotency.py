"""``Idempotency-Key`` on mutating requests: the same key and body give the same answer, once done.

The answer is stored in the request's own transaction, so it exists exactly
when the work does. A different body under a used key is refused (409); so is
a second request with the key while the first is still running (its record
is not committed yet, and the unique key makes the second wait and then fail).
A refused request stores nothing: it can be sent again with the same key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import rfc8785
from fastapi.responses import JSONResponse
from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.db.engine import is_postgres
from madoguchi.intake.application_models import IdempotencyRecord
from madoguchi.intake.intake_errors import IdempotencyKeyReused

REPLAYED = "Idempotency-Replayed"
_EARLIER = (select(IdempotencyRecord.request_digest, IdempotencyRecord.status_code, IdempotencyRecord.response)
            .where(IdempotencyRecord.scope == bindparam("scope"), IdempotencyRecord.key == bindparam("key")))


def replay_or_run(session: Session, *, scope: str, key: str | None, body: Any, status_code: int,
                  run: Callable[[], dict[str, Any]]) -> JSONResponse:
    """The stored answer for (scope, key) if the body is the same; else ``run()``, stored under the key."""
    if key is None:
        return JSONResponse(run(), status_code=status_code)
    digest = hashlib.sha256(rfc8785.dumps(body)).hexdigest()
    earlier = session.execute(_EARLIER, {"scope": scope, "key": key}).first()
    if earlier is not None:
        if earlier.request_digest != digest:
            raise IdempotencyKeyReused("this Idempotency-Key was used for a different request: use a new key")
        return JSONResponse(earlier.response, status_code=earlier.status_code, headers={REPLAYED: "true"})
    answer = run()
    record = {"scope": scope, "key": key, "request_digest": digest, "status_code": status_code,
              "response": answer, "created_at": clock.now()}
    insert = postgresql.insert if is_postgres(session) else sqlite.insert
    stored = session.execute(insert(IdempotencyRecord).values(record).on_conflict_do_nothing()
                             .returning(IdempotencyRecord.key)).first()
    if stored is None:
        raise IdempotencyKeyReused("a request with this Idempotency-Key was being handled: send it again to "
                                   "get its answer")
    return JSONResponse(answer, status_code=status_code)
