"""Loading an OpenAlex snapshot folder (its layout: works.sources.openalex_snapshot).

Institutions, authors and works go through the importer, so matching, provenance, progress
and the summary are those of any import; topics and sources are read and checked, not kept
(BZPEER keeps them as parts of works). Each entity's partitions load oldest first, and only
those newer than the last one loaded whole (SnapshotPartition): a partition is recorded
when every file it lists was read to its end, so a run interrupted in the middle of one, or
a file cut short, has it read again next time; the entity's newer partitions wait for it.
Then the merged IDs of authors and works are applied, each day's file once.
"""

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Max

from profiles.models import Researcher
from works.importer import PROGRESS_EVERY, Summary, refresh_stale, run_import
from works.models import SnapshotPartition, WorkIdentifier
from works.services import (
    researcher_openalex_merge,
    snapshot_partition_record,
    work_openalex_merge,
)
from works.sources.files import FileFormatError, Item
from works.sources.openalex_snapshot import (
    ENTITIES,
    KEPT,
    MERGED,
    Merge,
    Partition,
    data_folder,
    merged_files,
    merges,
    part_items,
    part_lines,
    partitions,
)
from works.sources.records import RecordError

Report = Callable[[str], None]
MERGE_BATCH = 5000
T = TypeVar("T")


@dataclass
class SnapshotSummary(Summary):
    loaded: int = 0
    already: int = 0
    waiting: int = 0
    not_kept: Counter[str] = field(default_factory=Counter)
    merges: dict[str, Counter[str]] = field(default_factory=dict)

    def problem(self, message: str, report: Report) -> None:
        self.skipped += 1
        self.problems.append(message)
        report(f"skipped {message}")

    def line(self) -> str:
        parts = [
            super().line(),
            f"partitions: {self.loaded} loaded, {self.already} already loaded"
            + (f", {self.waiting} waiting" if self.waiting else ""),
        ]
        parts += [f"{entity}: {n:,} read, not kept" for entity, n in self.not_kept.items()]
        for entity, counts in self.merges.items():
            parts.append(
                f"merged {entity}: {counts['applied']:,} applied, "
                f"{counts['not held']:,} of IDs not held here"
            )
        return "; ".join(parts)


def snapshot_import(folder: Path, report: Report) -> SnapshotSummary:
    """Load what is new in the snapshot in ``folder``, then recount the researchers touched.
    Safe to repeat and to interrupt: a second run loads nothing the first loaded whole."""
    summary = SnapshotSummary()
    data = data_folder(folder)
    plan = [(entity, _to_load(data, entity, summary, report)) for entity in ENTITIES]
    total = sum(partition.records for _, todo in plan for partition in todo)
    done, started = 0, time.monotonic()
    for entity, todo in plan:
        for index, partition in enumerate(todo):
            whole = _load_partition(partition, summary, report)
            if not whole and index + 1 < len(todo):
                waiting = todo[index + 1 :]
                summary.waiting += len(waiting)
                total -= sum(later.records for later in waiting)
                report(
                    f"{entity}: {len(waiting)} newer partition(s) wait until this one loads whole"
                )
            done += partition.records
            if 0 < done < total:
                rate = done / (time.monotonic() - started)
                report(
                    f"snapshot: {done:,} of {total:,} records, {rate:,.0f}/s, "
                    f"about {(total - done) / rate:,.0f} s left"
                )
            if not whole:
                break
    for entity in MERGED:
        _apply_merged(data, entity, summary, report)
    _mention_other_merged(data, report)
    summary.researchers_refreshed = refresh_stale(report)
    return summary


def _last_loaded(entity: str) -> date | None:
    found = SnapshotPartition.objects.filter(entity=entity).aggregate(last=Max("updated_date"))
    last: date | None = found["last"]
    return last


def _to_load(data: Path, entity: str, summary: SnapshotSummary, report: Report) -> list[Partition]:
    """The entity's partitions newer than the last one loaded whole, oldest first."""
    if not (data / entity).is_dir():
        report(f"{entity}: not in this snapshot")
        return []
    try:
        found = partitions(data, entity)
    except FileFormatError as exc:
        summary.problem(str(exc), report)
        return []
    last = _last_loaded(entity)
    todo = [p for p in found if last is None or p.updated_date > last]
    if len(todo) < len(found):
        summary.already += len(found) - len(todo)
        report(
            f"{entity}: {len(found) - len(todo)} partition(s) already loaded (through "
            f"updated_date={last}), {len(todo)} to load"
        )
    return todo


def _load_partition(partition: Partition, summary: SnapshotSummary, report: Report) -> bool:
    """Load one partition; record it, and return True, when every file was read whole."""
    report(f"{partition.label}: {len(partition.parts)} file(s), {partition.records:,} records")
    broken = 0
    present = []
    for part in partition.parts:
        if part.path.is_file():
            present.append(part)
        else:
            broken += 1
            summary.problem(f"{part.label}: in the manifest but not in the folder", report)
    records_before = summary.records
    if partition.entity in KEPT:
        by_path = {part.path: part for part in present}

        def read(path: Path) -> Iterator[Item]:
            nonlocal broken
            try:
                yield from part_items(by_path[path])
            except FileFormatError:
                broken += 1
                raise

        run_import(list(by_path), read, report, refresh=False, summary=summary)
        records = summary.records - records_before
    else:
        records = 0
        for part in present:
            try:
                for where, payload in part_lines(part):
                    records += 1
                    if isinstance(payload, RecordError):
                        summary.problem(f"{where}: {payload}", report)
            except FileFormatError as exc:
                broken += 1
                summary.problem(str(exc), report)
        summary.not_kept[partition.entity] += records
    if broken:
        report(f"{partition.label}: not loaded whole, so the next run reads it again")
        return False
    snapshot_partition_record(
        entity=partition.entity, updated_date=partition.updated_date, records=records
    )
    summary.loaded += 1
    report(f"{partition.label}: loaded ({records:,} records)")
    return True


_APPLY = {"authors": researcher_openalex_merge, "works": work_openalex_merge}


def _apply_merged(data: Path, entity: str, summary: SnapshotSummary, report: Report) -> None:
    """Apply the entity's files of merged IDs newer than the last applied, oldest first."""
    key = f"merged_ids/{entity}"
    files = merged_files(data, entity)
    if not files:
        return
    last = _last_loaded(key)
    todo = [(day, path) for day, path in files if last is None or day > last]
    if len(todo) < len(files):
        report(f"{key}: {len(files) - len(todo)} file(s) already applied (through {last})")
    counts = summary.merges.setdefault(entity, Counter())
    for day, path in todo:
        label = f"{key}/{path.name}"
        read = Counter[str]()
        try:
            _apply_file(entity, merges(path, label, MERGED[entity]), read, summary, report)
        except FileFormatError as exc:
            summary.problem(str(exc), report)
            report(f"{label}: not read whole, so the next run reads it again")
            break
        finally:
            counts.update(read)
        snapshot_partition_record(entity=key, updated_date=day, records=read["rows"])
        report(
            f"{label}: {read['rows']:,} merges: {read['applied']:,} applied, "
            f"{read['not held']:,} of IDs not held here"
        )


def _apply_file(
    entity: str,
    rows: Iterator[tuple[str, Merge | RecordError]],
    read: Counter[str],
    summary: SnapshotSummary,
    report: Report,
) -> None:
    """Apply merges in chunks: one query finds which of a chunk's IDs BZPEER holds, and only
    those merges go to the service (a snapshot's merges are mostly of others' IDs)."""
    last_report = time.monotonic()
    for chunk in _chunks(rows, MERGE_BATCH):
        ids = {i for _, m in chunk if isinstance(m, Merge) for i in (m.old_id, m.kept_id)}
        held = _held(entity, ids)
        for where, merge in chunk:
            read["rows"] += 1
            if isinstance(merge, RecordError):
                summary.problem(f"{where}: {merge}", report)
            elif not held & {merge.old_id, merge.kept_id}:
                read["not held"] += 1
            else:
                try:
                    _APPLY[entity](old_id=merge.old_id, kept_id=merge.kept_id)
                    read["applied"] += 1
                except ValidationError as exc:
                    message = " ".join(exc.messages)
                    summary.problem(
                        f"{where}: {merge.old_id} into {merge.kept_id}: {message}", report
                    )
            if time.monotonic() - last_report >= PROGRESS_EVERY:
                last_report = time.monotonic()
                report(f"{where}: {read['rows']:,} merges, {read['applied']:,} applied")


def _held(entity: str, ids: set[str]) -> set[str]:
    """Which of these OpenAlex IDs BZPEER holds, as authors or works."""
    if entity == "authors":
        found = Researcher.objects.filter(openalex_id__in=ids).values_list("openalex_id")
    else:
        scheme = WorkIdentifier.Scheme.OPENALEX
        found = WorkIdentifier.objects.filter(scheme=scheme, value__in=ids).values_list("value")
    return {value for (value,) in found if value}


def _chunks(items: Iterator[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _mention_other_merged(data: Path, report: Report) -> None:
    folder = data / "merged_ids"
    if folder.is_dir():
        for other in sorted(p.name for p in folder.iterdir() if p.is_dir()):
            if other not in MERGED:
                report(f"merged_ids/{other}: not applied (BZPEER applies merged authors, works)")
