"""OpenAlex: Work and Author records exactly as the API returns them.

A file holds one object, an API page (``meta`` + ``results``), or JSON Lines; plain or gzipped.
"""

import json
import re
from collections.abc import Iterator
from io import TextIOBase
from pathlib import Path
from typing import Any

from bzpeer.lib.identifiers import (
    ARXIV_DOI_PREFIX,
    normalize_doi,
    normalize_openalex_id,
    normalize_orcid,
    split_arxiv_id,
)
from bzpeer.lib.sources import Source
from works.sources.files import FileFormatError, Item, json_item, json_lines, listed, open_text
from works.sources.latex import latex_in_prose
from works.sources.records import (
    AuthorRecord,
    InstitutionEntityRecord,
    InstitutionRecord,
    RecordError,
    ResearcherRecord,
    TopicRecord,
    VenueRecord,
    WorkRecord,
    clean_text,
    parse_date,
    with_hash,
)

# The ``meta`` of an API page, which the empty last page of a cursor holds and nothing else.
_PAGE_META = re.compile(r'\{\s*"meta"\s*:\s*\{[^{}]*"db_response_time_ms"')


def sniff(text: str) -> bool:
    """Does this file start like OpenAlex JSON (an entity, a page of them, or JSON Lines)?"""
    start = text.lstrip()[:4000]
    return start.startswith(("{", "[")) and (
        '"https://openalex.org/' in start or bool(_PAGE_META.match(start))
    )


def read(path: Path) -> Iterator[Item]:
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
    except (json.JSONDecodeError, RecursionError):
        return False


def _openalex_lines(path: Path, handle: TextIOBase) -> Iterator[Item]:
    for where, payload in json_lines(path.name, handle):
        if isinstance(payload, RecordError):
            yield Item(where, error=payload)
            continue
        yield from _openalex_document(payload, where)


def _openalex_document(document: object, where: str) -> Iterator[Item]:
    for payload, place in listed(document, where, "results"):
        yield openalex_item(payload, place)


def openalex_item(payload: object, where: str) -> Item:
    return json_item(where, _openalex_record, payload)


def _openalex_record(payload: dict[str, Any]) -> object:
    kind = openalex_kind(payload)
    if kind == "work":
        return openalex_work(payload)
    if kind == "author":
        return openalex_author(payload)
    if kind == "institution":
        return openalex_institution(payload)
    raise RecordError(f"{payload['id']} is not an OpenAlex Work, Author or Institution")


def abstract_from_inverted_index(index: dict[str, list[int]] | None) -> str:
    """OpenAlex ships abstracts as {word: [positions]}; put the words back in order."""
    if not index:
        return ""
    slots: dict[int, str] = {}
    for word, positions in index.items():
        for position in positions or ():
            slots[position] = word
    try:
        return " ".join(slots[i] for i in sorted(slots))
    except TypeError:  # a position that is not a number: keep the ones that are
        return " ".join(slots[i] for i in sorted(p for p in slots if isinstance(p, int)))


def openalex_kind(payload: dict[str, Any]) -> str | None:
    """'work' or 'author' from the id's letter, or None for other entities."""
    identifier = payload.get("id") if isinstance(payload, dict) else None
    if not identifier or not isinstance(identifier, str):
        raise RecordError("record has no OpenAlex id")
    if normalize_openalex_id(identifier, "W"):
        return "work"
    if normalize_openalex_id(identifier, "A"):
        return "author"
    if normalize_openalex_id(identifier, "I"):
        return "institution"
    return None


def _institution(payload: dict[str, Any] | None) -> InstitutionRecord | None:
    if not isinstance(payload, dict) or not clean_text(payload.get("display_name")):
        return None
    key = (payload.get("id"), payload.get("display_name"), payload.get("ror"))
    if key not in _institutions:
        if len(_institutions) > 50_000:
            _institutions.clear()
        _institutions[key] = _new_institution(payload)
    return _institutions[key]


# Institutions recur on thousands of authorships; one record each is enough.
_institutions: dict[tuple[object, ...], InstitutionRecord] = {}


def _new_institution(payload: dict[str, Any]) -> InstitutionRecord:
    ror = payload.get("ror") or None
    return InstitutionRecord(
        name=clean_text(payload["display_name"])[:300],
        openalex_id=normalize_openalex_id(payload.get("id"), "I"),
        ror=ror.rsplit("/", 1)[-1] if ror else None,
        country_code=(payload.get("country_code") or "")[:2],
        kind=(payload.get("type") or "")[:40],
    )


def openalex_institution(payload: dict[str, Any]) -> InstitutionEntityRecord:
    if not clean_text(payload.get("display_name")):
        raise RecordError(f"{payload['id']} has no name")
    institution = _new_institution(payload)
    return with_hash(
        InstitutionEntityRecord(
            source=Source.OPENALEX,
            external_id=institution.openalex_id or payload["id"],
            institution=institution,
            homepage=clean_text(payload.get("homepage_url"))[:200],
        )
    )


def openalex_work(payload: dict[str, Any]) -> WorkRecord:
    openalex_id = normalize_openalex_id(payload.get("id"), "W")
    if not openalex_id:
        raise RecordError("record has no OpenAlex work id")
    title = clean_text(latex_in_prose(payload.get("display_name") or payload.get("title") or ""))
    if not title:
        raise RecordError(f"work {openalex_id} has no title")
    authors = []
    for position, authorship in enumerate(payload.get("authorships") or []):
        person = authorship.get("author") or {}
        display = clean_text(person.get("display_name")) or clean_text(
            authorship.get("raw_author_name")
        )
        if not display:
            raise RecordError(f"work {openalex_id}: authorship {position + 1} has no name")
        institutions = tuple(
            inst for inst in map(_institution, authorship.get("institutions") or []) if inst
        )
        authors.append(
            AuthorRecord(
                printed_name=clean_text(authorship.get("raw_author_name")) or display,
                display_name=display,
                openalex_id=normalize_openalex_id(person.get("id"), "A"),
                orcid=normalize_orcid(person.get("orcid")),
                institutions=institutions,
            )
        )
    ids = payload.get("ids") or {}
    doi = normalize_doi(payload.get("doi") or ids.get("doi"))
    arxiv = None
    if doi and doi.startswith(ARXIV_DOI_PREFIX):
        # arXiv's DataCite DOI says no more than the arXiv ID it is made of.
        arxiv, doi = split_arxiv_id(doi), None
    for location in payload.get("locations") or []:
        if arxiv:
            break
        landing = (location or {}).get("landing_page_url") or ""
        if "arxiv.org/abs/" in landing:
            arxiv = split_arxiv_id(landing)
    kind = (payload.get("type") or "article")[:40]
    source = _published_in(payload, kind)
    venue = None
    if source:
        venue = VenueRecord(
            name=clean_text(source["display_name"])[:300],
            openalex_id=normalize_openalex_id(source.get("id"), "S"),
            issn_l=source.get("issn_l") or "",
            kind=(source.get("type") or "")[:40],
        )
    topics = tuple(
        TopicRecord("openalex", code, clean_text(topic.get("display_name"))[:255])
        for topic in payload.get("topics") or []
        if (code := normalize_openalex_id(topic.get("id"), "T")) and topic.get("display_name")
    )
    year = payload.get("publication_year")
    return with_hash(
        WorkRecord(
            source=Source.OPENALEX,
            external_id=openalex_id,
            title=title,
            authors=tuple(authors),
            abstract=latex_in_prose(
                abstract_from_inverted_index(payload.get("abstract_inverted_index"))
            ),
            kind=kind,
            publication_date=parse_date(payload.get("publication_date"), "publication_date"),
            publication_year=year if isinstance(year, int) else None,
            doi=doi,
            arxiv_id=arxiv[0] if arxiv else None,
            arxiv_version=arxiv[1] if arxiv else None,
            openalex_id=openalex_id,
            venue=venue,
            topics=topics,
        )
    )


def _published_in(payload: dict[str, Any], kind: str) -> dict[str, Any] | None:
    """The source a work shows as its venue: its primary location's, unless that is a
    repository and another location is not, in a work that is not a preprint. OpenAlex merges
    a preprint into its published work and at times keeps the preprint's copy ("arXiv
    (Cornell University)") primary; the journal's copy is then the article's venue, its
    published version first."""
    primary = _named_source(payload.get("primary_location"))
    if kind == "preprint" or (primary and primary.get("type") != "repository"):
        return primary
    published = [
        location
        for location in payload.get("locations") or []
        if (source := _named_source(location)) and source.get("type") != "repository"
    ]
    published.sort(key=lambda location: location.get("version") != "publishedVersion")
    return _named_source(published[0]) if published else primary


def _named_source(location: object) -> dict[str, Any] | None:
    source = location.get("source") if isinstance(location, dict) else None
    return source if isinstance(source, dict) and clean_text(source.get("display_name")) else None


def openalex_author(payload: dict[str, Any]) -> ResearcherRecord:
    openalex_id = normalize_openalex_id(payload.get("id"), "A")
    if not openalex_id:
        raise RecordError("record has no OpenAlex author id")
    name = clean_text(payload.get("display_name"))
    if not name:
        raise RecordError(f"author {openalex_id} has no name")
    if name == "Deleted Author" and not payload.get("works_count"):
        raise RecordError(f"author {openalex_id} is a deleted OpenAlex record")
    institutions = payload.get("last_known_institutions") or []
    alternatives = tuple(
        sorted({clean_text(n) for n in payload.get("display_name_alternatives") or []} - {name})
    )
    return with_hash(
        ResearcherRecord(
            source=Source.OPENALEX,
            external_id=openalex_id,
            display_name=name,
            other_names=alternatives,
            openalex_id=openalex_id,
            orcid=normalize_orcid(payload.get("orcid") or (payload.get("ids") or {}).get("orcid")),
            institution=_institution(institutions[0]) if institutions else None,
        )
    )
