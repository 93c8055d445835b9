"""ORCID: public API v3.0 responses, JSON or XML, plain or gzipped.

A file holds one response as ORCID serves it: a full ``record`` (person and activities
summary), a ``person``, an ``activities-summary``, a ``works`` summary, or one ``work``. The
reader yields a ResearcherRecord for the person, when the file names one, and one WorkRecord
per work group. ORCID lists the record's owner, not a work's byline, so every work carries the
owner alone and ``byline_complete=False``.

Both formats are first read into the small shapes of works/sources/orcid_shapes.py (by
orcid_json.py and orcid_xml.py), so JSON and XML of the same content give equal records.
"""

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from bzpeer.lib.identifiers import normalize_doi, normalize_openalex_id, split_arxiv_id
from bzpeer.lib.sources import Source
from works.sources.files import FileFormatError, Item, open_text
from works.sources.orcid_json import json_document
from works.sources.orcid_shapes import DateParts, Document, ExternalId, Person, Summary
from works.sources.orcid_xml import NS, xml_document
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


def response_items(text: str, name: str) -> Iterator[Item]:
    """The person and works in one ORCID response's text (JSON or XML)."""
    start = text.lstrip()[:1]
    if start == "{":
        document = json_document(text, name)
    elif start == "<":
        document = xml_document(text, name)
    else:
        raise FileFormatError(f"{name}: not an ORCID JSON or XML response")
    yield from _items(document, name)


def _items(document: Document, name: str) -> Iterator[Item]:
    owner = None
    if isinstance(document.person, RecordError):
        yield Item(f"{name} person", error=document.person)
    elif document.person is not None:
        try:
            researcher = _researcher_record(document.person, document.orcid)
        except RecordError as exc:
            yield Item(f"{name} person", error=exc)
        else:
            owner = researcher.display_name
            yield Item(f"{name} person", record=researcher)
    for number, group in enumerate(document.groups, start=1):
        label = "work" if document.single_work else f"work group {number}"
        where = f"{name} work" if document.single_work else f"{name} works group {number}"
        if isinstance(group, RecordError):
            yield Item(where, error=group)
            continue
        if group[0].put_code:
            where += f" (put-code {group[0].put_code})"
        try:
            yield Item(where, record=_work_record(group, document.orcid, owner, label))
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


def _work_record(
    summaries: tuple[Summary, ...], orcid: str, owner: str | None, label: str
) -> WorkRecord:
    """One work group: the first (preferred) summary, with identifiers from all of them.

    ``owner`` is the person's display name when the file gives it; otherwise the iD stands in.
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
    name = owner or orcid
    return with_hash(
        WorkRecord(
            source=Source.ORCID,
            external_id=f"{orcid}/work/{preferred.put_code}",
            title=preferred.title,
            authors=(AuthorRecord(printed_name=name, display_name=name, orcid=orcid),),
            kind=WORK_KINDS.get(preferred.kind, "other"),
            publication_date=published,
            publication_year=year or None,
            doi=doi,
            arxiv_id=arxiv[0] if arxiv else None,
            arxiv_version=arxiv[1] if arxiv else None,
            openalex_id=_first(ids, _openalex),
            venue=VenueRecord(name=preferred.journal[:300]) if preferred.journal else None,
            journal_ref="",
            byline_complete=False,
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
