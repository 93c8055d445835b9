"""Institution records (OpenAlex Institutions, ROR records): the institutions they describe,
found by their OpenAlex ID, else their ROR ID, created or brought up to date. An OpenAlex
Institution and the ROR record of the same organisation meet on one row by its ROR ID. Email
domains come from ROR, unless staff changed them (``email_domains_set_by_staff``)."""

from django.utils import timezone

from profiles.models import Institution
from works.importing.provenance import remember_sources
from works.sources.records import InstitutionEntityRecord

FIELDS = ["name", "openalex_id", "ror", "country_code", "kind", "homepage", "email_domains"]


def import_institutions(items: list[tuple[int, InstitutionEntityRecord]]) -> list[bool]:
    """Write each record onto its institution; returns, for each, whether it is new. A ROR ID
    another institution holds already is left off (the two are told apart by staff)."""
    records = [record for _, record in items]
    ids = [r.institution.openalex_id for r in records if r.institution.openalex_id]
    rors = [r.institution.ror for r in records if r.institution.ror]
    by_openalex = {i.openalex_id: i for i in Institution.objects.filter(openalex_id__in=ids)}
    by_ror = {i.ror: i for i in Institution.objects.filter(ror__in=rors)}
    new: list[Institution] = []
    changed: list[Institution] = []
    rows: list[tuple[InstitutionEntityRecord, bool]] = []
    for record in records:
        place = record.institution
        found = by_openalex.get(place.openalex_id) or by_ror.get(place.ror)
        institution = found or Institution(openalex_id=place.openalex_id)
        holder = by_ror.get(place.ror)
        ror = place.ror if holder is None or holder is institution else institution.ror
        values: dict[str, object] = {
            "name": place.name,
            # A ROR record names no OpenAlex ID; one found by its ROR ID may be given one.
            "openalex_id": place.openalex_id or institution.openalex_id,
            "ror": ror,
            "country_code": place.country_code,
            "kind": place.kind,
            "homepage": record.homepage,
        }
        if record.email_domains is not None and not institution.email_domains_set_by_staff:
            values["email_domains"] = list(record.email_domains)
        for name, value in values.items():
            setattr(institution, name, value)
        if found is None:
            new.append(institution)
            if institution.openalex_id:  # for the batch's later records of it
                by_openalex[institution.openalex_id] = institution
            if institution.ror:
                by_ror[institution.ror] = institution
        elif found not in new and found not in changed:
            changed.append(found)
        rows.append((record, found is None))
    Institution.objects.bulk_create(new)
    Institution.objects.bulk_update(changed, FIELDS)
    remember_sources([(record, None, None) for record, _ in rows], timezone.now())
    return [is_new for _, is_new in rows]
