"""The OpenAlex snapshot's layout, as OpenAlex publishes it (docs.openalex.org, "Snapshot data
format") and ``aws s3 sync s3://openalex DIR`` copies it:

    DIR/data/<entity>/manifest                              what the entity's files are
    DIR/data/<entity>/updated_date=YYYY-MM-DD/part_000.gz   gzipped JSON Lines, one per line
    DIR/data/merged_ids/<entity>/YYYY-MM-DD.csv.gz          merge_date,id,merge_into_id

A manifest is JSON (Redshift's manifest format): ``entries`` of ``{"url":
"s3://openalex/data/authors/updated_date=2025-06-08/part_000.gz", "meta": {"content_length":
…, "record_count": …}}``, and ``meta`` with the totals. OpenAlex deletes an entity's manifest
while it writes a partition, so a missing manifest means "not ready". Each record sits in the
partition of the day it last changed, so a copy loaded up to a date needs only newer ones.
"""

import csv
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bzpeer.lib.identifiers import normalize_openalex_id
from works.sources.files import FileFormatError, Item, json_lines, open_text
from works.sources.openalex import openalex_item
from works.sources.records import RecordError

# The entities BZPEER reads, in the order that lets each one's links resolve.
ENTITIES = ("institutions", "authors", "works", "topics", "sources")
# Those the importer keeps; the others are read (and checked) only.
KEPT = frozenset({"institutions", "authors", "works"})
# Merged IDs that BZPEER applies, with the letter of their IDs.
MERGED = {"authors": "A", "works": "W"}

_ENTRY = re.compile(
    r"/(?P<entity>[a-z_]+)/updated_date=(?P<date>\d{4}-\d{2}-\d{2})/(?P<name>[^/]+)$"
)
_MERGED_NAME = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})\.csv\.gz$")


@dataclass(frozen=True)
class Part:
    """One file of a partition: where it is, what to call it, how many records it holds."""

    path: Path
    label: str
    records: int | None


@dataclass(frozen=True)
class Partition:
    entity: str
    updated_date: date
    parts: tuple[Part, ...]

    @property
    def label(self) -> str:
        return f"{self.entity} updated_date={self.updated_date}"

    @property
    def records(self) -> int:
        return sum(part.records or 0 for part in self.parts)


@dataclass(frozen=True)
class Merge:
    """One row of merged IDs: ``old_id`` is gone, merged into ``kept_id``."""

    old_id: str
    kept_id: str


def data_folder(folder: Path) -> Path:
    """The snapshot's ``data`` folder: DIR/data, or DIR itself when it is that folder."""
    return folder / "data" if (folder / "data").is_dir() else folder


def partitions(data: Path, entity: str) -> list[Partition]:
    """The entity's partitions as its manifest lists them, oldest first.

    Raises FileFormatError, naming the manifest, when it is missing, not JSON, or lists an
    entry that is not one of this entity's ``updated_date=`` files."""
    where = f"{entity}/manifest"
    try:
        manifest = json.loads((data / entity / "manifest").read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise FileFormatError(f"{where}: missing (not copied, or OpenAlex is writing)") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileFormatError(f"{where}: not a readable JSON manifest ({exc})") from exc
    entries = manifest.get("entries") if isinstance(manifest, dict) else None
    if not isinstance(entries, list):
        raise FileFormatError(f"{where}: has no list of entries")
    grouped: dict[date, list[Part]] = {}
    for index, entry in enumerate(entries):
        url = entry.get("url") if isinstance(entry, dict) else None
        found = _ENTRY.search(url) if isinstance(url, str) else None
        if not found or found["entity"] != entity or found["name"] in {".", ".."}:
            raise FileFormatError(f"{where}: entries[{index}] is not a file of {entity}: {url!r}")
        try:
            day = date.fromisoformat(found["date"])
        except ValueError as exc:
            raise FileFormatError(f"{where}: entries[{index}]: {exc}") from exc
        folder = f"updated_date={found['date']}"
        count = (entry.get("meta") or {}).get("record_count")
        grouped.setdefault(day, []).append(
            Part(
                path=data / entity / folder / found["name"],
                label=f"{entity}/{folder}/{found['name']}",
                records=count if isinstance(count, int) else None,
            )
        )
    return [Partition(entity, day, tuple(grouped[day])) for day in sorted(grouped)]


def part_lines(part: Part) -> Iterator[tuple[str, object]]:
    """Each line of a part file: its place and its JSON value, or a RecordError.

    Raises FileFormatError when the file cannot be read to its end (cut short, not gzip) or
    holds another number of records than the manifest says."""
    count = 0
    try:
        with open_text(part.path) as handle:
            for line in json_lines(part.label, handle):
                count += 1
                yield line
    except (EOFError, zlib.error, OSError, FileFormatError) as exc:
        raise FileFormatError(f"{part.label}: cannot be read to its end ({exc})") from exc
    if part.records is not None and count != part.records:
        raise FileFormatError(
            f"{part.label}: holds {count} records where the manifest says {part.records}"
        )


def part_items(part: Part) -> Iterator[Item]:
    """The part's records, as the importer reads any OpenAlex file."""
    for where, payload in part_lines(part):
        if isinstance(payload, RecordError):
            yield Item(where, error=payload)
        else:
            yield openalex_item(payload, where)


def merged_files(data: Path, entity: str) -> list[tuple[date, Path]]:
    """The entity's files of merged IDs, oldest first (none when there is no folder)."""
    folder = data / "merged_ids" / entity
    if not folder.is_dir():
        return []
    found = ((_MERGED_NAME.fullmatch(path.name), path) for path in folder.iterdir())
    return sorted((date.fromisoformat(match["date"]), path) for match, path in found if match)


def merges(path: Path, label: str, letter: str) -> Iterator[tuple[str, Merge | RecordError]]:
    """Each row of a file of merged IDs: its place, and the merge or the RecordError that
    makes it unusable. Raises FileFormatError when the file cannot be read to its end."""
    try:
        with open_text(path) as handle:
            rows = csv.DictReader(handle)
            if not {"id", "merge_into_id"} <= set(rows.fieldnames or ()):
                raise FileFormatError(f"{label}: its header is not merge_date,id,merge_into_id")
            for row in rows:
                old = normalize_openalex_id(row.get("id"), letter)
                kept = normalize_openalex_id(row.get("merge_into_id"), letter)
                where = f"{label} line {rows.line_num}"
                if old and kept and old != kept:
                    yield where, Merge(old, kept)
                else:
                    yield where, RecordError(f"not two OpenAlex {letter} IDs: {dict(row)}")
    except (EOFError, zlib.error, OSError, csv.Error) as exc:
        raise FileFormatError(f"{label}: cannot be read to its end ({exc})") from exc
