"""ORCID: public API v3.0 responses, JSON or XML, plain or gzipped.

A file holds one response as ORCID serves it: a full ``record`` (person and activities
summary), a ``person``, an ``activities-summary``, a ``works`` summary, or one ``work``. The
reader yields a ResearcherRecord for the person, when the file names one, and one WorkRecord
per work group. ORCID lists the record's owner, not a work's byline, so every work carries the
owner alone and ``byline_complete=False``.

Both formats are first read into the small ``_Person`` / ``_Summary`` shapes below, so JSON and
XML of the same content give equal records.
"""

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bzpeer.lib.identifiers import (
    normalize_doi,
    normalize_openalex_id,
    normalize_orcid,
    split_arxiv_id,
)
from bzpeer.lib.sources import Source
from works.sources.files import FileFormatError, Item, open_text
from works.sources.records import (
    AuthorRecord,
    InstitutionRecord,
    RecordError,
    ResearcherRecord,
    VenueRecord,
    WorkRecord,
    clean_text,
    parse_date,
    with_hash,
)

NS = "http://www.orcid.org/ns/"
COMMON = f"{{{NS}common}}"
WORK = f"{{{NS}work}}"
ACTIVITIES = f"{{{NS}activities}}"
PERSON = f"{{{NS}person}}"
DETAILS = f"{{{NS}personal-details}}"
OTHER_NAME = f"{{{NS}other-name}}"
ERROR = f"{{{NS}error}}"

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

# A calendar date as ORCID gives it: year, month, day, each None when not given.
DateParts = tuple[int | None, int | None, int | None]


@dataclass(frozen=True)
class _ExternalId:
    kind: str
    value: str
    url: str
    relationship: str


@dataclass(frozen=True)
class _Summary:
    """One source's version of a work, as listed in a works summary."""

    put_code: str
    title: str
    kind: str
    published: DateParts
    journal: str
    ids: tuple[_ExternalId, ...]


@dataclass(frozen=True)
class _Affiliation:
    organization: str
    start: DateParts
    end: DateParts | None


@dataclass(frozen=True)
class _Person:
    given: str
    family: str
    credit: str
    other_names: tuple[str, ...]
    employments: tuple[_Affiliation, ...]
    educations: tuple[_Affiliation, ...]


@dataclass(frozen=True)
class _Document:
    """A file read into plain shapes; a part that could not be read is its RecordError."""

    orcid: str
    person: _Person | RecordError | None
    groups: tuple[tuple[_Summary, ...] | RecordError, ...]
    single_work: bool = False


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
    start = text.lstrip()[:1]
    if start == "{":
        document = _json_document(text, path.name)
    elif start == "<":
        document = _xml_document(text, path.name)
    else:
        raise FileFormatError(f"{path.name}: not an ORCID JSON or XML response")
    yield from _items(document, path.name)


def _items(document: _Document, name: str) -> Iterator[Item]:
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


def _researcher_record(person: _Person, orcid: str) -> ResearcherRecord:
    """The record's owner: credit name, else given and family names, as display name.

    Raises RecordError when the person shows no public name.
    """
    formal = " ".join(part for part in (person.given, person.family) if part)
    display = person.credit or formal
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


def _institution(person: _Person) -> InstitutionRecord | None:
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
    return tuple(part or 0 for part in parts)


def _work_record(
    summaries: tuple[_Summary, ...], orcid: str, owner: str | None, label: str
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
    published = None
    if year and month and day:
        published = parse_date(f"{year:04d}-{month:02d}-{day:02d}", f"{label} publication date")
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


def _first(ids: list[_ExternalId], pick: Callable[[_ExternalId], object]):
    """The first identifier ``pick`` accepts, in summary order, so the preferred one wins."""
    for external_id in ids:
        found = pick(external_id)
        if found:
            return found
    return None


def _doi(external_id: _ExternalId) -> str | None:
    return normalize_doi(external_id.value) if external_id.kind == "doi" else None


def _arxiv(external_id: _ExternalId) -> tuple[str, int | None] | None:
    return split_arxiv_id(external_id.value) if external_id.kind == "arxiv" else None


def _openalex(external_id: _ExternalId) -> str | None:
    for text in (external_id.value, external_id.url):
        if external_id.kind == "openalex" or "openalex.org/" in text.lower():
            found = normalize_openalex_id(text, "W")
            if found:
                return found
    return None


def _date_parts(year: str, month: str, day: str, where: str) -> DateParts:
    """ORCID's year/month/day strings as numbers; a part that is not a number is an error."""
    parts = []
    for label, text in (("year", year), ("month", month), ("day", day)):
        if text and not text.isdigit():
            raise RecordError(f"{where}: {label} {text!r} is not a number")
        parts.append(int(text) if text else None)
    return parts[0], parts[1], parts[2]


def _capture(parse: Callable, *args):
    """``parse(*args)``, or the RecordError saying why that part of the file is unusable."""
    try:
        return parse(*args)
    except RecordError as exc:
        return exc
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        return RecordError(f"unexpected shape ({exc.__class__.__name__}: {exc})")


def _owner(identifier: str | None, where: str, name: str) -> str:
    """The record owner's normalised iD, or FileFormatError when the file does not say."""
    if not identifier:
        raise FileFormatError(f"{name}: an ORCID {where} that does not say whose it is (no path)")
    orcid = normalize_orcid(identifier)
    if not orcid:
        raise FileFormatError(f"{name}: {identifier!r} is not a valid ORCID iD")
    return orcid


# JSON ------------------------------------------------------------------------------------


def _json_document(text: str, name: str) -> _Document:
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            f"{name}: not valid JSON, truncated? (line {exc.lineno}: {exc.msg})"
        ) from exc
    if not isinstance(payload, dict):
        raise FileFormatError(f"{name}: not an ORCID record, person or works summary")
    if "response-code" in payload and "developer-message" in payload:
        raise FileFormatError(
            f"{name}: ORCID error {payload['response-code']}: {payload['developer-message']}"
        )
    if "num-found" in payload:
        raise FileFormatError(f"{name}: ORCID search results list iDs only; fetch each record")
    identifier = _json_identifier(payload)
    if "orcid-identifier" in payload or "activities-summary" in payload:
        return _json_record(payload, _owner(identifier, "record", name))
    if "group" in payload:
        orcid = _owner(identifier, "works summary", name)
        return _Document(orcid, None, _json_groups(payload))
    if "works" in payload and "employments" in payload:
        return _json_record({"activities-summary": payload}, _owner(identifier, "summary", name))
    if "name" in payload:
        orcid = _owner(identifier, "person", name)
        return _Document(orcid, _capture(_json_person, payload, {}), ())
    if "put-code" in payload and "title" in payload:
        orcid = _owner(identifier, "work", name)
        return _Document(orcid, None, (_capture(_json_group, {"work-summary": [payload]}),), True)
    raise FileFormatError(f"{name}: not an ORCID record, person or works summary")


def _json_identifier(payload: dict) -> str | None:
    identifier = payload.get("orcid-identifier")
    if isinstance(identifier, dict) and identifier.get("path"):
        return identifier["path"]
    return payload.get("path") or None


def _json_record(payload: dict, orcid: str) -> _Document:
    activities = payload.get("activities-summary") or {}
    person = payload.get("person")
    return _Document(
        orcid,
        None if person is None else _capture(_json_person, person, activities),
        _json_groups(activities.get("works") or {}),
    )


def _json_groups(works: dict) -> tuple:
    return tuple(_capture(_json_group, group) for group in works.get("group") or [])


def _json_group(group: dict) -> tuple[_Summary, ...]:
    summaries = group.get("work-summary") or []
    if not summaries:
        raise RecordError("work group lists no work")
    return tuple(_json_summary(summary) for summary in summaries)


def _json_summary(summary: dict) -> _Summary:
    put_code = summary.get("put-code")
    external = (summary.get("external-ids") or {}).get("external-id") or []
    return _Summary(
        put_code="" if put_code is None else str(put_code),
        title=_value((summary.get("title") or {}).get("title")),
        kind=_kind(summary.get("type")),
        published=_json_date(summary.get("publication-date"), f"put-code {put_code}"),
        journal=_value(summary.get("journal-title")),
        ids=tuple(
            _ExternalId(
                kind=_kind(item.get("external-id-type")),
                value=_value(item.get("external-id-value")),
                url=_value(item.get("external-id-url")),
                relationship=_kind(item.get("external-id-relationship")),
            )
            for item in external
        ),
    )


def _json_person(person: dict, activities: dict) -> _Person:
    name = person.get("name") or {}
    others = (person.get("other-names") or {}).get("other-name") or []
    return _Person(
        given=_value(name.get("given-names")),
        family=_value(name.get("family-name")),
        credit=_value(name.get("credit-name")),
        other_names=tuple(_value(other.get("content")) for other in others),
        employments=_json_affiliations(activities.get("employments"), "employment"),
        educations=_json_affiliations(activities.get("educations"), "education"),
    )


def _json_affiliations(section: dict | None, kind: str) -> tuple[_Affiliation, ...]:
    found = []
    for group in (section or {}).get("affiliation-group") or []:
        for wrapper in group.get("summaries") or []:
            summary = wrapper.get(f"{kind}-summary") or {}
            end = summary.get("end-date")
            found.append(
                _Affiliation(
                    organization=clean_text((summary.get("organization") or {}).get("name")),
                    start=_json_date(summary.get("start-date"), f"{kind} start date"),
                    end=_json_date(end, f"{kind} end date") if end else None,
                )
            )
    return tuple(found)


def _json_date(payload: dict | None, where: str) -> DateParts:
    payload = payload or {}
    return _date_parts(*(_value(payload.get(part)) for part in ("year", "month", "day")), where)


def _value(field) -> str:
    """ORCID JSON wraps most strings as ``{"value": ...}``; some are bare, many are null."""
    if isinstance(field, dict):
        field = field.get("value")
    return clean_text(field) if isinstance(field, str) else ""


def _kind(text) -> str:
    return clean_text(text).lower().replace("_", "-") if isinstance(text, str) else ""


# XML -------------------------------------------------------------------------------------


def _xml_document(text: str, name: str) -> _Document:
    try:
        # ORCID XML is parsed by ElementTree, which never fetches external entities.
        root = ET.fromstring(text)  # noqa: S314
    except ET.ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]
        raise FileFormatError(
            f"{name}: malformed XML at line {line}, column {column} ({reason})"
        ) from exc
    if not root.tag.startswith(f"{{{NS}"):
        raise FileFormatError(f"{name}: not ORCID XML (root element {root.tag})")
    if root.tag == f"{ERROR}error":
        code = clean_text(root.findtext(f"{ERROR}response-code"))
        message = clean_text(root.findtext(f"{ERROR}developer-message"))
        raise FileFormatError(f"{name}: ORCID error {code}: {message}")
    return _xml_shape(root, name)


def _xml_shape(root: ET.Element, name: str) -> _Document:
    local = root.tag.rsplit("}", 1)[1]
    identifier = root.findtext(f"{COMMON}orcid-identifier/{COMMON}path") or root.get("path")
    if local == "record":
        activities = root.find(f"{ACTIVITIES}activities-summary")
        return _xml_record(
            root.find(f"{PERSON}person"), activities, _owner(identifier, local, name)
        )
    if local == "activities-summary":
        return _xml_record(None, root, _owner(identifier, local, name))
    if local == "works":
        return _Document(_owner(identifier, local, name), None, _xml_groups(root))
    if local == "person":
        orcid = _owner(identifier, local, name)
        return _Document(orcid, _capture(_xml_person, root, None), ())
    if local == "work":
        orcid = _owner(identifier, local, name)
        return _Document(orcid, None, (_capture(_xml_group, [root]),), True)
    if local == "search":
        raise FileFormatError(f"{name}: ORCID search results list iDs only; fetch each record")
    raise FileFormatError(f"{name}: an ORCID {local}, not a record, person or works summary")


def _xml_record(person: ET.Element | None, activities: ET.Element | None, orcid: str) -> _Document:
    works = activities.find(f"{ACTIVITIES}works") if activities is not None else None
    return _Document(
        orcid,
        None if person is None else _capture(_xml_person, person, activities),
        _xml_groups(works) if works is not None else (),
    )


def _xml_groups(works: ET.Element) -> tuple:
    return tuple(
        _capture(_xml_group, group.findall(f"{WORK}work-summary"))
        for group in works.findall(f"{ACTIVITIES}group")
    )


def _xml_group(summaries: list[ET.Element]) -> tuple[_Summary, ...]:
    if not summaries:
        raise RecordError("work group lists no work")
    return tuple(_xml_summary(summary) for summary in summaries)


def _xml_summary(summary: ET.Element) -> _Summary:
    put_code = clean_text(summary.get("put-code"))
    return _Summary(
        put_code=put_code,
        title=_xml_text(summary, f"{WORK}title/{COMMON}title"),
        kind=_kind(summary.findtext(f"{WORK}type")),
        published=_xml_date(summary.find(f"{COMMON}publication-date"), f"put-code {put_code}"),
        journal=_xml_text(summary, f"{WORK}journal-title"),
        ids=tuple(
            _ExternalId(
                kind=_kind(item.findtext(f"{COMMON}external-id-type")),
                value=_xml_text(item, f"{COMMON}external-id-value"),
                url=_xml_text(item, f"{COMMON}external-id-url"),
                relationship=_kind(item.findtext(f"{COMMON}external-id-relationship")),
            )
            for item in summary.findall(f"{COMMON}external-ids/{COMMON}external-id")
        ),
    )


def _xml_person(person: ET.Element, activities: ET.Element | None) -> _Person:
    others = person.findall(f"{OTHER_NAME}other-names/{OTHER_NAME}other-name")
    return _Person(
        given=_xml_text(person, f"{PERSON}name/{DETAILS}given-names"),
        family=_xml_text(person, f"{PERSON}name/{DETAILS}family-name"),
        credit=_xml_text(person, f"{PERSON}name/{DETAILS}credit-name"),
        other_names=tuple(_xml_text(other, f"{OTHER_NAME}content") for other in others),
        employments=_xml_affiliations(activities, "employment"),
        educations=_xml_affiliations(activities, "education"),
    )


def _xml_affiliations(activities: ET.Element | None, kind: str) -> tuple[_Affiliation, ...]:
    if activities is None:
        return ()
    found = []
    for summary in activities.iter(f"{{{NS}{kind}}}{kind}-summary"):
        end = summary.find(f"{COMMON}end-date")
        found.append(
            _Affiliation(
                organization=_xml_text(summary, f"{COMMON}organization/{COMMON}name"),
                start=_xml_date(summary.find(f"{COMMON}start-date"), f"{kind} start date"),
                end=_xml_date(end, f"{kind} end date") if end is not None else None,
            )
        )
    return tuple(found)


def _xml_date(element: ET.Element | None, where: str) -> DateParts:
    if element is None:
        return None, None, None
    parts = (_xml_text(element, f"{COMMON}{part}") for part in ("year", "month", "day"))
    return _date_parts(*parts, where)


def _xml_text(element: ET.Element, path: str) -> str:
    return clean_text(element.findtext(path))
