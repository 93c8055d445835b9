"""Crossref: works as the REST API (api.crossref.org) serves them.

A file holds one API response — a ``"message-type": "work"`` message (one work) or a
``"work-list"`` message (``message.items``: a query, a cursor page, a sample) — or one bare
work object, or a JSON array of them, or JSON Lines of any of these; plain or gzipped.

Decisions an importer should know:

* ``external_id`` is the normalised DOI; a work without a DOI or a title is an error item.
* An arXiv DOI (``10.48550/arxiv.*``) becomes ``arxiv_id`` and leaves ``doi`` empty.
* A work without an ``author`` key is read with ``authors=()`` and ``byline_complete=False``:
  Crossref omits the key when the depositor sent no names (the same chapter can appear once
  with its author and once without), so an empty list says nothing about the real byline
  and must not replace one taken from another source.
* Dates: the first of ``published``, ``published-print``, ``published-online``, ``issued``
  that has a year; ``publication_date`` only when that one has year, month and day.
* Crossref publishes no ISSN-L: ``issn_l`` is the print ISSN, else the first ISSN listed.
* Topics are left empty: Crossref ``subject`` codes are journal-level, not about the work.
"""

import json
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from bzpeer.lib.identifiers import (
    ARXIV_DOI_PREFIX,
    normalize_doi,
    normalize_orcid,
    split_arxiv_id,
)
from bzpeer.lib.names import person_name
from bzpeer.lib.sources import Source
from works.sources.files import FileFormatError, Item, json_lines, open_text
from works.sources.records import (
    AuthorRecord,
    InstitutionRecord,
    RecordError,
    VenueRecord,
    WorkRecord,
    clean_text,
    with_hash,
)

_MESSAGE_TYPE = re.compile(r'"message-type"\s*:\s*"work(?:-list)?"')
_DOI_KEY = re.compile(r'"DOI"\s*:\s*"10\.')
# Crossref escapes slashes in JSON strings: "https:\/\/doi.org\/10...".
_DOI_URL = re.compile(r'"URL"\s*:\s*"https?:(?:\\?/){2}(?:dx\.)?doi\.org(?:\\?/)')
# Keys only Crossref's own work objects carry; they come early, before the long reference list.
_CROSSREF_KEYS = ("reference-count", "is-referenced-by-count", "content-domain", "indexed")
_ISSN = re.compile(r"\d{4}-\d{3}[\dX]")

_KINDS = {
    "journal-article": "article",
    "proceedings-article": "article",
    "posted-content": "preprint",
    "book-chapter": "book-chapter",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "dataset": "dataset",
    "dissertation": "dissertation",
    "report": "report",
    "peer-review": "peer-review",
    "standard": "standard",
}
_DATE_FIELDS = ("published", "published-print", "published-online", "issued")


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


def _is_json_lines(handle) -> bool:
    """A complete JSON object on line 1 or 2 with more text after it: one value per line."""
    first = handle.readline()
    second = handle.readline()
    if _parses(first):
        return bool(second.strip()) or bool(handle.read(1 << 12).strip())
    return bool(second.strip()) and _parses(second)


def _parses(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False


def _load(name: str, text: str):
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


def _lines(name: str, handle) -> Iterator[Item]:
    seen_crossref = False
    for where, payload in json_lines(name, handle):
        if isinstance(payload, RecordError):
            yield Item(where, error=payload)
            continue
        # The first JSON value decides whether the whole file is someone else's JSON.
        yield from _document(payload, where, strict=not seen_crossref, name=name)
        seen_crossref = True


def _document(document, where: str, strict: bool, name: str | None = None) -> Iterator[Item]:
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


def _message(document: dict, where: str) -> Iterator[Item]:
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


def _errors(message) -> str:
    """Crossref's own wording of a failed request, e.g. ``: Parameter x not allowed``."""
    if not isinstance(message, list):
        return ""
    texts = [clean_text(str(m.get("message") or "")) for m in message if isinstance(m, dict)]
    return ": " + "; ".join(t for t in texts if t) if any(texts) else ""


def _looks_like_work(payload) -> bool:
    return isinstance(payload, dict) and (
        "DOI" in payload or any(key in payload for key in _CROSSREF_KEYS)
    )


def _item(payload, where: str) -> Item:
    try:
        if not isinstance(payload, dict):
            raise RecordError("not a JSON object")
        return Item(where, record=crossref_work(payload))
    except RecordError as exc:
        return Item(where, error=exc)
    except (TypeError, AttributeError, KeyError, IndexError) as exc:
        shape = f"unexpected shape ({exc.__class__.__name__}: {exc})"
        return Item(where, error=RecordError(shape))


def crossref_work(payload: dict) -> WorkRecord:
    """One Crossref work object (the API's ``message``, or one of ``message.items``).

    Raises RecordError, naming the DOI when there is one, for a work without a DOI, without a
    title, with an author who has no name, or with a date that is not a date.
    """
    raw_doi = payload.get("DOI")
    doi = normalize_doi(raw_doi) if isinstance(raw_doi, str) else None
    if not doi:
        title = clean_text(_first(payload.get("title")))[:80]
        detail = f"{raw_doi!r} is not a DOI" if raw_doi else "no DOI"
        raise RecordError(f"work has {detail}" + (f" (title {title!r})" if title else ""))
    title = clean_text(inline_text(_first(payload.get("title"))))
    if not title:
        raise RecordError(f"work {doi} has no title")
    arxiv = split_arxiv_id(doi) if doi.startswith(ARXIV_DOI_PREFIX) else None
    crossref_type = payload.get("type") or ""
    year, published = _publication(payload, doi)
    has_byline = "author" in payload
    return with_hash(
        WorkRecord(
            source=Source.CROSSREF,
            external_id=doi,
            title=title,
            authors=_authors(payload.get("author") or [], doi),
            abstract=plain_abstract(payload.get("abstract")),
            kind=crossref_kind(crossref_type),
            publication_date=published,
            publication_year=year,
            doi=None if arxiv else doi,
            arxiv_id=arxiv[0] if arxiv else None,
            venue=_venue(payload, crossref_type),
            byline_complete=has_byline,
        )
    )


def crossref_kind(crossref_type: str) -> str:
    """A Crossref ``type`` as one of records.KINDS; types BZPEER does not show are 'other'."""
    return _KINDS.get(crossref_type, "other")


def _first(value) -> str:
    """Crossref lists titles (``["Title"]``); its CSL-JSON transform gives a plain string."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    return value if isinstance(value, str) else ""


def _publication(payload: dict, doi: str) -> tuple[int | None, date | None]:
    """(year, full date or None) from the first date field that has a year."""
    for field_name in _DATE_FIELDS:
        parts = _date_parts(payload.get(field_name), f"work {doi}: {field_name}")
        if not parts:
            continue
        if len(parts) < 3:
            return parts[0], None
        try:
            return parts[0], date(*parts[:3])
        except ValueError as exc:
            raise RecordError(f"work {doi}: {field_name} is not a date: {parts!r}") from exc
    return None, None


def _date_parts(value, where: str) -> list[int]:
    """The leading known parts of ``{"date-parts": [[2020, 6, 2]]}``; [] for ``[[null]]``."""
    rows = value.get("date-parts") if isinstance(value, dict) else None
    row = rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], list) else []
    parts = []
    for part in row:
        if part is None:
            break
        if not isinstance(part, int) or isinstance(part, bool):
            raise RecordError(f"{where} is not a date: {row!r}")
        parts.append(part)
    return parts


def _authors(entries: list, doi: str) -> tuple[AuthorRecord, ...]:
    authors = []
    for position, entry in enumerate(entries, start=1):
        printed = _printed_name(entry)
        if not printed:
            raise RecordError(f"work {doi}: author {position} has no name")
        names = (clean_text(a.get("name")) for a in entry.get("affiliation") or [])
        authors.append(
            AuthorRecord(
                printed_name=printed[:500],
                display_name=person_name(printed)[:255],
                orcid=normalize_orcid(entry.get("ORCID")),
                institutions=tuple(
                    InstitutionRecord(name=name[:300]) for name in dict.fromkeys(names) if name
                ),
            )
        )
    return tuple(authors)


def _printed_name(entry: dict) -> str:
    """A person's "Given Family Suffix" as printed, or an organisation's ``name``."""
    parts = (entry.get("given"), entry.get("family"), entry.get("suffix"))
    person = clean_text(" ".join(p for p in parts if isinstance(p, str)))
    return person or clean_text(entry.get("name"))


def _venue(payload: dict, crossref_type: str) -> VenueRecord | None:
    name = clean_text(_first(payload.get("container-title")))
    if not name:
        return None
    return VenueRecord(
        name=name[:300],
        issn_l=_issn(payload),
        kind="journal" if crossref_type == "journal-article" else "",
    )


def _issn(payload: dict) -> str:
    """The print ISSN when Crossref types its ISSNs, else the first ISSN listed, else ''."""
    typed = [t for t in payload.get("issn-type") or [] if isinstance(t, dict)]
    listed = [t.get("value") for t in typed if t.get("type") == "print"]
    listed += payload.get("ISSN") or []
    for value in listed:
        if isinstance(value, str) and _ISSN.fullmatch(value.strip().upper()):
            return value.strip().upper()
    return ""


# JATS and HTML elements that hold a paragraph of their own; all others are inline.
_BLOCKS = {"p", "title", "sec", "list", "list-item", "li", "ul", "ol", "div", "abstract", "br"}
# Crossref deposits often open with a heading that only labels the block as the abstract.
_LABELS = {"abstract", "summary"}


class _TextCollector(HTMLParser):
    """Plain text of marked-up text: one string per block element, inline tags dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag.rsplit(":", 1)[-1] in _BLOCKS:
            self.flush()

    def handle_endtag(self, tag):
        if tag.rsplit(":", 1)[-1] in _BLOCKS:
            self.flush()

    def handle_data(self, data):
        self._parts.append(data)

    def flush(self):
        text = clean_text("".join(self._parts))
        if text:
            self.blocks.append(text)
        self._parts = []


def _blocks(markup: str) -> list[str]:
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    collector.flush()
    return collector.blocks


def plain_abstract(markup: str | None) -> str:
    """A JATS (or HTML) abstract as plain text: paragraphs joined by a blank line, no tags,
    entities decoded, and a leading "Abstract" heading dropped."""
    if not isinstance(markup, str):
        return ""
    blocks = _blocks(markup)
    if len(blocks) > 1 and blocks[0].casefold() in _LABELS:
        blocks = blocks[1:]
    return "\n\n".join(blocks)


def inline_text(markup: str) -> str:
    """Text with its inline markup (``<i>``, ``<sub>``, ``<scp>``...) removed, on one line."""
    if "<" not in markup and "&" not in markup:
        return markup
    return " ".join(_blocks(markup))
