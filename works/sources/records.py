"""Plain records: what a source says about a work or a person, in BZPEER's terms.

Each source module (openalex, arxiv, ...) reads its files into these dataclasses, or raises
RecordError with a message an operator can act on. Nothing here touches the database.
"""

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TypeVar


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
    last_revised: date | None = None  # arXiv: the latest version's date, when it is not v1
    doi: str | None = None
    arxiv_id: str | None = None
    arxiv_version: int | None = None
    openalex_id: str | None = None
    venue: VenueRecord | None = None
    journal_ref: str = ""
    topics: tuple[TopicRecord, ...] = ()
    # False when the source lists only some authors (an ORCID record lists its owner alone):
    # such a record adds its authors to a work but never replaces the work's byline.
    byline_complete: bool = True
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


@dataclass(frozen=True)
class InstitutionEntityRecord:
    """An institution as a record of its own (an OpenAlex Institution, a ROR record), not as
    an affiliation on a byline: what it says replaces what an earlier import said.
    ``email_domains`` is None from a source that says nothing about them (OpenAlex)."""

    source: str
    external_id: str
    institution: InstitutionRecord
    homepage: str = ""
    email_domains: tuple[str, ...] | None = None
    content_hash: str = field(default="", compare=False)


Record = WorkRecord | ResearcherRecord | InstitutionEntityRecord
_R = TypeVar("_R", WorkRecord, ResearcherRecord, InstitutionEntityRecord)


def with_hash(record: _R) -> _R:
    """The record with ``content_hash`` set: equal content, equal hash, across runs.

    Hashes the dataclass ``repr``, which spells out every field (nested records, tuples,
    dates) in a fixed order, and is much cheaper than serialising it.
    """
    if record.content_hash:
        record = replace(record, content_hash="")
    digest = hashlib.sha256(repr(record).encode("utf-8")).hexdigest()
    object.__setattr__(record, "content_hash", digest)  # frozen, but not yet shared
    return record


def clean_text(text: str | None) -> str:
    """Collapse the line-wrapping and indentation sources put inside titles."""
    return " ".join((text or "").split())


def clean_paragraphs(text: str | None) -> str:
    """Unwrap hard-wrapped lines, keeping blank-line paragraph breaks."""
    paragraphs = (clean_text(p) for p in re.split(r"\n\s*\n", text or ""))
    return "\n\n".join(p for p in paragraphs if p)


def date_from_parts(
    year: int | None, month: int | None, day: int | None, where: str, *, strict: bool = True
) -> date | None:
    """The date of a year, month and day; None when any is missing. An impossible one
    (2019-02-30) raises RecordError, or is None with ``strict=False`` (for formats where a
    wrong day is common and the year alone is still worth keeping)."""
    if not (year and month and day):
        return None
    try:
        return date(year, month, day)
    except ValueError as exc:
        if not strict:
            return None
        raise RecordError(f"{where} is not a date: {year}-{month}-{day}") from exc


def parse_date(text: str | None, where: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError as exc:
        raise RecordError(f"{where} is not a date: {text!r}") from exc


# The kinds of work BZPEER shows, named as OpenAlex names its types.
KINDS = {
    "article",
    "preprint",
    "book",
    "book-chapter",
    "dataset",
    "dissertation",
    "report",
    "review",
    "peer-review",
    "standard",
    "editorial",
    "letter",
    "erratum",
    "other",
}
