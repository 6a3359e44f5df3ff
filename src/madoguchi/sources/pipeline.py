"""Staging chunks ahead of the loading, so the cores reading files and the database work at once.

The import's one database connection loads a file's staging rows, checks them
and applies them, then goes on to the next file. Meanwhile the worker
processes (or, for a small set, one thread of the importing process) go on
with the chunks that follow, up to `LOOK_AHEAD_CHUNKS` of them: while the
database applies juki.csv, the other files are being read. Each chunk's rows
wait in a spool file of a private temporary folder, not in memory; the loader
deletes it once loaded, and the folder goes when the import ends.
"""

from __future__ import annotations

import multiprocessing
import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from types import TracebackType

from madoguchi.sources.reader import Chunk, SourceFile, split_chunks
from madoguchi.sources.worker import (
    ChunkResult,
    StagingContext,
    init_worker,
    stage_chunk,
    stage_chunk_in_worker,
)

LOOK_AHEAD_CHUNKS = 64
"""Chunks handed to the workers beyond the one being loaded (about 256 MiB of a set's text)."""

StageJob = Callable[[Chunk, tuple[str, ...], str], ChunkResult]


class ChunkPipeline:
    """Every chunk of a set's files, staged in order, up to `LOOK_AHEAD_CHUNKS` ahead of its loading.

    Use as a context manager; ask for the files' chunks (`results`) in the order of ``sources``.
    """

    def __init__(self, sources: Sequence[SourceFile], context: StagingContext, *, workers: int,
                 chunk_bytes: int) -> None:
        self._jobs = ((chunk, source.header) for source in sources
                      for chunk in split_chunks(source, chunk_bytes))
        self._pending: deque[tuple[Chunk, Future[ChunkResult]]] = deque()
        self._spool = tempfile.TemporaryDirectory(prefix="madoguchi-import-")
        self._submitted = 0
        self._executor: Executor
        self._stage: StageJob
        if workers > 1:
            self._executor = ProcessPoolExecutor(
                workers, mp_context=_worker_start(), initializer=init_worker,
                initargs=(context.vault.to_json(), context.scheme, context.delta, context.copy_text,
                          context.first_loads, context.version))
            self._stage = stage_chunk_in_worker
        else:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="madoguchi-import")
            self._stage = partial(stage_chunk, context=context)

    def results(self, file: str) -> Iterator[tuple[Chunk, ChunkResult]]:
        """The chunks of ``file`` with their staging results, in file order.

        Raises:
            UnreadableSet: a chunk of the file is not UTF-8.
        """
        while True:
            self._submit_ahead()
            if not self._pending or self._pending[0][0].file != file:
                return
            chunk, future = self._pending.popleft()
            yield chunk, future.result()

    def _submit_ahead(self) -> None:
        while len(self._pending) <= LOOK_AHEAD_CHUNKS and (job := next(self._jobs, None)) is not None:
            chunk, header = job
            spool = str(Path(self._spool.name) / f"{self._submitted}.rows")
            self._submitted += 1
            self._pending.append((chunk, self._executor.submit(self._stage, chunk, header, spool)))

    def close(self) -> None:
        """Stop the workers (chunks not started are dropped) and delete the spool."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._spool.cleanup()

    def __enter__(self) -> ChunkPipeline:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def _worker_start() -> multiprocessing.context.BaseContext:
    """Fresh worker processes (never a fork of this one, whose threads and connections they must
    not inherit) that import only the worker module, not the program that started the import."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([stage_chunk_in_worker.__module__])
    return context
