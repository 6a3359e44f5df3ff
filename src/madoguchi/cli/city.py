"""`madoguchi city`: make a synthetic city's export sets (a full set, then deltas against it)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from madoguchi.cli.common import EXIT_USAGE, JsonOption, fail, print_json, stderr
from madoguchi.sources.synthetic import SyntheticCityError, generate_city, generate_delta

app = typer.Typer(help="Synthetic cities: realistic, deterministic back-office export sets.", no_args_is_help=True)

ExtractedAtOption = Annotated[
    datetime | None,
    typer.Option("--extracted-at", formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
                 help="The extraction moment written in the manifest (default: today 00:00, Asia/Tokyo)."),
]


@app.command("generate")
def generate(
    residents: Annotated[int, typer.Option("--residents", help="Number of residents (status 1).")],
    seed: Annotated[int, typer.Option("--seed", help="The same seed gives the same files.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the full export set to.")],
    municipality_code: Annotated[str, typer.Option(
        "--municipality-code", help="全国地方公共団体コード (6 digits) whose towns and postal codes to use.")] = "012084",
    extracted_at: ExtractedAtOption = None,
    json_output: JsonOption = False,
) -> None:
    """Write a full export set of a synthetic city (the demo personas first)."""
    with _progress("residents", residents) as advance:
        try:
            summary = generate_city(out, residents=residents, seed=seed, municipality_code=municipality_code,
                                    extracted_at=extracted_at, progress=advance)
        except SyntheticCityError as exc:
            fail(str(exc), EXIT_USAGE)
    if json_output:
        print_json(summary.to_json())
    else:
        stderr.print(f"{summary.residents:,} residents in {summary.households:,} households of "
                     f"{summary.municipality_name} written to {out}", highlight=False)


@app.command("delta")
def delta(
    base: Annotated[Path, typer.Option("--from", help="Folder of the full export set to change.")],
    seed: Annotated[int, typer.Option("--seed", help="The same seed gives the same files.")],
    changes: Annotated[int, typer.Option("--changes", help="Number of changes (births, deaths, moves, ...).")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the delta set to.")],
    extracted_at: ExtractedAtOption = None,
    json_output: JsonOption = False,
) -> None:
    """Write a delta set of realistic changes against a full export set."""
    try:
        summary = generate_delta(base, out, seed=seed, changes=changes, extracted_at=extracted_at)
    except SyntheticCityError as exc:
        fail(str(exc), EXIT_USAGE)
    if json_output:
        print_json(summary.to_json())
    else:
        made = ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in summary.changes.items() if count)
        stderr.print(f"{sum(summary.changes.values())} changes ({made}) written to {out}", highlight=False)


@contextmanager
def _progress(what: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr, fed with the count done so far."""
    columns = (TextColumn("[bold]generating"), BarColumn(), MofNCompleteColumn(), TextColumn(what),
               TimeRemainingColumn())
    with Progress(*columns, console=stderr, transient=True) as bar:
        task = bar.add_task(what, total=max(total, 0))
        yield lambda done: bar.update(task, completed=done)
