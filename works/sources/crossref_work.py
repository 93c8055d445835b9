"""A Crossref work object as a WorkRecord: the API's ``message``, or one of its ``items``.

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

import re
from datetime import date
from typing import Any

from bzpeer.lib.identifiers import (
    ARXIV_DOI_PREFIX,
    normalize_doi,
    normalize_orcid,
    split_arxiv_id,
)
from bzpeer.lib.names import person_name
from bzpeer.lib.sources import Source
from works.sources.crossref_markup import inline_text, plain_abstract
from works.sources.records import (
    AuthorRecord,
    InstitutionRecord,
    RecordError,
    VenueRecord,
    WorkRecord,
    clean_text,
    date_from_parts,
    with_hash,
)

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


def crossref_work(payload: dict[str, Any]) -> WorkRecord:
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


def _first(value: object) -> str:
    """Crossref lists titles (``["Title"]``); its CSL-JSON transform gives a plain string."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    return value if isinstance(value, str) else ""


def _publication(payload: dict[str, Any], doi: str) -> tuple[int | None, date | None]:
    """(year, full date or None) from the first date field that has a year."""
    for field_name in _DATE_FIELDS:
        parts = _date_parts(payload.get(field_name), f"work {doi}: {field_name}")
        if not parts:
            continue
        if len(parts) < 3:
            return parts[0], None
        year, month, day = parts[:3]
        return year, date_from_parts(year, month, day, f"work {doi}: {field_name}")
    return None, None


def _date_parts(value: object, where: str) -> list[int]:
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


def _authors(entries: list[Any], doi: str) -> tuple[AuthorRecord, ...]:
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


def _printed_name(entry: dict[str, Any]) -> str:
    """A person's "Given Family Suffix" as printed, or an organisation's ``name``."""
    parts = (entry.get("given"), entry.get("family"), entry.get("suffix"))
    person = clean_text(" ".join(p for p in parts if isinstance(p, str)))
    return person or clean_text(entry.get("name"))


def _venue(payload: dict[str, Any], crossref_type: str) -> VenueRecord | None:
    name = clean_text(_first(payload.get("container-title")))
    if not name:
        return None
    return VenueRecord(
        name=name[:300],
        issn_l=_issn(payload),
        kind="journal" if crossref_type == "journal-article" else "",
    )


def _issn(payload: dict[str, Any]) -> str:
    """The print ISSN when Crossref types its ISSNs, else the first ISSN listed, else ''."""
    typed = [t for t in payload.get("issn-type") or [] if isinstance(t, dict)]
    listed = [t.get("value") for t in typed if t.get("type") == "print"]
    listed += payload.get("ISSN") or []
    for value in listed:
        if isinstance(value, str) and _ISSN.fullmatch(value.strip().upper()):
            return value.strip().upper()
    return ""
