"""Person records (OpenAlex Authors, ORCID persons): the researchers they describe."""

from django.utils import timezone

from bzpeer.lib.names import name_key, parse_name
from works.attribution.index import AnyResearcher
from works.attribution.resolver import Resolver
from works.importing.provenance import remember_sources
from works.importing.reference import reference_key, upsert_institutions
from works.sources.records import ResearcherRecord


def import_people(items: list[tuple[int, ResearcherRecord]]) -> list[tuple[AnyResearcher, bool]]:
    """Write each person record onto the researcher it identifies, or a new one; returns
    each record's researcher and whether it is new.

    The record's name becomes the display name, the one shown before joins the other names;
    its institution replaces the affiliation unless the owner set one.
    """
    now = timezone.now()
    institutions = upsert_institutions([r.institution for _, r in items if r.institution])
    resolver = Resolver([r for _, r in items])
    resolved = []
    for _, record in items:
        researcher, is_new = resolver.person(record)
        if researcher.display_name != record.display_name:
            old_name = researcher.display_name
            researcher.display_name = record.display_name[:255]
            researcher.other_names = [*researcher.other_names, old_name]
        researcher.name_key = name_key(record.display_name)
        researcher.match_key = parse_name(record.display_name).match_key[:255]
        researcher.other_names = [
            n
            for n in dict.fromkeys([*researcher.other_names, *record.other_names])
            if n != researcher.display_name
        ]
        if record.institution and not researcher.affiliation_set_by_owner:
            researcher.institution_id = institutions[reference_key(record.institution)]
        resolver.mark_changed(researcher)
        resolved.append((record, researcher, is_new))
    resolver.save()
    remember_sources([(record, None, researcher.pk) for record, researcher, _ in resolved], now)
    return [(researcher, is_new) for _, researcher, is_new in resolved]
