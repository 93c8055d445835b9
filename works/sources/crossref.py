"""Crossref: works as the REST API (api.crossref.org) serves them.

A file holds one API response — a ``"message-type": "work"`` message (one work) or a
``"work-list"`` message (``message.items``: a query, a cursor page, a sample) — or one bare
work object, or a JSON array of them, or JSON Lines of any of these; plain or gzipped. Each
work object becomes a WorkRecord as works/sources/crossref_work.py says.
"""

import json
import re
from collections.abc import Iterator
from io import TextIOBase
from pathlib import Path
from typing import Any

from works.sources.crossref_work import crossref_work
from works.sources.files import FileFormatError, Item, json_item, json_lines, open_text
from works.sources.records import RecordError, clean_text

_MESSAGE_TYPE = re.compile(r'"message-type"\s*:\s*"work(?:-list)?"')
_DOI_KEY = re.compile(r'"DOI"\s*:\s*"10\.')
# Crossref escapes slashes in JSON strings: "https:\/\/doi.org\/10...".
_DOI_URL = re.compile(r'"URL"\s*:\s*"https?:(?:\\?/){2}(?:dx\.)?doi\.org(?:\\?/)')
# Keys only Crossref's own work objects carry; they come early, before the long reference list.
_CROSSREF_KEYS = ("reference-count", "is-referenced-by-count", "content-domain", "indexed")


def sniff(text: str) -> bool:
    """Does this text start like a Crossref API response, a bare Crossref work, or lines of them?

    True for ``"message-type": "work"`` / ``"work-list"`` messages, and for objects with a
    ``"DOI"`` key plus either a ``"URL"`` at (dx.)doi.org or a key only Crossref works carry.
    False for OpenAlex JSON (lower-case ``doi``), ORCID JSON and XML, arXiv feeds and BibTeX.
    """
    start = text.lstrip()
    if not start.startswith(("{", "[")):
        return False
    if _MESSAGE_TYPE.search(start):
        return True
    if not _DOI_KEY.search(start):
        return False
    return bool(_DOI_URL.search(start)) or any(f'"{key}"' in start for key in _CROSSREF_KEYS)


def read(path: Path) -> Iterator[Item]:
    """Items of a Crossref file: one per work, located as ``name``, ``name items[3]`` or
    ``name line 12`` (JSON Lines), or ``name [3]`` (a JSON array of works). A file is read as
    JSON Lines when its name ends in ``.jsonl``/``.ndjson`` or a second JSON value follows a
    one-line first one.

    Raises FileFormatError, naming the file, when it is not JSON, is truncated, is an API
    error (a saved "Resource not found." page, a ``validation-failure`` message) or is JSON
    that is not Crossref's. A bad work is an Item with its RecordError, not an exception.
    """
    try:
        with open_text(path) as handle:
            if _is_json_lines(handle) or _lines_by_name(path):
                handle.seek(0)
                yield from _lines(path.name, handle)
                return
            handle.seek(0)
            text = handle.read()
    except EOFError as exc:
        raise FileFormatError(f"{path.name}: the gzip stream ends early (truncated file?)") from exc
    except OSError as exc:
        raise FileFormatError(f"{path.name}: cannot be read ({exc})") from exc
    yield from _document(_load(path.name, text), path.name, strict=True)


def _lines_by_name(path: Path) -> bool:
    """``.jsonl`` / ``.ndjson`` (gzipped or not): JSON Lines even with a single line."""
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    return bool(suffixes) and suffixes[-1] in (".jsonl", ".ndjson")


def _is_json_lines(handle: TextIOBase) -> bool:
    """A complete JSON object on line 1 or 2 with more text after it: one value per line."""
    first = handle.readline()
    second = handle.readline()
    if _parses(first):
        return bool(second.strip()) or bool(handle.read(1 << 12).strip())
    return bool(second.strip()) and _parses(second)


def _parses(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (json.JSONDecodeError, RecursionError):
        return False


def _load(name: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        stripped = text.strip()
        if not stripped.startswith(("{", "[")):
            shown = clean_text(stripped[:80]) or "(empty)"
            raise FileFormatError(
                f"{name}: not a Crossref API response but text: {shown!r}"
                " (an error page saved in place of the response?)"
            ) from exc
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            raise FileFormatError(
                f"{name}: the JSON ends early at line {exc.lineno} (truncated file?)"
            ) from exc
        raise FileFormatError(
            f"{name}: not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg})"
        ) from exc


def _lines(name: str, handle: TextIOBase) -> Iterator[Item]:
    seen_crossref = False
    for where, payload in json_lines(name, handle):
        if isinstance(payload, RecordError):
            yield Item(where, error=payload)
            continue
        # The first JSON value decides whether the whole file is someone else's JSON.
        yield from _document(payload, where, strict=not seen_crossref, name=name)
        seen_crossref = True


def message_items(document: object, where: str) -> Iterator[Item]:
    """The Items of one Crossref API answer, parsed (FileFormatError when it is not one)."""
    return _document(document, where, strict=True)


def _document(
    document: object, where: str, strict: bool, name: str | None = None
) -> Iterator[Item]:
    """Items of one parsed JSON value: a message, a bare work, or an array of bare works.

    With ``strict``, JSON that is not Crossref's raises FileFormatError; otherwise it is an
    error item (a stray line in a JSON Lines file that began as Crossref).
    """
    name = name or where
    try:
        if isinstance(document, dict) and "message-type" in document:
            yield from _message(document, where)
        elif isinstance(document, dict) and _looks_like_work(document):
            yield _item(document, where)
        elif isinstance(document, list) and (not document or _looks_like_work(document[0])):
            for index, payload in enumerate(document):
                yield _item(payload, f"{where} [{index}]")
        else:
            raise FileFormatError(
                f'{where}: not a Crossref message (no "message-type": "work" or '
                '"work-list") nor a Crossref work (no "DOI")'
            )
    except FileFormatError as exc:
        if strict:
            raise FileFormatError(_named(str(exc), name)) from exc
        yield Item(where, error=RecordError(str(exc).removeprefix(f"{where}: ")))


def _named(message: str, name: str) -> str:
    return message if message.startswith(name) else f"{name}: {message}"


def _message(document: dict[str, Any], where: str) -> Iterator[Item]:
    kind = document.get("message-type")
    message = document.get("message")
    if document.get("status") == "failed" or kind not in ("work", "work-list"):
        raise FileFormatError(f"{where}: Crossref {kind!r} message, not works{_errors(message)}")
    if kind == "work":
        if not isinstance(message, dict):
            raise FileFormatError(f'{where}: "work" message without a work object')
        yield _item(message, where)
        return
    items = message.get("items") if isinstance(message, dict) else None
    if not isinstance(items, list):
        raise FileFormatError(f'{where}: "work-list" message without an items list')
    for index, payload in enumerate(items):
        yield _item(payload, f"{where} items[{index}]")


def _errors(message: object) -> str:
    """Crossref's own wording of a failed request, e.g. ``: Parameter x not allowed``."""
    if not isinstance(message, list):
        return ""
    texts = [clean_text(str(m.get("message") or "")) for m in message if isinstance(m, dict)]
    return ": " + "; ".join(t for t in texts if t) if any(texts) else ""


def _looks_like_work(payload: object) -> bool:
    return isinstance(payload, dict) and (
        "DOI" in payload or any(key in payload for key in _CROSSREF_KEYS)
    )


def _item(payload: object, where: str) -> Item:
    return json_item(where, crossref_work, payload)
