"""`madoguchi serve` and `madoguchi demo`: run the site."""

from __future__ import annotations

import json
import threading
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from madoguchi.catalog.directory import serving_catalog
from madoguchi.cli.common import DbOption, database_url, stderr
from madoguchi.db.engine import make_engine
from madoguchi.db.migrate import upgrade
from madoguchi.demo_setup import DEMO_PASSWORD, prepare_demo
from madoguchi.intake.worker import run_worker_in_thread
from madoguchi.settings import Settings, get_settings
from madoguchi.sources.importer import import_set
from madoguchi.sources.synthetic import generate_city
from madoguchi.vault import load_vault
from madoguchi.web.app import create_app
from madoguchi.web.serving import serve as serve_app

HostOption = Annotated[str, typer.Option("--host", help="Address to listen on.")]
PortOption = Annotated[int, typer.Option("--port", help="Port to listen on.")]
ProcessesOption = Annotated[int, typer.Option(
    "--processes", min=1, help="Serving processes, each binding the port (SO_REUSEPORT): one per core in "
                               "production; the delivery worker still runs once.")]


def _settings(db: str | None) -> Settings:
    return get_settings().model_copy(update={"database_url": database_url(db)})


def serve(host: HostOption = "127.0.0.1", port: PortOption = 8000, processes: ProcessesOption = 1,
          db: DbOption = None) -> None:
    """Serve the API and the web front."""
    settings = _settings(db)
    upgrade(make_engine(settings.database_url))
    _run(settings, host, port, processes)


def _run(settings: Settings, host: str, port: int, processes: int = 1) -> None:
    """Serve, with one delivery worker in this process (the embedded mode), however many serving processes."""
    stop = threading.Event()
    worker = run_worker_in_thread(make_engine(settings.database_url), stop)
    try:
        serve_app(partial(create_app, settings), host=host, port=port, processes=processes)
    finally:
        stop.set()
        worker.join(timeout=30)


def demo(
    residents: Annotated[int, typer.Option("--residents", min=100, help="Size of the synthetic city.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic city.")] = 1,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    db: DbOption = None,
) -> None:
    """Make a synthetic city, import it into the database and serve the site."""
    # The demo is served over plain http, where a browser may refuse a Secure session cookie.
    settings = _settings(db).model_copy(update={"insecure_cookies": True, "demo_cards": True})
    city = Path(".madoguchi") / f"demo-city-{residents}-{seed}"
    if not (city / "manifest.json").exists():
        with _progress() as progress:
            task = progress.add_task("generating the city", total=residents)
            generate_city(city, residents=residents, seed=seed,
                          progress=lambda n: progress.update(task, completed=n))
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with _progress() as progress:
        tasks: dict[str, TaskID] = {}

        def advance(file: str, rows: int) -> None:
            if file not in tasks:
                tasks[file] = progress.add_task(f"importing {file}", total=None)
            progress.update(tasks[file], completed=rows)

        report = import_set(engine, city, vault=load_vault(settings.keys_file), progress=advance)
    stderr.print(f"imported: {json.dumps(report.to_json()['files'], ensure_ascii=False)}", highlight=False)
    personas = json.loads((city / "personas.json").read_text(encoding="utf-8"))
    access = prepare_demo(engine, settings, serving_catalog(settings.catalog), load_vault(settings.keys_file),
                          personas)
    stderr.print(f"\nmadoguchi demo city: http://{host}:{port}/  (API: http://{host}:{port}/docs)")
    stderr.print("residents: log in with a demo My Number card (simulated card reader) — the personas:")
    for name, persona in personas.items():
        stderr.print(f"  {name}: {persona['applicant']} — {persona['title']}", highlight=False)
    stderr.print(f"staff: http://{host}:{port}/backoffice/ — login <department>-reviewer or "
                 f"<department>-manager, password {DEMO_PASSWORD}; departments: "
                 f"{', '.join(sorted({d for _, d, _ in access.staff}))}", highlight=False)
    _run(settings, host, port)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=stderr, transient=True)
