"""The `madoguchi` command.

Each group of commands lives in its own module and is registered here.
Exit codes: 0 the work was done, 1 the work failed or found faults, 2 bad usage
or input that cannot be read at all.
"""

from __future__ import annotations

import typer

from madoguchi.cli import (
    audit,
    bench,
    card,
    catalog,
    city,
    client,
    credential,
    db,
    imports,
    person,
    plan,
    serve,
    staff,
    worker,
)

app = typer.Typer(
    name="madoguchi",
    help="madoguchi: a city's procedures finished on a smartphone.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(catalog.app, name="catalog")
app.add_typer(city.app, name="city")
app.add_typer(person.app, name="person")
app.add_typer(audit.app, name="audit")
app.add_typer(client.app, name="client")
app.add_typer(credential.app, name="credential")
app.add_typer(card.app, name="card")
app.add_typer(staff.app, name="staff")
app.command("worker")(worker.worker)
app.add_typer(worker.delivery_app, name="delivery")
app.add_typer(worker.target_app, name="target")
app.command("import")(imports.import_set)
app.add_typer(imports.quarantine_app, name="quarantine")
app.command("plan")(plan.plan)
app.command("prefill")(plan.prefill)
app.command("screen")(plan.screen)
app.command("serve")(serve.serve)
app.command("demo")(serve.demo)
app.command("bench", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(bench.bench)
