"""arXiv: API Atom feeds, plain, gzipped, or as a recorded ``{"url", "body"}`` response."""

import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from bzpeer.lib.identifiers import normalize_doi, split_arxiv_id
from bzpeer.lib.names import person_name
from bzpeer.lib.sources import Source
from works.sources.arxiv_categories import category_name
from works.sources.files import FileFormatError, Item, open_text
from works.sources.latex import latex_in_prose
from works.sources.records import (
    AuthorRecord,
    RecordError,
    TopicRecord,
    VenueRecord,
    WorkRecord,
    clean_paragraphs,
    clean_text,
    parse_date,
    with_hash,
)

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
ATOM_NS = "http://www.w3.org/2005/Atom"
_ENTRY_WRAPPER = (
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom" '
    'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{}</feed>'
)


def sniff(text: str) -> bool:
    """An Atom feed from arXiv's API, bare or inside a recorded response."""
    start = text[:4000]
    return ATOM_NS in start and ("arxiv.org" in start or "arXiv" in start)


def read(path: Path) -> Iterator[Item]:
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


def feed_items(name: str, text: str) -> Iterator[Item]:
    """The Items of one arXiv API answer (an Atom feed)."""
    return _atom_entries(name, io.StringIO(text))


def _atom_entries(name: str, handle: io.TextIOBase) -> Iterator[Item]:
    count = 0
    saw_feed = False
    for line, chunk, complete in _entry_chunks(handle):
        if isinstance(line, str):  # the text before the first entry
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
            yield Item(where, record=arxiv_entry(element))
        except RecordError as exc:
            yield Item(where, error=exc)


def _entry_chunks(
    handle: io.TextIOBase, block_size: int = 1 << 16
) -> Iterator[tuple[str, None, bool] | tuple[int, str, bool]]:
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


_ARXIV_ERROR = re.compile(r"arxiv\.org/api/errors")


def arxiv_entry(entry: ET.Element) -> WorkRecord:
    """One ``<entry>`` of an arXiv API Atom feed."""
    raw_id = clean_text(entry.findtext(f"{ATOM}id"))
    if _ARXIV_ERROR.search(raw_id):
        raise RecordError(f"arXiv API error: {clean_text(entry.findtext(f'{ATOM}summary'))}")
    parts = split_arxiv_id(raw_id)
    if not parts:
        raise RecordError(f"entry id {raw_id!r} is not an arXiv identifier")
    arxiv_id, version = parts
    title = clean_text(latex_in_prose(entry.findtext(f"{ATOM}title") or ""))
    if not title:
        raise RecordError(f"arXiv {arxiv_id} has no title")
    names = [clean_text(a.findtext(f"{ATOM}name")) for a in entry.findall(f"{ATOM}author")]
    if not names or not all(names):
        raise RecordError(f"arXiv {arxiv_id} has an author without a name, or no authors")
    primary = entry.find(f"{ARXIV}primary_category")
    codes = [term] if primary is not None and (term := primary.get("term")) else []
    codes += [term for c in entry.findall(f"{ATOM}category") if (term := c.get("term"))]
    topics = tuple(TopicRecord("arxiv", code, category_name(code)) for code in dict.fromkeys(codes))
    updated = parse_date(entry.findtext(f"{ATOM}updated"), f"arXiv {arxiv_id}: updated")
    published = parse_date(entry.findtext(f"{ATOM}published"), f"arXiv {arxiv_id}: published")
    first = published or updated
    doi = normalize_doi(entry.findtext(f"{ARXIV}doi"))
    journal_ref = clean_text(entry.findtext(f"{ARXIV}journal_ref"))[:500]
    # A work is listed by the year it first appeared (v1), or was published: an entry with a
    # journal reference or DOI is the article, in the journal the reference names.
    venue: VenueRecord | None = VenueRecord(name="arXiv", kind="repository")
    year = first.year if first else None
    if journal_ref or doi:
        journal, year = journal_of(journal_ref)
        venue = VenueRecord(name=journal[:300], kind="journal") if journal else None
        year = year or (first.year if first else None)
    return with_hash(
        WorkRecord(
            source=Source.ARXIV,
            external_id=arxiv_id,
            title=title,
            authors=tuple(AuthorRecord(printed_name=n, display_name=person_name(n)) for n in names),
            abstract=clean_paragraphs(latex_in_prose(entry.findtext(f"{ATOM}summary") or "")),
            kind="article" if journal_ref or doi else "preprint",
            publication_date=first if first and first.year == year else None,
            publication_year=year,
            first_posted=published,
            last_revised=updated if updated and updated != published else None,
            doi=doi,
            arxiv_id=arxiv_id,
            arxiv_version=version,
            venue=venue,
            journal_ref=journal_ref,
            topics=topics,
        )
    )


_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")


def journal_of(reference: str) -> tuple[str, int | None]:
    """The journal and year of a journal reference as authors give it to arXiv: the name is
    what comes before the first number, the year the last year-like number ("Nature
    588(7839):604–609, 2020" is Nature, 2020; "Phys. Rev. B 85, 115117 (2012)" is Phys. Rev.
    B, 2012). A reference that starts with a number is named up to its first comma."""
    years = _YEAR.findall(reference)
    name = re.split(r"[\d(]", reference, maxsplit=1)[0].strip(" ,;:–-")
    if not name:
        name = reference.split(",", 1)[0].strip()
    return name, int(years[-1]) if years else None
