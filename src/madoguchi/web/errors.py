"""Every error as RFC 9457 ``application/problem+json``.

``type`` is a URL under ``PROBLEM_BASE`` whose slug is documented in
docs/problems.md; ``instance`` is a fresh ``urn:uuid:…`` that also appears in
the server's log line, so a person reporting an error can be matched to it.
The log line holds the method, the route's template (never the filled-in
path, which may carry a 宛名番号), the status, the type and the instance —
no personal data. An unexpected exception becomes a generic 500; its trace
goes to the log only.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from uuid import uuid4

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from madoguchi.errors import AppError

PROBLEM_BASE = "https://madoguchi.example/problems/"
PROBLEM_JSON = "application/problem+json"

logger = logging.getLogger("madoguchi.web")

_HTTP_TYPES = {404: ("not-found", "Not found"), 405: ("method-not-allowed", "Method not allowed")}


class FieldProblem(BaseModel):
    pointer: str = Field(description="JSON Pointer to the input: #/query/as_of, #/path/atena_number, #/body/…")
    detail: str


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldProblem] | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` entry documenting these error statuses as problem+json."""
    return {status: {"model": Problem, "content": {PROBLEM_JSON: {}}} for status in statuses}


def new_instance() -> str:
    return f"urn:uuid:{uuid4()}"


def log_refusal(request: Request, *, status: int, slug: str, instance: str | None = None) -> str:
    """The server's log line for a refusal (problem+json, an error page, a login redirect); returns its
    instance, which the answer shows so a report can be matched to the line."""
    instance = instance or new_instance()
    route = request.scope.get("route")
    logger.log(logging.ERROR if status >= 500 else logging.INFO, "problem %s %s %s %s %s",
               status, slug, request.method, getattr(route, "path", "(no route)"), instance)
    return instance


def problem(request: Request, *, status: int, slug: str, title: str, detail: str,
            headers: Mapping[str, str] | None = None,
            errors: list[FieldProblem] | None = None, instance: str | None = None) -> JSONResponse:
    instance = log_refusal(request, status=status, slug=slug, instance=instance)
    body = Problem(type=PROBLEM_BASE + slug, title=title, status=status, detail=detail,
                   instance=instance, errors=errors)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status,
                        media_type=PROBLEM_JSON, headers=dict(headers or {}))


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    errors = [FieldProblem(pointer=pointer, detail=detail) for pointer, detail in exc.fields.items()]
    return problem(request, status=exc.status, slug=exc.type, title=exc.title, detail=exc.detail,
                   headers=exc.headers, errors=errors or None)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [FieldProblem(pointer=_pointer(error["loc"]), detail=error["msg"]) for error in exc.errors()]
    return problem(request, status=422, slug="validation-failed", title="Invalid request",
                   detail="the request has invalid parameters; see errors", errors=errors)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    slug, title = _HTTP_TYPES.get(exc.status_code, ("http-error", "HTTP error"))
    return problem(request, status=exc.status_code, slug=slug, title=title, detail=str(exc.detail),
                   headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    instance = new_instance()
    logger.error("unexpected %s at %s", type(exc).__name__, instance, exc_info=exc)
    return problem(request, status=500, slug="internal-error", title="Internal error",
                   detail="something went wrong on our side; quote the instance when reporting it",
                   instance=instance)


def _pointer(location: tuple[int | str, ...] | list[int | str]) -> str:
    """RFC 6901 pointer over FastAPI's error location (its first segment names path, query, body…)."""
    return "#/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in location)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
