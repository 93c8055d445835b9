"""ORCID public API v3.0 XML read into the plain shapes of works/sources/orcid_shapes.py."""

import xml.etree.ElementTree as ET

from bzpeer.lib.identifiers import normalize_orcid
from works.sources.files import FileFormatError, capture
from works.sources.orcid_shapes import (
    Affiliation,
    Contributor,
    DateParts,
    Document,
    ExternalId,
    Person,
    Summary,
    date_parts,
    kind_code,
    owner_orcid,
)
from works.sources.records import RecordError, clean_text

NS = "http://www.orcid.org/ns/"
COMMON = f"{{{NS}common}}"
WORK = f"{{{NS}work}}"
ACTIVITIES = f"{{{NS}activities}}"
PERSON = f"{{{NS}person}}"
DETAILS = f"{{{NS}personal-details}}"
OTHER_NAME = f"{{{NS}other-name}}"
ERROR = f"{{{NS}error}}"
BULK = f"{{{NS}bulk}}"


def xml_document(text: str, name: str) -> Document:
    """The response in ``text`` (the file ``name``) read into shapes.

    Raises FileFormatError for malformed XML (with its line), an ORCID error body, search
    results, a response that does not say whose it is, or XML that is not ORCID's.
    """
    return _xml_shape(_xml_root(text, name), name)


def xml_bulk(text: str, name: str) -> tuple[Summary | RecordError, ...]:
    """The entries of a bulk answer: each full work, or ORCID's error in its place. Raises
    FileFormatError as xml_document does, or for XML that is not a bulk answer."""
    root = _xml_root(text, name)
    if root.tag != f"{BULK}bulk":
        raise FileFormatError(f"{name}: not an ORCID bulk answer")
    return _xml_bulk_entries(root)


def _xml_root(text: str, name: str) -> ET.Element:
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
    return root


def _xml_bulk_entries(root: ET.Element) -> tuple[Summary | RecordError, ...]:
    entries: list[Summary | RecordError] = []
    for element in root:
        if element.tag == f"{WORK}work":
            entries.append(capture(_xml_summary, element))
        elif element.tag == f"{ERROR}error":
            code = clean_text(element.findtext(f"{ERROR}response-code"))
            message = clean_text(element.findtext(f"{ERROR}developer-message"))
            entries.append(RecordError(f"ORCID error {code}: {message}"))
        else:
            entries.append(RecordError("a bulk entry that is neither a work nor an error"))
    return tuple(entries)


def _xml_shape(root: ET.Element, name: str) -> Document:
    local = root.tag.rsplit("}", 1)[1]
    identifier = root.findtext(f"{COMMON}orcid-identifier/{COMMON}path") or root.get("path")
    if local == "record":
        activities = root.find(f"{ACTIVITIES}activities-summary")
        return _xml_record(
            root.find(f"{PERSON}person"), activities, owner_orcid(identifier, local, name)
        )
    if local == "activities-summary":
        return _xml_record(None, root, owner_orcid(identifier, local, name))
    if local == "works":
        return Document(owner_orcid(identifier, local, name), None, _xml_groups(root))
    if local == "person":
        orcid = owner_orcid(identifier, local, name)
        return Document(orcid, capture(_xml_person, root, None), ())
    if local == "work":
        orcid = owner_orcid(identifier, local, name)
        return Document(orcid, None, (capture(_xml_group, [root]),), True)
    if local == "bulk":
        works = root.findall(f"{WORK}work")
        path = next((w.get("path") for w in works if w.get("path")), None)
        orcid = owner_orcid(path, "bulk answer", name)
        groups = tuple(e if isinstance(e, RecordError) else (e,) for e in _xml_bulk_entries(root))
        return Document(orcid, None, groups, bulk=True)
    if local == "search":
        raise FileFormatError(f"{name}: ORCID search results list iDs only; fetch each record")
    raise FileFormatError(f"{name}: an ORCID {local}, not a record, person or works summary")


def _xml_record(person: ET.Element | None, activities: ET.Element | None, orcid: str) -> Document:
    works = activities.find(f"{ACTIVITIES}works") if activities is not None else None
    return Document(
        orcid,
        None if person is None else capture(_xml_person, person, activities),
        _xml_groups(works) if works is not None else (),
    )


def _xml_groups(works: ET.Element) -> tuple[tuple[Summary, ...] | RecordError, ...]:
    return tuple(
        capture(_xml_group, group.findall(f"{WORK}work-summary"))
        for group in works.findall(f"{ACTIVITIES}group")
    )


def _xml_group(summaries: list[ET.Element]) -> tuple[Summary, ...]:
    if not summaries:
        raise RecordError("work group lists no work")
    return tuple(_xml_summary(summary) for summary in summaries)


def _xml_summary(summary: ET.Element) -> Summary:
    put_code = clean_text(summary.get("put-code"))
    return Summary(
        put_code=put_code,
        title=_xml_text(summary, f"{WORK}title/{COMMON}title"),
        kind=kind_code(summary.findtext(f"{WORK}type")),
        published=_xml_date(summary.find(f"{COMMON}publication-date"), f"put-code {put_code}"),
        journal=_xml_text(summary, f"{WORK}journal-title"),
        ids=tuple(
            ExternalId(
                kind=kind_code(item.findtext(f"{COMMON}external-id-type")),
                value=_xml_text(item, f"{COMMON}external-id-value"),
                url=_xml_text(item, f"{COMMON}external-id-url"),
                relationship=kind_code(item.findtext(f"{COMMON}external-id-relationship")),
            )
            for item in summary.findall(f"{COMMON}external-ids/{COMMON}external-id")
        ),
        contributors=tuple(
            _xml_contributor(item)
            for item in summary.findall(f"{WORK}contributors/{WORK}contributor")
        ),
    )


def _xml_contributor(item: ET.Element) -> Contributor:
    identifier = item.find(f"{COMMON}contributor-orcid")
    orcid = None
    if identifier is not None:
        orcid = normalize_orcid(
            _xml_text(identifier, f"{COMMON}path") or _xml_text(identifier, f"{COMMON}uri")
        )
    attributes = f"{WORK}contributor-attributes"
    return Contributor(
        name=_xml_text(item, f"{WORK}credit-name"),
        orcid=orcid,
        sequence=kind_code(item.findtext(f"{attributes}/{WORK}contributor-sequence")),
        role=kind_code(item.findtext(f"{attributes}/{WORK}contributor-role")),
    )


def _xml_person(person: ET.Element, activities: ET.Element | None) -> Person:
    others = person.findall(f"{OTHER_NAME}other-names/{OTHER_NAME}other-name")
    return Person(
        given=_xml_text(person, f"{PERSON}name/{DETAILS}given-names"),
        family=_xml_text(person, f"{PERSON}name/{DETAILS}family-name"),
        credit=_xml_text(person, f"{PERSON}name/{DETAILS}credit-name"),
        other_names=tuple(_xml_text(other, f"{OTHER_NAME}content") for other in others),
        employments=_xml_affiliations(activities, "employment"),
        educations=_xml_affiliations(activities, "education"),
    )


def _xml_affiliations(activities: ET.Element | None, kind: str) -> tuple[Affiliation, ...]:
    if activities is None:
        return ()
    found = []
    for summary in activities.iter(f"{{{NS}{kind}}}{kind}-summary"):
        end = summary.find(f"{COMMON}end-date")
        found.append(
            Affiliation(
                organization=_xml_text(summary, f"{COMMON}organization/{COMMON}name"),
                start=_xml_date(summary.find(f"{COMMON}start-date"), f"{kind} start date"),
                end=_xml_date(end, f"{kind} end date") if end is not None else None,
            )
        )
    return tuple(found)


def _xml_date(element: ET.Element | None, where: str) -> DateParts:
    if element is None:
        return None, None, None
    year, month, day = (_xml_text(element, f"{COMMON}{part}") for part in ("year", "month", "day"))
    return date_parts(year, month, day, where)


def _xml_text(element: ET.Element, path: str) -> str:
    return clean_text(element.findtext(path))
