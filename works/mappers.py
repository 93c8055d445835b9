"""Source payloads to plain records: what each source says, in BZPEER's terms.

Mappers are pure: they read one parsed payload and return a dataclass, or raise RecordError
with a message an operator can act on. Nothing here touches the database.
"""

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from datetime import date

from bzpeer.lib.identifiers import (
    normalize_doi,
    normalize_openalex_id,
    normalize_orcid,
    split_arxiv_id,
)
from bzpeer.lib.names import person_name
from bzpeer.lib.sources import Source
from works.arxiv_categories import category_name

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"


class RecordError(ValueError):
    """A record that cannot be imported; the message says why."""


@dataclass(frozen=True)
class InstitutionRecord:
    name: str
    openalex_id: str | None = None
    ror: str | None = None
    country_code: str = ""
    kind: str = ""


@dataclass(frozen=True)
class VenueRecord:
    name: str
    openalex_id: str | None = None
    issn_l: str = ""
    kind: str = ""


@dataclass(frozen=True)
class TopicRecord:
    scheme: str
    code: str
    name: str


@dataclass(frozen=True)
class AuthorRecord:
    printed_name: str
    display_name: str
    openalex_id: str | None = None
    orcid: str | None = None
    institutions: tuple[InstitutionRecord, ...] = ()


@dataclass(frozen=True)
class WorkRecord:
    source: str
    external_id: str
    title: str
    authors: tuple[AuthorRecord, ...]
    abstract: str = ""
    kind: str = "article"
    publication_date: date | None = None
    publication_year: int | None = None
    first_posted: date | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    arxiv_version: int | None = None
    openalex_id: str | None = None
    venue: VenueRecord | None = None
    journal_ref: str = ""
    topics: tuple[TopicRecord, ...] = ()
    content_hash: str = field(default="", compare=False)


@dataclass(frozen=True)
class ResearcherRecord:
    source: str
    external_id: str
    display_name: str
    other_names: tuple[str, ...] = ()
    openalex_id: str | None = None
    orcid: str | None = None
    institution: InstitutionRecord | None = None
    content_hash: str = field(default="", compare=False)


def with_hash(record):
    """The record with ``content_hash`` set: equal content, equal hash, across runs."""
    payload = asdict(record)
    payload.pop("content_hash")
    digest = hashlib.sha256(
        json.dumps(payload, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()
    return type(record)(**{**_shallow(record), "content_hash": digest})


def _shallow(record) -> dict:
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


def clean_text(text: str | None) -> str:
    """Collapse the line-wrapping and indentation sources put inside titles."""
    return " ".join((text or "").split())


def clean_paragraphs(text: str | None) -> str:
    """Unwrap hard-wrapped lines, keeping blank-line paragraph breaks."""
    paragraphs = (clean_text(p) for p in re.split(r"\n\s*\n", text or ""))
    return "\n\n".join(p for p in paragraphs if p)


def _date(text: str | None, where: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError as exc:
        raise RecordError(f"{where} is not a date: {text!r}") from exc


# OpenAlex ------------------------------------------------------------------------------------


def abstract_from_inverted_index(index: dict[str, list[int]] | None) -> str:
    """OpenAlex ships abstracts as {word: [positions]}; put the words back in order."""
    if not index:
        return ""
    slots: dict[int, str] = {}
    for word, positions in index.items():
        for position in positions or ():
            if isinstance(position, int) and 0 <= position < 100_000:
                slots[position] = word
    return " ".join(slots[i] for i in sorted(slots))


def openalex_kind(payload: dict) -> str | None:
    """'work' or 'author' from the id's letter, or None for other entities."""
    identifier = payload.get("id") if isinstance(payload, dict) else None
    if not identifier or not isinstance(identifier, str):
        raise RecordError("record has no OpenAlex id")
    if normalize_openalex_id(identifier, "W"):
        return "work"
    if normalize_openalex_id(identifier, "A"):
        return "author"
    return None


def _institution(payload: dict | None) -> InstitutionRecord | None:
    if not isinstance(payload, dict) or not clean_text(payload.get("display_name")):
        return None
    ror = payload.get("ror") or None
    return InstitutionRecord(
        name=clean_text(payload["display_name"])[:300],
        openalex_id=normalize_openalex_id(payload.get("id"), "I"),
        ror=ror.rsplit("/", 1)[-1] if ror else None,
        country_code=(payload.get("country_code") or "")[:2],
        kind=(payload.get("type") or "")[:40],
    )


def openalex_work(payload: dict) -> WorkRecord:
    openalex_id = normalize_openalex_id(payload.get("id"), "W")
    if not openalex_id:
        raise RecordError("record has no OpenAlex work id")
    title = clean_text(payload.get("display_name") or payload.get("title"))
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
    if doi and doi.startswith("10.48550/arxiv."):
        arxiv = split_arxiv_id(doi)
    for location in payload.get("locations") or []:
        if arxiv:
            break
        landing = (location or {}).get("landing_page_url") or ""
        if "arxiv.org/abs/" in landing:
            arxiv = split_arxiv_id(landing)
    source = ((payload.get("primary_location") or {}).get("source")) or None
    venue = None
    if isinstance(source, dict) and clean_text(source.get("display_name")):
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
            abstract=abstract_from_inverted_index(payload.get("abstract_inverted_index")),
            kind=(payload.get("type") or "article")[:40],
            publication_date=_date(payload.get("publication_date"), "publication_date"),
            publication_year=year if isinstance(year, int) else None,
            doi=doi,
            arxiv_id=arxiv[0] if arxiv else None,
            arxiv_version=arxiv[1] if arxiv else None,
            openalex_id=openalex_id,
            venue=venue,
            topics=topics,
        )
    )


def openalex_author(payload: dict) -> ResearcherRecord:
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


# arXiv ---------------------------------------------------------------------------------------

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
    title = clean_text(entry.findtext(f"{ATOM}title"))
    if not title:
        raise RecordError(f"arXiv {arxiv_id} has no title")
    names = [clean_text(a.findtext(f"{ATOM}name")) for a in entry.findall(f"{ATOM}author")]
    if not names or not all(names):
        raise RecordError(f"arXiv {arxiv_id} has an author without a name, or no authors")
    primary = entry.find(f"{ARXIV}primary_category")
    codes = [primary.get("term")] if primary is not None and primary.get("term") else []
    codes += [c.get("term") for c in entry.findall(f"{ATOM}category") if c.get("term")]
    topics = tuple(TopicRecord("arxiv", code, category_name(code)) for code in dict.fromkeys(codes))
    updated = _date(entry.findtext(f"{ATOM}updated"), f"arXiv {arxiv_id}: updated")
    published = _date(entry.findtext(f"{ATOM}published"), f"arXiv {arxiv_id}: published")
    shown = updated or published
    return with_hash(
        WorkRecord(
            source=Source.ARXIV,
            external_id=arxiv_id,
            title=title,
            authors=tuple(AuthorRecord(printed_name=n, display_name=person_name(n)) for n in names),
            abstract=clean_paragraphs(entry.findtext(f"{ATOM}summary")),
            kind="preprint",
            publication_date=shown,
            publication_year=shown.year if shown else None,
            first_posted=published,
            doi=normalize_doi(entry.findtext(f"{ARXIV}doi")),
            arxiv_id=arxiv_id,
            arxiv_version=version,
            venue=VenueRecord(name="arXiv", kind="repository"),
            journal_ref=clean_text(entry.findtext(f"{ARXIV}journal_ref"))[:500],
            topics=topics,
        )
    )
