"""ORCID public API v3.0 JSON read into the plain shapes of works/sources/orcid_shapes.py."""

import json
from typing import Any

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


def json_document(text: str, name: str) -> Document:
    """The response in ``text`` (the file ``name``) read into shapes.

    Raises FileFormatError for unreadable JSON, an ORCID error body, search results, a
    response that does not say whose it is, or JSON that is not an ORCID response.
    """
    payload = _json_payload(text, name)
    if isinstance(payload.get("bulk"), list):
        orcid = owner_orcid(_bulk_path(payload["bulk"]), "bulk answer", name)
        groups = tuple(_as_group(entry) for entry in json_bulk_entries(payload))
        return Document(orcid, None, groups, bulk=True)
    identifier = _json_identifier(payload)
    if "orcid-identifier" in payload or "activities-summary" in payload:
        return _json_record(payload, owner_orcid(identifier, "record", name))
    if "group" in payload:
        orcid = owner_orcid(identifier, "works summary", name)
        return Document(orcid, None, _json_groups(payload))
    if "works" in payload and "employments" in payload:
        return _json_record(
            {"activities-summary": payload}, owner_orcid(identifier, "summary", name)
        )
    if "name" in payload:
        orcid = owner_orcid(identifier, "person", name)
        return Document(orcid, capture(_json_person, payload, {}), ())
    if "put-code" in payload and "title" in payload:
        orcid = owner_orcid(identifier, "work", name)
        return Document(orcid, None, (capture(_json_group, {"work-summary": [payload]}),), True)
    raise FileFormatError(f"{name}: not an ORCID record, person or works summary")


def json_bulk(text: str, name: str) -> tuple[Summary | RecordError, ...]:
    """The entries of a bulk answer (``/works/{put-code},...``): each full work, or ORCID's
    error in its place. Raises FileFormatError as json_document does, or for JSON that is not
    a bulk answer."""
    payload = _json_payload(text, name)
    if not isinstance(payload.get("bulk"), list):
        raise FileFormatError(f"{name}: not an ORCID bulk answer")
    return json_bulk_entries(payload)


def json_bulk_entries(payload: dict[str, Any]) -> tuple[Summary | RecordError, ...]:
    return tuple(_json_bulk_entry(entry) for entry in payload["bulk"])


def _json_bulk_entry(entry: object) -> Summary | RecordError:
    work = _bulk_work(entry)
    if isinstance(work, dict):
        return capture(_json_summary, work)
    error = entry.get("error") if isinstance(entry, dict) else None
    if isinstance(error, dict):
        return RecordError(
            f"ORCID error {error.get('response-code')}: {error.get('developer-message')}"
        )
    return RecordError("a bulk entry that is neither a work nor an error")


def _bulk_work(entry: object) -> object:
    return entry.get("work") if isinstance(entry, dict) else None


def _bulk_path(entries: list[object]) -> str | None:
    """Whose works these are: ORCID gives each work of a bulk answer its ``path``."""
    for entry in entries:
        work = _bulk_work(entry)
        if isinstance(work, dict) and work.get("path"):
            return str(work["path"])
    return None


def _as_group(entry: Summary | RecordError) -> tuple[Summary, ...] | RecordError:
    return entry if isinstance(entry, RecordError) else (entry,)


def _json_payload(text: str, name: str) -> dict[str, Any]:
    """The JSON object in ``text``; FileFormatError for anything else, ORCID's error bodies
    (with ORCID's message) and search results."""
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
    return payload


def _json_identifier(payload: dict[str, Any]) -> str | None:
    identifier = payload.get("orcid-identifier")
    if isinstance(identifier, dict) and identifier.get("path"):
        return str(identifier["path"])
    path = payload.get("path")
    return str(path) if path else None


def _json_record(payload: dict[str, Any], orcid: str) -> Document:
    activities = payload.get("activities-summary") or {}
    person = payload.get("person")
    return Document(
        orcid,
        None if person is None else capture(_json_person, person, activities),
        _json_groups(activities.get("works") or {}),
    )


def _json_groups(works: dict[str, Any]) -> tuple[tuple[Summary, ...] | RecordError, ...]:
    return tuple(capture(_json_group, group) for group in works.get("group") or [])


def _json_group(group: dict[str, Any]) -> tuple[Summary, ...]:
    summaries = group.get("work-summary") or []
    if not summaries:
        raise RecordError("work group lists no work")
    return tuple(_json_summary(summary) for summary in summaries)


def _json_summary(summary: dict[str, Any]) -> Summary:
    put_code = summary.get("put-code")
    external = (summary.get("external-ids") or {}).get("external-id") or []
    return Summary(
        put_code="" if put_code is None else str(put_code),
        title=_value((summary.get("title") or {}).get("title")),
        kind=kind_code(summary.get("type")),
        published=_json_date(summary.get("publication-date"), f"put-code {put_code}"),
        journal=_value(summary.get("journal-title")),
        ids=tuple(
            ExternalId(
                kind=kind_code(item.get("external-id-type")),
                value=_value(item.get("external-id-value")),
                url=_value(item.get("external-id-url")),
                relationship=kind_code(item.get("external-id-relationship")),
            )
            for item in external
        ),
        contributors=_json_contributors(summary.get("contributors")),
    )


def _json_contributors(section: dict[str, Any] | None) -> tuple[Contributor, ...]:
    """A full work's contributors; a summary has none."""
    found = []
    for item in (section or {}).get("contributor") or []:
        attributes = item.get("contributor-attributes") or {}
        identifier = item.get("contributor-orcid") or {}
        found.append(
            Contributor(
                name=_value(item.get("credit-name")),
                orcid=normalize_orcid(
                    clean_text(identifier.get("path") or identifier.get("uri") or "")
                ),
                sequence=kind_code(attributes.get("contributor-sequence")),
                role=kind_code(attributes.get("contributor-role")),
            )
        )
    return tuple(found)


def json_person_name(person: dict[str, Any]) -> str:
    """The name an ORCID v3.0 JSON ``person`` shows (Person.display_name): also what ORCID
    sign-in returns for the person signing in."""
    return _json_person(person, {}).display_name


def _json_person(person: dict[str, Any], activities: dict[str, Any]) -> Person:
    name = person.get("name") or {}
    others = (person.get("other-names") or {}).get("other-name") or []
    return Person(
        given=_value(name.get("given-names")),
        family=_value(name.get("family-name")),
        credit=_value(name.get("credit-name")),
        other_names=tuple(_value(other.get("content")) for other in others),
        employments=_json_affiliations(activities.get("employments"), "employment"),
        educations=_json_affiliations(activities.get("educations"), "education"),
    )


def _json_affiliations(section: dict[str, Any] | None, kind: str) -> tuple[Affiliation, ...]:
    found = []
    for group in (section or {}).get("affiliation-group") or []:
        for wrapper in group.get("summaries") or []:
            summary = wrapper.get(f"{kind}-summary") or {}
            end = summary.get("end-date")
            found.append(
                Affiliation(
                    organization=clean_text((summary.get("organization") or {}).get("name")),
                    start=_json_date(summary.get("start-date"), f"{kind} start date"),
                    end=_json_date(end, f"{kind} end date") if end else None,
                )
            )
    return tuple(found)


def _json_date(payload: dict[str, Any] | None, where: str) -> DateParts:
    payload = payload or {}
    year, month, day = (_value(payload.get(part)) for part in ("year", "month", "day"))
    return date_parts(year, month, day, where)


def _value(field: object) -> str:
    """ORCID JSON wraps most strings as ``{"value": ...}``; some are bare, many are null."""
    if isinstance(field, dict):
        field = field.get("value")
    return clean_text(field) if isinstance(field, str) else ""
