"""ORCID responses as plain shapes: what the JSON and the XML readers both produce.

Reading either format into these shapes first means JSON and XML of the same content give
equal records (works/sources/orcid.py).
"""

from dataclasses import dataclass

from bzpeer.lib.identifiers import normalize_orcid
from works.sources.files import FileFormatError
from works.sources.records import RecordError, clean_text

# A calendar date as ORCID gives it: year, month, day, each None when not given.
DateParts = tuple[int | None, int | None, int | None]


@dataclass(frozen=True)
class ExternalId:
    kind: str
    value: str
    url: str
    relationship: str


@dataclass(frozen=True)
class Contributor:
    """One contributor of a full work: the name as credited ("" when none), the iD when
    given, ORCID's sequence ("first", "additional" or "") and role (``author``, ``editor``...)."""

    name: str
    orcid: str | None
    sequence: str
    role: str


@dataclass(frozen=True)
class Summary:
    """One source's version of a work, as listed in a works summary, or in full (a ``work``,
    a bulk entry), which also lists its contributors."""

    put_code: str
    title: str
    kind: str
    published: DateParts
    journal: str
    ids: tuple[ExternalId, ...]
    contributors: tuple[Contributor, ...] = ()


@dataclass(frozen=True)
class Affiliation:
    organization: str
    start: DateParts
    end: DateParts | None


@dataclass(frozen=True)
class Person:
    given: str
    family: str
    credit: str
    other_names: tuple[str, ...]
    employments: tuple[Affiliation, ...]
    educations: tuple[Affiliation, ...]

    @property
    def formal_name(self) -> str:
        return " ".join(part for part in (self.given, self.family) if part)

    @property
    def display_name(self) -> str:
        """The name ORCID shows: the credit name, else given and family names ("" if none)."""
        return self.credit or self.formal_name


@dataclass(frozen=True)
class Document:
    """A file read into plain shapes; a part that could not be read is its RecordError."""

    orcid: str
    person: Person | RecordError | None
    groups: tuple[tuple[Summary, ...] | RecordError, ...]
    single_work: bool = False
    bulk: bool = False  # a bulk answer: each group is one full work, or ORCID's error for it


def date_parts(year: str, month: str, day: str, where: str) -> DateParts:
    """ORCID's year/month/day strings as numbers; a part that is not a number is an error."""
    parts = []
    for label, text in (("year", year), ("month", month), ("day", day)):
        if text and not text.isdigit():
            raise RecordError(f"{where}: {label} {text!r} is not a number")
        parts.append(int(text) if text else None)
    return parts[0], parts[1], parts[2]


def owner_orcid(identifier: str | None, where: str, name: str) -> str:
    """The record owner's normalised iD, or FileFormatError when the file does not say."""
    if not identifier:
        raise FileFormatError(f"{name}: an ORCID {where} that does not say whose it is (no path)")
    orcid = normalize_orcid(identifier)
    if not orcid:
        raise FileFormatError(f"{name}: {identifier!r} is not a valid ORCID iD")
    return orcid


def kind_code(text: object) -> str:
    """An ORCID type or relationship as a lower-case, hyphenated code (``JOURNAL_ARTICLE``:
    ``journal-article``); "" for anything that is not a string."""
    return clean_text(text).lower().replace("_", "-") if isinstance(text, str) else ""
