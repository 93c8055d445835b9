"""Reference data a batch of records points to: institutions, venues and topics.

Each upsert takes the records of a whole batch and returns a map from each record's key to the
id of its row, creating the rows that are missing with one insert.
"""

from collections.abc import Callable
from typing import Any

from profiles.models import Institution
from works.models import Topic, Venue
from works.sources.records import InstitutionRecord, TopicRecord, VenueRecord

Key = str | tuple[str, str]


def reference_key(record: InstitutionRecord | VenueRecord) -> Key:
    """An institution or venue is known by its OpenAlex ID, failing that by its name."""
    return record.openalex_id or ("name", record.name)


def _upsert_by_key(
    model: type[Institution] | type[Venue],
    records: list[Any],
    create: Callable[[list[Any]], list[Any]],
    **unnamed_filter: object,
) -> dict[Key, int]:
    """Rows of ``model`` for the records, found by OpenAlex ID or, for records without one,
    by name among rows that have no OpenAlex ID either (nor whatever ``unnamed_filter``
    excludes); ``create`` builds the missing rows, which are inserted ignoring conflicts."""
    unique = {reference_key(r): r for r in records}
    if not unique:
        return {}
    with_id = [k for k in unique if isinstance(k, str)]
    by_name = [k[1] for k in unique if not isinstance(k, str)]

    def existing() -> dict[Key, int]:
        found: dict[Key, int] = {
            row.openalex_id: row.id
            for row in model.objects.filter(openalex_id__in=with_id)
            if row.openalex_id is not None  # always, by the filter; the column is nullable
        }
        for row in model.objects.filter(
            name__in=by_name, openalex_id__isnull=True, **unnamed_filter
        ):
            found[("name", row.name)] = row.id
        return found

    found = existing()
    missing = [r for k, r in unique.items() if k not in found]
    if missing:
        model.objects.bulk_create(create(missing), ignore_conflicts=True)
        found = existing()
    return found


def upsert_institutions(records: list[InstitutionRecord]) -> dict[Key, int]:
    """Institutions by ``reference_key``; a ROR ID another institution holds is left off. An
    institution a ROR record made (no OpenAlex ID) takes the OpenAlex ID of the first
    affiliation that names its ROR ID, and is found by it from then on."""
    _give_openalex_ids({r.ror: r.openalex_id for r in records if r.ror and r.openalex_id})

    def create(missing: list[InstitutionRecord]) -> list[Institution]:
        taken_rors = set(
            Institution.objects.filter(ror__in=[r.ror for r in missing if r.ror]).values_list(
                "ror", flat=True
            )
        )
        return [
            Institution(
                name=r.name,
                openalex_id=r.openalex_id,
                ror=r.ror if r.ror not in taken_rors else None,
                country_code=r.country_code,
                kind=r.kind,
            )
            for r in missing
        ]

    # A stored institution with a ROR ID is a known one, never matched by name alone.
    return _upsert_by_key(Institution, records, create, ror__isnull=True)


def _give_openalex_ids(openalex_by_ror: dict[str, str]) -> None:
    if not openalex_by_ror:
        return
    rows = list(Institution.objects.filter(ror__in=list(openalex_by_ror), openalex_id__isnull=True))
    if not rows:
        return
    taken = set(
        Institution.objects.filter(openalex_id__in=list(openalex_by_ror.values())).values_list(
            "openalex_id", flat=True
        )
    )
    given = []
    for row in rows:
        openalex_id = openalex_by_ror.get(row.ror or "")
        if openalex_id and openalex_id not in taken:
            row.openalex_id = openalex_id
            given.append(row)
    Institution.objects.bulk_update(given, ["openalex_id"])


def upsert_venues(records: list[VenueRecord]) -> dict[Key, int]:
    """Venues by ``reference_key``."""

    def create(missing: list[VenueRecord]) -> list[Venue]:
        return [
            Venue(name=r.name, openalex_id=r.openalex_id, issn_l=r.issn_l, kind=r.kind)
            for r in missing
        ]

    return _upsert_by_key(Venue, records, create)


def upsert_topics(records: list[TopicRecord]) -> dict[tuple[str, str], int]:
    """Topics by ``(scheme, code)``."""
    unique = {(r.scheme, r.code): r for r in records}
    if not unique:
        return {}
    Topic.objects.bulk_create(
        [Topic(scheme=r.scheme, code=r.code, name=r.name) for r in unique.values()],
        ignore_conflicts=True,
    )
    codes = [code for _, code in unique]
    return {
        (t.scheme, t.code): t.id
        for t in Topic.objects.filter(code__in=codes)
        if (t.scheme, t.code) in unique
    }
