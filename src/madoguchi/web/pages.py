"""The server-rendered pages (Jinja2). For now: the landing page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from madoguchi import __version__

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def landing(request: Request) -> HTMLResponse:
    """Show what the site is and where to go."""
    return templates.TemplateResponse(request, "landing.html", {"version": __version__})
