"""Reading import files record by record, without holding the whole file in memory.

Each reader yields ``Item``s: a record's place in the file ("page.jsonl line 12", "feed.atom
entry 3 (line 40)") and either its mapped record or the RecordError that makes it unusable.
A file that cannot be read at all raises ``FileFormatError``.
"""

import gzip
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from works import mappers
from works.mappers import RecordError

ATOM_NS = "http://www.w3.org/2005/Atom"
_ENTRY_WRAPPER = (
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom" '
    'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{}</feed>'
)


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


# OpenAlex ------------------------------------------------------------------------------------


def read_openalex(path: Path) -> Iterator[Item]:
    """Works and Authors: one object, an API page (``meta`` + ``results``), or JSON Lines."""
    with open_text(path) as handle:
        first = handle.readline()
        second = handle.readline()
        if _parses(first) or (second.strip() and _parses(second)):
            handle.seek(0)
            yield from _openalex_lines(path, handle)
            return
        handle.seek(0)
        try:
            document = json.load(handle)
        except json.JSONDecodeError as exc:
            raise FileFormatError(
                f"{path.name}: not JSON or JSON Lines (line {exc.lineno}: {exc.msg})"
            ) from exc
    yield from _openalex_document(document, path.name)


def _parses(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False


def _openalex_lines(path: Path, handle) -> Iterator[Item]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        where = f"{path.name} line {number}"
        try:
            payload = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Item(where, error=RecordError(f"not valid JSON ({exc.msg})"))
            continue
        yield from _openalex_document(payload, where)


def _openalex_document(document, where: str) -> Iterator[Item]:
    if isinstance(document, dict) and isinstance(document.get("results"), list):
        for index, payload in enumerate(document["results"]):
            yield _openalex_item(payload, f"{where} results[{index}]")
    elif isinstance(document, list):
        for index, payload in enumerate(document):
            yield _openalex_item(payload, f"{where} [{index}]")
    else:
        yield _openalex_item(document, where)


def _openalex_item(payload, where: str) -> Item:
    try:
        if not isinstance(payload, dict):
            raise RecordError("not a JSON object")
        kind = mappers.openalex_kind(payload)
        if kind == "work":
            return Item(where, record=mappers.openalex_work(payload))
        if kind == "author":
            return Item(where, record=mappers.openalex_author(payload))
        raise RecordError(f"{payload['id']} is not an OpenAlex Work or Author")
    except RecordError as exc:
        return Item(where, error=exc)
    except (TypeError, AttributeError, KeyError) as exc:
        return Item(where, error=RecordError(f"unexpected shape ({exc.__class__.__name__}: {exc})"))


# arXiv ---------------------------------------------------------------------------------------


def read_arxiv(path: Path) -> Iterator[Item]:
    """arXiv API Atom feeds, plain, gzipped, or as a recorded ``{"url", "body"}`` response.

    Entries are cut out of the text and parsed one at a time, so a malformed entry is reported
    with its line and the entries after it still import.
    """
    with open_text(path) as handle:
        start = handle.read(1)
        while start and start.isspace():
            start = handle.read(1)
        if start == "{":
            try:
                wrapper = json.loads(start + handle.read())
                body = wrapper["body"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise FileFormatError(f"{path.name}: not an arXiv Atom feed") from exc
            yield from _atom_entries(path.name, io.StringIO(body))
            return
        if start != "<":
            raise FileFormatError(f"{path.name}: not an arXiv Atom feed")
        handle.seek(0)
        yield from _atom_entries(path.name, handle)


def _atom_entries(name: str, handle) -> Iterator[Item]:
    count = 0
    saw_feed = False
    for line, chunk, complete in _entry_chunks(handle):
        if chunk is None:  # the text before the first entry
            saw_feed = "<feed" in line and ATOM_NS in line
            if not saw_feed:
                raise FileFormatError(f"{name}: not an Atom feed (no Atom <feed> element)")
            continue
        count += 1
        where = f"{name} entry {count} (line {line})"
        if not complete:
            yield Item(where, error=RecordError("entry is not closed (truncated file?)"))
            continue
        try:
            element = ET.fromstring(_ENTRY_WRAPPER.format(chunk))[0]  # noqa: S314
        except ET.ParseError as exc:
            row = line + exc.position[0] - 1
            yield Item(where, error=RecordError(f"malformed XML at line {row}: {exc.msg}"))
            continue
        try:
            yield Item(where, record=mappers.arxiv_entry(element))
        except RecordError as exc:
            yield Item(where, error=exc)


def _entry_chunks(handle, block_size: int = 1 << 16):
    """Yield (header text, None, True) once, then (line, entry text, complete) per entry."""
    buffer = ""
    line = 1
    header_done = False
    while True:
        block = handle.read(block_size)
        buffer += block
        while True:
            start = _find_entry(buffer, 0)
            if not header_done:
                if start == -1 and block:
                    break
                header = buffer if start == -1 else buffer[:start]
                yield header, None, True
                header_done = True
            if start == -1:
                line += buffer.count("\n", 0, max(0, len(buffer) - 16))
                buffer = buffer[max(0, len(buffer) - 16) :]
                break
            end = buffer.find("</entry>", start)
            following = _find_entry(buffer, start + 6)
            if following != -1 and (end == -1 or following < end):
                # An entry that never closes before the next one starts.
                yield line + buffer.count("\n", 0, start), buffer[start:following], False
                line += buffer.count("\n", 0, following)
                buffer = buffer[following:]
                continue
            if end == -1:
                if not block:
                    yield line + buffer.count("\n", 0, start), buffer[start:], False
                    return
                break
            end += len("</entry>")
            yield line + buffer.count("\n", 0, start), buffer[start:end], True
            line += buffer.count("\n", 0, end)
            buffer = buffer[end:]
        if not block:
            return


def _find_entry(text: str, offset: int) -> int:
    """Index of the next ``<entry>`` or ``<entry ...>`` start tag, or -1."""
    while True:
        index = text.find("<entry", offset)
        if index == -1 or index + 6 >= len(text):
            return -1
        if text[index + 6] in "> \t\r\n":
            return index
        offset = index + 6
