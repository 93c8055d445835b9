"""ORCID: public API v3.0 responses, JSON or XML, plain or gzipped.

A file holds one response as ORCID serves it: a full ``record`` (person and activities
summary), a ``person``, an ``activities-summary``, a ``works`` summary, one ``work``, or a
bulk answer (``/works/{put-code},...``: works in full, or ORCID's error for each). The reader
yields a ResearcherRecord for the person, when the file names one, and one WorkRecord per
work group or bulk entry. A summary lists the record's owner, not the work's byline, so its
work carries the owner alone and ``byline_complete=False``; a work in full also lists its
contributors, which make its byline (works/sources/orcid_bylines.py).

Fetched live (works/fetching.py), the record is read with the bulk answers for the preferred
work of each group (``response_items(..., details=...)``): each work comes from its full
version, and one the bulk answers with an error from its summary.

Both formats are first read into the small shapes of works/sources/orcid_shapes.py (by
orcid_json.py and orcid_xml.py), so JSON and XML of the same content give equal records.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from bzpeer.lib.identifiers import normalize_doi, normalize_openalex_id, split_arxiv_id
from bzpeer.lib.sources import Source
from works.sources.files import FileFormatError, Item, open_text
from works.sources.orcid_bylines import Owner, byline, owner_named
from works.sources.orcid_json import json_bulk, json_document
from works.sources.orcid_shapes import DateParts, Document, ExternalId, Person, Summary
from works.sources.orcid_xml import NS, xml_bulk, xml_document
from works.sources.records import (
    AuthorRecord,
    InstitutionRecord,
    RecordError,
    ResearcherRecord,
    VenueRecord,
    WorkRecord,
    date_from_parts,
    with_hash,
)

_T = TypeVar("_T")

# ORCID work types -> BZPEER kinds; every other ORCID type is "other".
WORK_KINDS = {
    "journal-article": "article",
    "conference-paper": "article",
    "preprint": "preprint",
    "book": "book",
    "book-chapter": "book-chapter",
    "data-set": "dataset",
    "dissertation": "dissertation",
    "dissertation-thesis": "dissertation",
    "report": "report",
    "working-paper": "report",
    "review": "review",
}

_ORCID_PATH = re.compile(r'"path"\s*:\s*"/?\d{4}-\d{4}-\d{4}-\d{3}[\dX]', re.IGNORECASE)
_JSON_MARKERS = ('"orcid-identifier"', '"activities-summary"')


def sniff(text: str) -> bool:
    """Does this file start like an ORCID API response (JSON or XML, records or an error)?"""
    start = text.lstrip()[:65536]
    if start.startswith("<"):
        return NS in start[:4000]
    if not start.startswith("{"):
        return False
    if any(marker in start for marker in _JSON_MARKERS) or _ORCID_PATH.search(start):
        return True
    return '"developer-message"' in start and "orcid.org" in start


def read(path: Path) -> Iterator[Item]:
    """The person and works in one ORCID response; see the module docstring for the shapes.

    Raises FileFormatError for an ORCID error body (with ORCID's message), unreadable JSON or
    XML (naming the file; XML with its line), ORCID search results, or another format. The
    whole file is read at once: ORCID serves one person per response.
    """
    with open_text(path) as handle:
        text = handle.read()
    yield from response_items(text, path.name)


def response_items(
    text: str, name: str, details: Callable[[list[str]], Iterable[str]] | None = None
) -> Iterator[Item]:
    """The person and works in one ORCID response's text (JSON or XML).

    ``details``, given the put-codes of the preferred work of each group, returns the bulk
    answers for them; each work it answers in full is read from that, the others from their
    summary. FileFormatError for a bulk answer that is not one.
    """
    document = _parsed(text, name, json_document, xml_document)
    if details is not None:
        document = _with_details(document, details, name)
    yield from _items(document, name)


def _parsed(
    text: str, name: str, from_json: Callable[[str, str], _T], from_xml: Callable[[str, str], _T]
) -> _T:
    start = text.lstrip()[:1]
    if start == "{":
        return from_json(text, name)
    if start == "<":
        return from_xml(text, name)
    raise FileFormatError(f"{name}: not an ORCID JSON or XML response")


def _with_details(
    document: Document, details: Callable[[list[str]], Iterable[str]], name: str
) -> Document:
    """The document with the preferred summary of each group replaced by the work in full,
    where a bulk answer gives it (matched by put-code: ORCID lists the works it holds first,
    and an error without a put-code for each other one)."""
    wanted = [g[0].put_code for g in document.groups if isinstance(g, tuple) and g[0].put_code]
    full: dict[str, Summary] = {}
    for answer in details(wanted):
        for entry in _parsed(answer, f"{name} works in detail", json_bulk, xml_bulk):
            if isinstance(entry, Summary):
                full.setdefault(entry.put_code, entry)
    groups = tuple(
        (full[g[0].put_code], *g[1:]) if isinstance(g, tuple) and g[0].put_code in full else g
        for g in document.groups
    )
    return replace(document, groups=groups)


def _items(document: Document, name: str) -> Iterator[Item]:
    names: tuple[str, ...] = ()
    if isinstance(document.person, RecordError):
        yield Item(f"{name} person", error=document.person)
    elif document.person is not None:
        try:
            researcher = _researcher_record(document.person, document.orcid)
        except RecordError as exc:
            yield Item(f"{name} person", error=exc)
        else:
            names = (researcher.display_name, *researcher.other_names)
            yield Item(f"{name} person", record=researcher)
    works = (g[0] for g in document.groups if isinstance(g, tuple))
    owner = owner_named(document.orcid, names, works)
    for number, group in enumerate(document.groups, start=1):
        if document.single_work:
            label, where = "work", f"{name} work"
        elif document.bulk:
            label, where = f"bulk entry {number}", f"{name} bulk entry {number}"
        else:
            label, where = f"work group {number}", f"{name} works group {number}"
        if isinstance(group, RecordError):
            yield Item(where, error=group)
            continue
        if group[0].put_code:
            where += f" (put-code {group[0].put_code})"
        try:
            yield Item(where, record=_work_record(group, owner, label))
        except RecordError as exc:
            yield Item(where, error=exc)


# Records ---------------------------------------------------------------------------------


def _researcher_record(person: Person, orcid: str) -> ResearcherRecord:
    """The record's owner: credit name, else given and family names, as display name.

    Raises RecordError when the person shows no public name.
    """
    formal, display = person.formal_name, person.display_name
    if not display:
        raise RecordError(f"ORCID {orcid} shows no public name")
    others = dict.fromkeys(n for n in (*person.other_names, formal) if n and n != display)
    return with_hash(
        ResearcherRecord(
            source=Source.ORCID,
            external_id=orcid,
            display_name=display,
            other_names=tuple(others),
            orcid=orcid,
            institution=_institution(person),
        )
    )


def _institution(person: Person) -> InstitutionRecord | None:
    """Current employment (latest start first), else the most recent education, else None."""
    current = [a for a in person.employments if a.end is None and a.organization]
    if current:
        chosen = max(current, key=lambda a: _sortable(a.start))
        return InstitutionRecord(name=chosen.organization[:300])
    educations = [a for a in person.educations if a.organization]
    if not educations:
        return None
    # An education still under way (no end date) counts as the most recent.
    chosen = max(
        educations,
        key=lambda a: (a.end is None, _sortable(a.end or (None, None, None)), _sortable(a.start)),
    )
    return InstitutionRecord(name=chosen.organization[:300])


def _sortable(parts: DateParts) -> tuple[int, int, int]:
    year, month, day = parts
    return year or 0, month or 0, day or 0


def _work_record(summaries: tuple[Summary, ...], owner: Owner, label: str) -> WorkRecord:
    """One work group: the first (preferred) summary, with identifiers from all of them; its
    authors from its contributors when it is the work in full and they name any
    (orcid_bylines.byline), otherwise the owner alone. The owner is named as the response
    names them; when it names them nowhere, their iD stands in.
    """
    preferred = summaries[0]
    if not preferred.title:
        raise RecordError(f"{label} has no title")
    if not preferred.put_code:
        raise RecordError(f"{label} has no put-code")
    year, month, day = preferred.published
    published = date_from_parts(year, month, day, f"{label} publication date")
    ids = [i for s in summaries for i in s.ids if i.relationship in ("self", "")]
    doi = _first(ids, _doi)
    arxiv = _first(ids, _arxiv) or (split_arxiv_id(doi) if doi else None)
    orcid = owner.orcid
    authors, complete = byline(preferred.contributors, owner)
    if not authors:
        name = owner.name or orcid
        authors = (AuthorRecord(printed_name=name, display_name=name, orcid=orcid),)
    return with_hash(
        WorkRecord(
            source=Source.ORCID,
            external_id=f"{orcid}/work/{preferred.put_code}",
            title=preferred.title,
            authors=authors,
            kind=WORK_KINDS.get(preferred.kind, "other"),
            publication_date=published,
            publication_year=year or None,
            doi=doi,
            arxiv_id=arxiv[0] if arxiv else None,
            arxiv_version=arxiv[1] if arxiv else None,
            openalex_id=_first(ids, _openalex),
            venue=VenueRecord(name=preferred.journal[:300]) if preferred.journal else None,
            journal_ref="",
            byline_complete=complete,
        )
    )


def _first(ids: list[ExternalId], pick: Callable[[ExternalId], _T | None]) -> _T | None:
    """The first identifier ``pick`` accepts, in summary order, so the preferred one wins."""
    for external_id in ids:
        found = pick(external_id)
        if found:
            return found
    return None


def _doi(external_id: ExternalId) -> str | None:
    return normalize_doi(external_id.value) if external_id.kind == "doi" else None


def _arxiv(external_id: ExternalId) -> tuple[str, int | None] | None:
    return split_arxiv_id(external_id.value) if external_id.kind == "arxiv" else None


def _openalex(external_id: ExternalId) -> str | None:
    for text in (external_id.value, external_id.url):
        if external_id.kind == "openalex" or "openalex.org/" in text.lower():
            found = normalize_openalex_id(text, "W")
            if found:
                return found
    return None
