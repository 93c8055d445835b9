"""Institution records (OpenAlex Institutions): the institutions they describe, found by their
OpenAlex ID (else their ROR ID), created or brought up to date. Email domains are not a
source's to set: staff's corrections stay."""

from django.utils import timezone

from profiles.models import Institution
from works.importing.provenance import remember_sources
from works.sources.records import InstitutionEntityRecord

FIELDS = ["name", "ror", "country_code", "kind", "homepage"]


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
    rows: list[tuple[InstitutionEntityRecord, Institution]] = []
    for record in records:
        place = record.institution
        found = by_openalex.get(place.openalex_id) or by_ror.get(place.ror)
        institution = found or Institution(openalex_id=place.openalex_id)
        holder = by_ror.get(place.ror)
        ror = place.ror if holder is None or holder is institution else institution.ror
        values = {
            "name": place.name,
            "ror": ror,
            "country_code": place.country_code,
            "kind": place.kind,
            "homepage": record.homepage,
        }
        for name, value in values.items():
            setattr(institution, name, value)
        (changed if found else new).append(institution)
        rows.append((record, institution))
    Institution.objects.bulk_create(new)
    Institution.objects.bulk_update(changed, FIELDS)
    remember_sources([(record, None, None) for record, _ in rows], timezone.now())
    return [institution in new for _, institution in rows]
