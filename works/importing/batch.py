"""Writing a batch of imported records: batched upserts that keep one work and one person each.

``records_import`` takes a batch of records (works/sources/records.py) and writes them with a
handful of set-based queries, so an import runs at bulk speed. Work records go through the
steps of this package in order: reference data (reference), the stored work each describes
(matching), what each record gives its work (merge), who its authors are (works.attribution),
the authorship rows (bylines), the writes (persist) and the source records kept (provenance).
Person records go through people. A second run of the same file changes nothing: each
record's content hash is kept in SourceRecord.
"""

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from bzpeer.lib.bulk import references_checked
from profiles.models import Institution, Researcher
from works.attribution.resolver import Byline, Resolver
from works.importing import persist
from works.importing.bylines import lay_out_bylines, set_missing_affiliations, stored_bylines
from works.importing.matching import plan_works
from works.importing.merge import merge_record
from works.importing.people import import_people
from works.importing.places import import_institutions
from works.importing.provenance import remember_sources, stored_hashes
from works.importing.reference import upsert_institutions, upsert_topics, upsert_venues
from works.models import Authorship, Topic, Venue
from works.sources.records import (
    InstitutionEntityRecord,
    Record,
    ResearcherRecord,
    WorkRecord,
)


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    touched_researchers: set[int] = field(default_factory=set)
    deferred: list[int] = field(default_factory=list)  # indexes to send again in a later batch


@transaction.atomic
def records_import(*, records: list[Record]) -> BatchResult:
    """Upsert a batch of records, all or nothing.

    Records that are the same work as another record of this batch come back in ``deferred``
    for the caller to send again, so each batch sees a consistent database.
    """
    result = BatchResult()
    with connection.cursor() as cursor:
        # Imports are idempotent: if the server crashes before this commit reaches the disk,
        # the next run writes the batch again. Not waiting for the flush doubles the speed.
        cursor.execute("SET LOCAL synchronous_commit = off")
    stored = stored_hashes(records)
    pending: list[tuple[int, Record]] = []
    seen: set[tuple[str, str]] = set()
    for index, record in enumerate(records):
        key = (record.source, record.external_id)
        if key in seen:
            result.deferred.append(index)
            continue
        seen.add(key)
        if stored.get(key) == record.content_hash:
            result.unchanged += 1
        else:
            pending.append((index, record))
    works = [(i, r) for i, r in pending if isinstance(r, WorkRecord)]
    people = [(i, r) for i, r in pending if isinstance(r, ResearcherRecord)]
    places = [(i, r) for i, r in pending if isinstance(r, InstitutionEntityRecord)]
    for is_new in import_institutions(places) if places else []:
        result.created += is_new
        result.updated += not is_new
    if works:
        _import_works(works, result)
    if people:
        for researcher, is_new in import_people(people):
            result.touched_researchers.add(researcher.pk)
            if is_new:
                result.created += 1
            else:
                result.updated += 1
    # Counts are refreshed after the import (researcher_refresh_stale); marking them in this
    # transaction means a crash between the two cannot leave them stale unnoticed.
    Researcher.objects.filter(
        pk__in=list(result.touched_researchers), stats_stale=False
    ).mark_stale("imported")
    return result


def _import_works(items: list[tuple[int, WorkRecord]], result: BatchResult) -> None:
    """Write the work records of a batch.

    Researchers are saved before the authorship rows that refer to them are laid out, and
    missing affiliations are set before that, so new researchers are inserted with theirs.
    """
    now = timezone.now()
    institutions = upsert_institutions(
        [inst for _, r in items for a in r.authors for inst in a.institutions]
    )
    venues = upsert_venues([r.venue for _, r in items if r.venue])
    topics = upsert_topics([t for _, r in items for t in r.topics])
    plans, taken = plan_works(items, result.deferred)
    for plan in plans:
        merge_record(plan.work, plan.record, metadata=plan.takes_metadata, venues=venues)

    old_bylines = stored_bylines([p.work.pk for p in plans if not p.is_new])
    resolver = Resolver([a for p in plans for a in p.record.authors])
    bylines = resolver.bylines(
        [
            Byline(
                authors=p.record.authors,
                shown=[a.researcher for a in old_bylines.get(p.work.pk, [])],
                replaces=p.takes_byline,
                complete=p.record.byline_complete,
                source=p.record.source,
                external_id=p.record.external_id,
            )
            for p in plans
        ]
    )
    for plan, entries in zip(plans, bylines, strict=True):
        plan.entries = entries
    set_missing_affiliations(plans, institutions, resolver)
    resolver.save()

    rows = lay_out_bylines(plans, old_bylines, resolver, institutions, result.touched_researchers)
    replaced = Authorship.objects.filter(
        work_id__in=[p.work.pk for p in plans if p.takes_byline and not p.is_new],
        pinned=False,  # corrections by an owner or staff stay as they are
    )
    result.touched_researchers.update(replaced.values_list("researcher_id", flat=True))
    replaced.delete()
    # The rows below refer to works that are new or locked by plan_works, to researchers
    # created by this batch (unseen outside its transaction) and to the rows locked here, so
    # they need no per-row foreign key checks (bzpeer/lib/bulk.py).
    with references_checked(
        (Researcher, {r.researcher.pk for r in rows} - resolver.created),
        (Institution, {i for r in rows for i in r.institutions}),
        (Venue, {p.work.venue_id for p in plans if p.work.venue_id is not None}),
        (Topic, {topics[(t.scheme, t.code)] for p in plans for t in p.record.topics}),
    ):
        persist.insert_works([p.work for p in plans if p.is_new])
        persist.update_works([p.work for p in plans if not p.is_new])
        persist.insert_authorships(rows)
        persist.insert_identifiers(plans, taken)
        persist.insert_topic_links(plans, topics)
        remember_sources([(p.record, p.work.pk, None) for p in plans], now)
    result.created += sum(1 for p in plans if p.is_new)
    result.updated += sum(1 for p in plans if not p.is_new)
