"""Running an import: files -> records -> batches written by works.importing, with progress.

Bad records are reported with their place in the file and skipped; a batch that fails in the
database is retried record by record, so one bad record never takes good ones down with it.
"""

import functools
import gc
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, connection

from profiles.models import Researcher
from profiles.services import researcher_refresh_stale
from works.importing.batch import records_import
from works.models import Authorship, SourceRecord, Work, WorkIdentifier
from works.sources.files import FetchError, FileFormatError, Item, fraction_read
from works.sources.records import Record

BATCH_SIZE = 5000
# Tables grown by this many records get fresh planner statistics, so the lookups of the next
# batches keep using their indexes.
ANALYZE_EVERY = 100_000
_TABLES = [
    model._meta.db_table
    for model in (
        Work,
        WorkIdentifier,
        Authorship,
        Authorship.institutions.through,
        Work.topics.through,
        SourceRecord,
        Researcher,
    )
]


def analyze_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(_TABLES)}")  # noqa: S608 (the models' tables)


PROGRESS_EVERY = 2.0  # seconds


@dataclass
class Summary:
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    researchers_refreshed: int = 0
    problems: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @property
    def seconds(self) -> float:
        return max(time.monotonic() - self.started, 1e-6)

    @property
    def rate(self) -> float:
        return self.records / self.seconds

    def add(self, result) -> None:
        self.created += result.created
        self.updated += result.updated
        self.unchanged += result.unchanged

    def line(self) -> str:
        return (
            f"{self.records} records: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.skipped} skipped "
            f"in {self.seconds:.1f} s ({self.rate:,.0f} records/s); "
            f"{self.researchers_refreshed} researchers refreshed"
        )


def run_import(
    paths: Iterable[Path],
    reader: Callable[[Path], Iterator[Item]],
    report: Callable[[str], None],
    *,
    refresh: bool = True,
    summary: Summary | None = None,
) -> Summary:
    """Import the files; then, unless ``refresh`` is off, recount the researchers touched.
    Counts go into ``summary`` when given (a run of several imports), else a new one."""
    summary = Summary() if summary is None else summary
    with _few_collections():
        for path in paths:
            _import_file(Path(path), reader, report, summary)
    if (summary.created + summary.updated) % ANALYZE_EVERY >= ANALYZE_EVERY // 10:
        analyze_tables()  # unless the last batch just did
    if refresh:
        summary.researchers_refreshed = refresh_stale(report)
    return summary


def refresh_stale(report: Callable[[str], None]) -> int:
    """Recount every researcher marked stale, reporting progress; returns how many."""
    started = time.monotonic()
    last_report = [started]

    def progress(done: int, total: int) -> None:
        if time.monotonic() - last_report[0] >= PROGRESS_EVERY:
            last_report[0] = time.monotonic()
            rate = done / (last_report[0] - started)
            report(
                f"refreshing researchers: {done:,} of {total:,}, {rate:,.0f}/s, "
                f"{(total - done) / rate:,.0f} s left"
            )

    return researcher_refresh_stale(progress=progress, event="import")


@contextmanager
def _few_collections():
    """Cyclic garbage collection scans every live object, and an import makes millions of
    short-lived ones that reference counting frees anyway: collect rarely while it runs."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(200_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


_CHUNK = 500
_DONE = object()


def _read_ahead(
    items: Iterator[Item],
    fraction: Callable[[], float | None] = lambda: None,
    chunks: int = 2 * BATCH_SIZE // _CHUNK,
) -> Iterator[tuple[Item, float | None]]:
    """The items of ``items``, read by another thread up to ``chunks`` chunks ahead, so that
    parsing the next records overlaps the database's work on the last batch; each with the
    share of the file ``fraction`` said was read once its chunk was. An exception in the
    reader is raised here, after the items read before it."""
    handoff: queue.Queue = queue.Queue(maxsize=chunks)
    stop = threading.Event()

    def produce() -> None:
        chunk: list[Item] = []
        try:
            for item in items:
                chunk.append(item)
                if len(chunk) >= _CHUNK:
                    handoff.put((chunk, fraction()))
                    chunk = []
                    if stop.is_set():
                        return
            handoff.put((chunk, fraction()))
            handoff.put(_DONE)
        except BaseException as exc:  # noqa: BLE001 (raised again by the consumer)
            handoff.put((chunk, fraction()))
            handoff.put(exc)

    reader = threading.Thread(target=produce, name="import-reader", daemon=True)
    reader.start()
    try:
        while (handed := handoff.get()) is not _DONE:
            if isinstance(handed, BaseException):
                raise handed
            chunk, read = handed
            for item in chunk:
                yield item, read
    finally:
        stop.set()
        while reader.is_alive():  # make room for a reader waiting to hand over a chunk
            try:
                handoff.get(timeout=0.1)
            except queue.Empty:
                pass


def _import_file(path: Path, reader, report, summary: Summary) -> None:
    def items() -> Iterator[Item]:
        if not path.is_file():
            raise FileFormatError(f"{path}: no such file")
        return reader(path)

    _import_items(path.name, items, report, summary, fraction=lambda: fraction_read(path))


def run_fetch(
    keys: Iterable[str],
    fetch: Callable[[str], Iterator[Item]],
    report: Callable[[str], None],
    *,
    refresh: bool = True,
) -> Summary:
    """Import what ``fetch`` reads live for each key, as run_import does files: a key the
    source does not hold, or answers badly, is reported and skipped."""
    summary = Summary()
    with _few_collections():
        for key in keys:
            _import_items(key, functools.partial(fetch, key), report, summary)
    if refresh:
        summary.researchers_refreshed = refresh_stale(report)
    return summary


def _import_items(
    name: str,
    items: Callable[[], Iterator[Item]],
    report,
    summary: Summary,
    *,
    fraction: Callable[[], float | None] = lambda: None,
) -> None:
    """Write the items of one file or key in batches, reporting progress; a FileFormatError,
    an OSError or a FetchError ends this file or key as one skipped problem, and what was read
    before it is kept."""

    def problem(message: str) -> None:
        summary.skipped += 1
        summary.problems.append(message)
        report(f"skipped {message}")

    last_report = started = time.monotonic()
    batch: list[Item] = []
    # The share of the file read up to the last record written (or skipped): the reader runs
    # ahead, so the share it has read says nothing of what is done.
    done: float | None = None
    try:
        for item, read_so_far in _read_ahead(items(), fraction):
            summary.records += 1
            if item.error is not None:
                problem(f"{item.location}: {item.error}")
            else:
                batch.append(item)
            if len(batch) >= BATCH_SIZE:
                batch = _write(batch, summary, problem)
                done = read_so_far if not batch else done
            if time.monotonic() - last_report >= PROGRESS_EVERY:
                last_report = time.monotonic()
                report(_progress_line(name, summary, started, done))
    except (FileFormatError, FetchError) as exc:
        problem(str(exc))
    except OSError as exc:
        problem(f"{name}: {exc}")
    while batch:
        batch = _write(batch, summary, problem)


def _progress_line(name: str, summary: Summary, started: float, fraction: float | None) -> str:
    """Records read and their rate; with ``fraction``, the share of the file written and the
    time left, never the whole file while the line is written (records remain)."""
    line = f"{name}: {summary.records:,} records, {summary.rate:,.0f}/s"
    if fraction:
        fraction = min(fraction, 0.99)
        elapsed = time.monotonic() - started
        left = max(1.0, elapsed / fraction - elapsed)
        line += f", {fraction:.0%} of the file written, about {left:,.0f} s left"
    return line


def _write(batch: list[Item], summary: Summary, problem) -> list[Item]:
    """Write a batch; returns the items deferred to the next batch."""
    records: list[Record] = [item.record for item in batch]  # type: ignore[misc]
    try:
        result = records_import(records=records)
    except DatabaseError:
        return _write_one_by_one(batch, summary, problem)
    before = summary.created + summary.updated
    summary.add(result)
    if (summary.created + summary.updated) // ANALYZE_EVERY > before // ANALYZE_EVERY:
        analyze_tables()
    return [batch[i] for i in result.deferred]


def _write_one_by_one(batch: list[Item], summary: Summary, problem) -> list[Item]:
    """After a failed batch: each record alone, so only the bad one is lost."""
    for item in batch:
        try:
            result = records_import(records=[item.record])  # type: ignore[list-item]
        except DatabaseError as exc:
            problem(f"{item.location}: the database refused it ({str(exc).splitlines()[0]})")
            continue
        summary.add(result)
    return []
