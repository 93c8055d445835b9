"""Reading import files record by record, without holding the whole file in memory.

Each source's reader yields ``Item``s: a record's place in the file ("page.jsonl line 12",
"feed.atom entry 3 (line 40)") and either its record or the RecordError that makes it
unusable. A file that cannot be read at all raises ``FileFormatError``.
"""

import gzip
import io
from dataclasses import dataclass
from pathlib import Path

from works.sources.records import RecordError


class FileFormatError(ValueError):
    """The file as a whole is not in the format asked for."""


@dataclass(frozen=True)
class Item:
    location: str
    record: object | None = None
    error: RecordError | None = None


def open_text(path: Path) -> io.TextIOBase:
    """Open plain or gzipped UTF-8 text, told apart by the gzip magic number."""
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")  # noqa: SIM115


def head(path: Path, size: int = 1 << 16) -> str:
    """The first ``size`` characters of a file (gunzipped), for telling formats apart."""
    with open_text(path) as handle:
        return handle.read(size)
