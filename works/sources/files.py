"""Reading import files record by record, without holding the whole file in memory.

Each source's reader yields ``Item``s: a record's place in the file ("page.jsonl line 12",
"feed.atom entry 3 (line 40)") and either its record or the RecordError that makes it
unusable. A file that cannot be read at all raises ``FileFormatError``.
"""

import gzip
import io
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from works.sources.records import RecordError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer


class FileFormatError(ValueError):
    """The file as a whole is not in the format asked for."""


class FetchError(Exception):
    """A key could not be read from its source (none such, down, or a bad answer)."""


@dataclass(frozen=True)
class Item:
    location: str
    record: object | None = None
    error: RecordError | None = None


_P = ParamSpec("_P")
_T = TypeVar("_T")


def capture(parse: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T | RecordError:
    """``parse(*args, **kwargs)``, or the RecordError saying why that part of the file is
    unusable."""
    try:
        return parse(*args, **kwargs)
    except RecordError as exc:
        return exc
    except (TypeError, AttributeError, KeyError, IndexError, ValueError) as exc:
        return RecordError(f"unexpected shape ({exc.__class__.__name__}: {exc})")


def listed(document: object, where: str, key: str) -> Iterator[tuple[object, str]]:
    """The objects of one parsed answer or file, each with where it stands: a page's
    ``key`` list, a bare list, or the document itself."""
    if isinstance(document, dict) and isinstance(document.get(key), list):
        for index, payload in enumerate(document[key]):
            yield payload, f"{where} {key}[{index}]"
    elif isinstance(document, list):
        for index, payload in enumerate(document):
            yield payload, f"{where} [{index}]"
    else:
        yield document, where


def json_item(where: str, parse: Callable[[dict[str, Any]], object], payload: object) -> Item:
    """The Item of one JSON object of a file or answer: the record ``parse`` makes of it,
    or the RecordError saying why it is unusable (not an object, or not of that shape)."""
    if not isinstance(payload, dict):
        return Item(where, error=RecordError("not a JSON object"))
    result = capture(parse, payload)
    if isinstance(result, RecordError):
        return Item(where, error=result)
    return Item(where, record=result)


class _CountingFile(io.FileIO):
    """A file that remembers how far it has been read, for progress on big imports."""

    def readinto(self, buffer: "WriteableBuffer") -> int | None:
        count = super().readinto(buffer)
        _bytes_read[self.name] = _bytes_read.get(self.name, 0) + (count or 0)
        return count


_bytes_read: dict[str, int] = {}


def fraction_read(path: Path) -> float | None:
    """How much of the file on disk has been read so far (0 to 1), if it is being read."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        return None
    read = _bytes_read.get(str(path))
    return min(1.0, read / size) if read is not None and size else None


class _Gunzipped(gzip.GzipFile):
    """A gzip file whose end, if it comes before the gzip stream's, is a FileFormatError
    naming the file: everything before it is read, only a last partial line is lost."""

    def __init__(self, raw: "io.BufferedReader[_CountingFile]", name: str):
        super().__init__(fileobj=raw, mode="rb")
        self._label = name

    def read(self, size: int | None = -1) -> bytes:
        try:
            return super().read(size)
        except (EOFError, zlib.error) as exc:
            raise self._cut_short() from exc

    def read1(self, size: int = -1) -> bytes:
        try:
            return super().read1(size)
        except (EOFError, zlib.error) as exc:
            raise self._cut_short() from exc

    def _cut_short(self) -> FileFormatError:
        return FileFormatError(f"{self._label}: the gzip stream ends early (truncated file?)")


def open_text(path: Path) -> io.TextIOBase:
    """Open plain or gzipped UTF-8 text, told apart by the gzip magic number."""
    with open(path, "rb") as probe:
        magic = probe.read(2)
    _bytes_read[str(path)] = 0
    raw = io.BufferedReader(_CountingFile(str(path), "rb"))
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(
            _Gunzipped(raw, Path(path).name), encoding="utf-8", errors="replace"
        )
    return io.TextIOWrapper(raw, encoding="utf-8", errors="replace")


def head(path: Path, size: int = 1 << 16) -> str:
    """The first ``size`` characters of a file (gunzipped), for telling formats apart."""
    with open_text(path) as handle:
        return handle.read(size)


def json_lines(name: str, handle: Iterable[str]) -> Iterator[tuple[str, object]]:
    """Each non-blank line of a JSON Lines file: its place, and its value or a RecordError."""
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        try:
            yield where, json.loads(line)
        except json.JSONDecodeError as exc:
            yield where, RecordError(f"not valid JSON ({exc.msg})")
        except RecursionError:
            yield where, RecordError("JSON nested too deeply to read")
