"""`madoguchi import`: one export set into the hub, in one transaction.

The set is read in chunks on every core (validation, normalisation, sealing,
hashing: `worker`), ahead of the database (`pipeline`). File by file, the
chunks are streamed into a staging table (`staging`), checked across rows in
SQL (`checks`) and applied as versions with a few set-based statements
(`apply`), while the workers read the files that follow. On PostgreSQL a
full set's first load of a system (its table empty) is written straight into
the hub's table while being read, and the rows the checks refuse are taken
out after. Refused rows go to quarantine (`quarantine`). Either the whole set applies — every good row —
or, if the set cannot be read, nothing does.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from sqlalchemy import Connection, Engine, MetaData, Table, insert, select, update

from madoguchi import clock
from madoguchi.clock import TOKYO
from madoguchi.db.engine import is_postgres
from madoguchi.identifiers import REFERENCE_SCHEME, NumberingScheme
from madoguchi.registry.models import SYSTEM_TABLES, ImportRun, SystemSnapshot
from madoguchi.sources import checks
from madoguchi.sources.apply import apply_stage, end_every_record, settle_first_load
from madoguchi.sources.bulk import claim_if_empty, indexes_built_after, tune_for_import
from madoguchi.sources.errors import OtherMunicipality, SetOutOfOrder, UnreadableSet
from madoguchi.sources.layout import LAYOUTS, FileLayout
from madoguchi.sources.pipeline import ChunkPipeline
from madoguchi.sources.quarantine import seal_reject_texts, store_quarantine
from madoguchi.sources.reader import (
    DEFAULT_CHUNK_BYTES,
    Chunk,
    Manifest,
    SourceFile,
    open_source_files,
    read_manifest,
)
from madoguchi.sources.report import ImportReport
from madoguchi.sources.staging import (
    create_tables,
    drop_tables,
    index_for_apply,
    loader,
    rejects_table,
    staging_table,
)
from madoguchi.sources.worker import ChunkResult, StagingContext
from madoguchi.vault import Vault

__all__ = ["ImportReport", "UnreadableSet", "import_set"]

Progress = Callable[[str, int], None]
"""Called with a file's name and the number of its rows read so far."""

PARALLEL_FROM_BYTES = 8 << 20
"""Below this size a set is read by a thread of the calling process: starting workers would cost more."""


def import_set(engine: Engine, folder: Path, *, vault: Vault, scheme: NumberingScheme = REFERENCE_SCHEME,
               progress: Progress | None = None, workers: int | None = None,
               chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> ImportReport:
    """Import a full or delta export set (docs/import.md) and report what each file did.

    ``workers`` processes read the files (default: one per core for a large set; a small one,
    or ``workers=1``, is read by a thread of this process).

    Raises:
        UnreadableSet: the set cannot be read at all (nothing changed).
        SetOutOfOrder: the hub already holds newer data of one of the set's systems.
        OtherMunicipality: the hub holds another municipality's data.
    """
    manifest = read_manifest(folder)
    sources = open_source_files(folder, manifest.kind)
    full = manifest.kind == "full"
    layouts = list(LAYOUTS.values()) if full else [source.layout for source in sources]
    if workers is None:
        size = sum(source.path.stat().st_size for source in sources)
        workers = (os.cpu_count() or 1) if size >= PARALLEL_FROM_BYTES else 1
    with engine.begin() as conn:
        _refuse_out_of_place(conn, manifest, layouts)
        tune_for_import(conn)
        import_id = _start_run(conn, manifest)
        metadata = MetaData()
        stages = {source.name: staging_table(source.layout, metadata) for source in sources}
        rejects = rejects_table(metadata)
        create_tables(conn, [*stages.values(), rejects])
        first_loads = _first_loads(conn, sources) if full and is_postgres(engine) else frozenset()
        context = StagingContext(vault, scheme, delta=not full, copy_text=is_postgres(engine),
                                 first_loads=first_loads,
                                 version=(manifest.as_of.isoformat(), str(import_id)))
        report = ImportReport(import_id, manifest.kind, manifest.municipality_code,
                              manifest.municipality_name, manifest.extracted_at,
                              ignored_files=_ignored_files(folder))
        headers = {source.name: source.header for source in sources}
        now = clock.now()
        with ChunkPipeline(sources, context, workers=workers, chunk_bytes=chunk_bytes) as pipeline:
            for layout in layouts:
                if layout.file not in stages:
                    report.files[layout.file] = end_every_record(conn, layout, as_of=manifest.as_of)
                    continue
                stage = stages[layout.file]
                results = pipeline.results(layout.file)
                if layout.file in first_loads:
                    with indexes_built_after(conn, SYSTEM_TABLES[layout.system].__tablename__):
                        chunks = _stage_file(conn, stage, results, progress, first_load=layout)
                        _reject_across_rows(conn, stage, rejects, layout, scheme, full=full)
                        counts = settle_first_load(conn, stage, layout)
                else:
                    chunks = _stage_file(conn, stage, results, progress)
                    _reject_across_rows(conn, stage, rejects, layout, scheme, full=full)
                    counts = apply_stage(conn, stage, layout, as_of=manifest.as_of, import_id=import_id,
                                         full=full)
                seal_reject_texts(conn, rejects, layout.file, chunks, vault)
                store_quarantine(conn, stage=stage, rejects=rejects, file=layout.file,
                                 header=headers[layout.file], import_id=import_id, now=now)
                report.files[layout.file] = counts
        _record_snapshots(conn, layouts, manifest, import_id)
        conn.execute(update(ImportRun).where(ImportRun.id == import_id)
                     .values(finished_at=clock.now(), summary=report.to_json()))
        drop_tables(conn, [*stages.values(), rejects])
    return report


def _refuse_out_of_place(conn: Connection, manifest: Manifest, layouts: Sequence[FileLayout]) -> None:
    runs = ImportRun.__table__
    last_code = conn.execute(select(runs.c.municipality_code).order_by(runs.c.id.desc()).limit(1)).scalar()
    if last_code is not None and last_code != manifest.municipality_code:
        raise OtherMunicipality(f"the set is from municipality {manifest.municipality_code}, "
                                f"the hub holds {last_code}'s residents")
    snapshots = SystemSnapshot.__table__
    rows = conn.execute(select(snapshots.c.system, snapshots.c.extracted_at)
                        .where(snapshots.c.system.in_([layout.system for layout in layouts])))
    for system, extracted_at in rows:
        held = extracted_at if extracted_at.tzinfo else extracted_at.replace(tzinfo=TOKYO)
        if held > manifest.extracted_at:
            raise SetOutOfOrder(f"the set was extracted at {manifest.extracted_at.isoformat()}, but the "
                                f"hub already holds {system} as of {held.astimezone(TOKYO).isoformat()}; "
                                "import sets in the order they were extracted")


def _start_run(conn: Connection, manifest: Manifest) -> int:
    return int(conn.execute(insert(ImportRun).values(
        kind=manifest.kind, municipality_code=manifest.municipality_code,
        municipality_name=manifest.municipality_name, extracted_at=manifest.extracted_at,
        started_at=clock.now(), summary={}).returning(ImportRun.id)).scalar_one())


def _first_loads(conn: Connection, sources: Sequence[SourceFile]) -> frozenset[str]:
    """The files whose system's table is empty: their rows are written straight into it."""
    return frozenset(source.name for source in sources
                     if claim_if_empty(conn, SYSTEM_TABLES[source.layout.system].__tablename__))


def _stage_file(conn: Connection, stage: Table, staged: Iterable[tuple[Chunk, ChunkResult]],
                progress: Progress | None, *, first_load: FileLayout | None = None) -> list[Chunk]:
    """Load a file's staged chunks into its staging table (and a first load's versions into the
    hub's table); returns its chunks (to find a line again)."""
    chunks: list[Chunk] = []
    read = 0
    with loader(conn, stage, first_load) as load:
        for chunk, result in staged:
            load(result)
            chunks.append(chunk)
            read += result.read
            if progress is not None:
                progress(chunk.file, read)
    return chunks


def _reject_across_rows(conn: Connection, stage: Table, rejects: Table, layout: FileLayout,
                        scheme: NumberingScheme, *, full: bool) -> None:
    """Run the set-based checks on a staging table (juki.csv's are run before the others apply)."""
    index_for_apply(conn, stage, layout.key)
    if full:
        checks.record_rejects(conn, stage, rejects, layout.file,
                              checks.duplicate_keys(conn, stage, layout))
    for person in layout.persons:
        dates = [] if layout.carries_birth_date else \
            [column.name for column in layout.columns if column.not_before_birth_of == person]
        checks.record_rejects(conn, stage, rejects, layout.file,
                              checks.unknown_or_unborn(conn, stage, person, dates, scheme))
    if not full:
        checks.mark_superseded(conn, stage, layout)


def _record_snapshots(conn: Connection, layouts: Sequence[FileLayout], manifest: Manifest,
                      import_id: int) -> None:
    for layout in layouts:
        values = {"extracted_at": manifest.extracted_at, "import_id": import_id}
        updated = conn.execute(update(SystemSnapshot).where(SystemSnapshot.system == layout.system)
                               .values(**values))
        if updated.rowcount == 0:
            conn.execute(insert(SystemSnapshot).values(system=layout.system, **values))


def _ignored_files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.glob("*.csv") if path.name not in LAYOUTS)

