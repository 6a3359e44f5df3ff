"""`madoguchi bench NAME`: run a benchmark from bench/ and record its figures."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from madoguchi.benchmark import load_benchmark, record, report_json
from madoguchi.cli.common import EXIT_USAGE, JsonOption, fail, stderr


def bench(
    name: Annotated[str, typer.Argument(help="The benchmark: a script bench/NAME.py.")],
    args: Annotated[list[str] | None, typer.Argument(help="Options passed to the benchmark.")] = None,
    json_output: JsonOption = False,
    no_record: Annotated[bool, typer.Option("--no-record", help="Do not write bench/RESULTS.md.")] = False,
) -> None:
    """Run a benchmark from bench/, print its figures and record them in bench/RESULTS.md."""
    try:
        module = load_benchmark(name)
    except LookupError as exc:
        fail(str(exc), EXIT_USAGE)
    report = module.run(list(args or []))
    if not no_record:
        path = record(name, report)
        stderr.print(f"recorded in {path.name}")
    if json_output:
        sys.stdout.write(report_json(name, report) + "\n")
    else:
        sys.stdout.write(f"{report.title}\n{report.markdown()}\n")
