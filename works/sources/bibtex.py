"""BibTeX: .bib files as people and services export them (Google Scholar, dblp, doi.org, ...).

The file's text is read once and parsed entry by entry (``bibtex_entries``); records are
yielded as they are parsed. The only entries held back are those whose ``crossref`` target has
not been read yet (BibTeX and dblp put the cross-referenced ``@proceedings`` after the papers
that cite it): such an entry is yielded as soon as its target arrives, or at the end of the file
without the inherited fields. bibtexparser 2 resolves no ``crossref``, so that is done here. A
broken entry is an Item error with its line; parsing resumes at the next line that starts with
``@``.
"""

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import unquote

from bzpeer.lib.identifiers import normalize_doi, split_arxiv_id
from bzpeer.lib.names import strip_accents
from bzpeer.lib.sources import Source
from works.sources.bibtex_entries import MONTHS, BrokenEntry, Entry, Parser
from works.sources.bibtex_names import byline
from works.sources.files import FileFormatError, Item, open_text
from works.sources.latex import latex_to_unicode, unescape_identifier
from works.sources.records import (
    RecordError,
    VenueRecord,
    WorkRecord,
    clean_paragraphs,
    clean_text,
    date_from_parts,
    with_hash,
)

_SNIFF_TYPES = (
    "article|book|booklet|conference|inbook|incollection|inproceedings|manual|mastersthesis|misc"
    "|phdthesis|proceedings|techreport|unpublished|online|thesis|report|collection|dataset"
    "|software|string|preamble|comment"
)
_SNIFF = re.compile(rf"^[ \t]*@[ \t]*(?:{_SNIFF_TYPES})[ \t]*[{{(]", re.IGNORECASE | re.MULTILINE)
_ENTRY_LINE = re.compile(r"^[ \t]*@[ \t]*[A-Za-z][\w:-]*[ \t]*[{(]", re.MULTILINE)


def sniff(text: str) -> bool:
    """Does this text hold a BibTeX entry (``@article{``, ``@inproceedings(``, ...) at the start
    of a line? JSON and XML never count, even when a string inside them holds BibTeX."""
    start = text.lstrip("\ufeff \t\r\n")[:1]
    return start not in ("{", "[", "<") and bool(_SNIFF.search(text))


def read(path: Path) -> Iterator[Item]:
    """One Item per entry of a .bib file (plain or gzipped), in file order except for entries
    waiting on a later ``crossref`` target. ``@string``, ``@preamble`` and ``@comment`` yield
    nothing, nor does a container (``@proceedings``, ``@book``) that an earlier entry
    cross-references: dblp exports it only as the link target. FileFormatError if the file has
    no ``@entry`` at the start of a line."""
    with open_text(path) as handle:
        text = handle.read().lstrip("\ufeff")
    if not _ENTRY_LINE.search(text):
        raise FileFormatError(f"{path.name}: not a BibTeX file (no @entries)")
    yield from _items(path.name, text)


# -- Crossref ----------------------------------------------------------------------------------

_CONTAINERS = {"proceedings", "book", "collection", "mvbook", "mvproceedings", "mvcollection"}
_INHERITED = ("booktitle", "year", "month", "day", "date")


class Crossrefs:
    """``crossref`` links within one file. An entry inherits only its container's booktitle
    (the container's ``booktitle`` or else ``title``) and date fields, never DOI, URL, title or
    editors: those belong to the volume, not the paper."""

    def __init__(self) -> None:
        self.targets: dict[str, dict[str, str]] = {}
        self.referenced: set[str] = set()
        self.waiting: dict[str, list[Entry]] = {}

    def arrived(self, entry: Entry) -> list[Entry]:
        """Note ``entry`` as a possible target; the held entries that were waiting for it."""
        key = entry.key.lower()
        if entry.type in _CONTAINERS or key in self.referenced:
            fields = entry.fields
            inherited = {**fields, "booktitle": fields.get("booktitle") or fields.get("title", "")}
            self.targets[key] = {f: inherited[f] for f in _INHERITED if inherited.get(f)}
        return self.waiting.pop(key, [])

    def is_link_target(self, entry: Entry) -> bool:
        """A container some earlier entry cross-references: there only for the link."""
        return entry.type in _CONTAINERS and entry.key.lower() in self.referenced

    def hold(self, entry: Entry) -> bool:
        """Keep ``entry`` back if it needs fields from a target not read yet."""
        target = entry.fields.get("crossref", "").strip().lower()
        if not target:
            return False
        self.referenced.add(target)
        lacks = not (entry.fields.get("booktitle") and entry.fields.get("year"))
        if target in self.targets or not lacks:
            return False
        self.waiting.setdefault(target, []).append(entry)
        return True

    def fields(self, entry: Entry) -> dict[str, str]:
        """The entry's fields with what it inherits from its (already read) target."""
        link = entry.fields.get("crossref", "").strip().lower()
        target = self.targets.get(link, {}) if link else {}
        return {**target, **{f: v for f, v in entry.fields.items() if v.strip()}}

    def leftovers(self) -> list[Entry]:
        """Held entries whose target never came, in file order."""
        return sorted((e for held in self.waiting.values() for e in held), key=lambda e: e.number)


def _items(name: str, text: str) -> Iterator[Item]:
    crossrefs = Crossrefs()
    for entry in Parser(text).entries():
        if isinstance(entry, BrokenEntry):
            yield Item(_where(name, entry), error=RecordError(entry.message))
            continue
        for held in crossrefs.arrived(entry):
            yield _item(name, held, crossrefs)
        if crossrefs.is_link_target(entry) or crossrefs.hold(entry):
            continue
        yield _item(name, entry, crossrefs)
    for held in crossrefs.leftovers():
        yield _item(name, held, crossrefs)


def _where(name: str, entry: Entry | BrokenEntry) -> str:
    if entry.type in ("string", "preamble"):
        return f"{name} @{entry.type} (line {entry.line})"
    key = f" {entry.key!r}" if entry.key else ""
    return f"{name} entry {entry.number}{key} (line {entry.line})"


def _item(name: str, entry: Entry, crossrefs: Crossrefs) -> Item:
    where = _where(name, entry)
    try:
        return Item(where, record=bibtex_work(entry.type, crossrefs.fields(entry), entry.key))
    except RecordError as exc:
        return Item(where, error=exc)


# -- Mapping -----------------------------------------------------------------------------------

_KIND_OF_TYPE = {
    **dict.fromkeys(("article", "inproceedings", "conference", "proceedings-paper"), "article"),
    **dict.fromkeys(("book", "mvbook", "collection", "proceedings"), "book"),
    **dict.fromkeys(("incollection", "inbook", "bookinbook"), "book-chapter"),
    **dict.fromkeys(("phdthesis", "mastersthesis", "thesis"), "dissertation"),
    **dict.fromkeys(("techreport", "report"), "report"),
    "dataset": "dataset",
    "preprint": "preprint",
}
_MISC = {"misc", "online", "unpublished", "electronic", "www"}
_ARXIV_VENUE = re.compile(r"^(?:arxiv|corr)\b", re.IGNORECASE)
_ARXIV_IN_TEXT = re.compile(r"arxiv:\s*([\w./-]+)", re.IGNORECASE)
_DOI_LINK = re.compile(r"^https?://(?:dx\.|www\.)?doi\.(?:org|acm\.org)/", re.IGNORECASE)


def bibtex_work(entry_type: str, fields: dict[str, str], key: str = "") -> WorkRecord:
    """A WorkRecord from one entry's type, raw fields and citation key; RecordError without a
    title or a byline (authors, or else editors)."""
    title = _text(fields.get("title"))
    if not title:
        raise RecordError("the entry has no title")
    names, complete = byline(fields)
    if not names:
        raise RecordError("the entry has no authors or editors")
    year, published = _dates(fields)
    doi = _doi(fields)
    arxiv = _arxiv(fields, doi)
    venue_text = _text(_journal(fields) or fields.get("booktitle"))
    kind = _kind(entry_type, fields, venue_text, arxiv)
    if kind == "preprint" and (arxiv or _ARXIV_VENUE.match(venue_text)):
        venue: VenueRecord | None = VenueRecord(name="arXiv", kind="repository")
    else:
        venue = VenueRecord(name=venue_text[:300]) if venue_text else None
    return with_hash(
        WorkRecord(
            source=Source.BIBTEX,
            external_id=_external_id(doi, arxiv, title, year, names[0].family, key),
            title=title,
            authors=tuple(n.record() for n in names),
            abstract=clean_paragraphs(latex_to_unicode(fields.get("abstract", ""))),
            kind=kind,
            publication_date=published,
            publication_year=year,
            doi=doi,
            arxiv_id=arxiv[0] if arxiv else None,
            arxiv_version=arxiv[1] if arxiv else None,
            venue=venue,
            byline_complete=complete,
        )
    )


def _text(raw: str | None) -> str:
    return clean_text(latex_to_unicode(raw or ""))


def _kind(
    entry_type: str, fields: dict[str, str], venue: str, arxiv: tuple[str, int | None] | None
) -> str:
    """The entry type's kind; anything published in arXiv or CoRR, and a misc-like entry with
    an arXiv id, is a preprint."""
    if _ARXIV_VENUE.match(venue):
        return "preprint"
    if entry_type in _MISC:
        hint = _text(fields.get("howpublished") or fields.get("publisher"))
        return "preprint" if arxiv or _ARXIV_VENUE.match(hint) else "other"
    return _KIND_OF_TYPE.get(entry_type, "other")


def _dates(fields: dict[str, str]) -> tuple[int | None, date | None]:
    """Year from ``year`` (its first four digits: "2019a" is 2019) or biblatex ``date``; a
    full date only when year, month and day are all given and valid."""
    iso = re.match(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", _text(fields.get("date")))
    found = re.search(r"\d{4}", _text(fields.get("year")))
    year = int(found.group()) if found else (int(iso.group(1)) if iso else None)
    month = _month(_text(fields.get("month"))) or (int(iso.group(2)) if iso and iso[2] else None)
    day_text = _text(fields.get("day")) or (iso.group(3) if iso and iso[3] else "")
    day = int(day_text) if day_text.isdigit() else None
    return year, date_from_parts(year, month, day, "date", strict=False)


def _journal(fields: dict[str, str]) -> str:
    """BibTeX's ``journal``, or biblatex's name for it, ``journaltitle``."""
    return fields.get("journal") or fields.get("journaltitle") or ""


def _month(text: str) -> int | None:
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    prefix = text[:3].lower()
    names = [name[:3] for name in MONTHS]
    return names.index(prefix) + 1 if prefix in names else None


def _doi(fields: dict[str, str]) -> str | None:
    """The ``doi`` field, or a doi.org (dx.doi.org, doi.acm.org) link in ``url``."""
    doi = normalize_doi(unescape_identifier(fields.get("doi", "")))
    url = unquote(unescape_identifier(fields.get("url", "")).strip())
    if not doi and _DOI_LINK.match(url):
        doi = normalize_doi(url)
    return doi


def _arxiv(fields: dict[str, str], doi: str | None) -> tuple[str, int | None] | None:
    """From ``eprint`` (with archivePrefix/eprinttype arXiv), an "arXiv:1234.5678" in the venue,
    dblp's CoRR volume "abs/1234.5678", an arXiv DOI, or an arxiv.org URL."""
    eprint = unescape_identifier(fields.get("eprint", "")).strip()
    prefix = _text(fields.get("archiveprefix") or fields.get("eprinttype")).lower()
    candidates = [eprint] if eprint and (prefix == "arxiv" or "arxiv" in eprint.lower()) else []
    for field in ("journal", "journaltitle", "booktitle", "howpublished", "note"):
        candidates += _ARXIV_IN_TEXT.findall(_text(fields.get(field)))
    if re.match(r"corr\b", _text(_journal(fields)), re.IGNORECASE):
        candidates.append(_text(fields.get("volume")).removeprefix("abs/"))
    if doi:
        candidates.append(doi)
    url = unescape_identifier(fields.get("url", "")).strip()
    if "arxiv.org/" in url.lower():
        candidates.append(url)
    for candidate in candidates:
        if parts := split_arxiv_id(candidate.rstrip(".")):
            return parts
    return None


def _external_id(
    doi: str | None,
    arxiv: tuple[str, int | None] | None,
    title: str,
    year: int | None,
    family: str,
    key: str,
) -> str:
    """The work's DOI, else "arxiv:" + id, else "key:" + a hash of what identifies the work;
    then "#" and the citation key. Two exports of one paper (doi.org's and dblp's) are two
    records of one work; the same entry in two files is one record."""
    if doi:
        work = doi
    elif arxiv:
        work = f"arxiv:{arxiv[0]}"
    else:
        payload = json.dumps([_fold(title), year or "", _fold(family)])
        work = "key:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
    return f"{work}#{key}"[:255] if key else work


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", strip_accents(text).casefold()).split())
