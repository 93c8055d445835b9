"""Writing imported records: batched upserts that keep one work and one person each.

``records_import`` takes a batch of records (works/sources/records.py) and writes them with a
handful of set-based queries, so an import runs at bulk speed. A work is found again by any of
its identifiers (DOI, arXiv ID, OpenAlex ID), failing those by its normalised title with its
year and first author; its authors are linked to researchers by works.attribution. A second
run of the same file changes nothing: each record's content hash is kept in SourceRecord.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from bzpeer.lib.bulk import (
    allocate_ids,
    bulk_update_rows,
    copy_plain_rows,
    copy_rows,
    insert_models,
    references_checked,
)
from bzpeer.lib.names import name_key, parse_name, title_key
from bzpeer.lib.sources import Source
from profiles.models import Institution, Researcher
from works.attribution import Entry, Resolver
from works.models import Authorship, SourceRecord, Topic, Venue, Work, WorkIdentifier
from works.sources.records import (
    InstitutionRecord,
    ResearcherRecord,
    TopicRecord,
    VenueRecord,
    WorkRecord,
)

Record = WorkRecord | ResearcherRecord

# Whose metadata a work shows when several sources describe it: publishers' records first.
METADATA_PRIORITY = {
    Source.MANUAL: 60,
    Source.CROSSREF: 50,
    Source.OPENALEX: 40,
    Source.ARXIV: 30,
    Source.BIBTEX: 20,
    Source.ORCID: 10,
}
# Whose author list a work shows: OpenAlex adds identifiers and affiliations to each author.
BYLINE_PRIORITY = {
    Source.MANUAL: 60,
    Source.OPENALEX: 50,
    Source.CROSSREF: 40,
    Source.ARXIV: 30,
    Source.BIBTEX: 20,
    Source.ORCID: 0,
}
# A preprint and its published version may be a few years apart; two records of one
# published work at most a year (online first, then in an issue).
YEAR_SLACK = 1
PREPRINT_YEAR_SLACK = 3


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
    stored = _stored_hashes(records)
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
    if works:
        _import_works(works, result)
    if people:
        _import_people(people, result)
    # Counts are refreshed after the import (researcher_refresh_stale); marking them in this
    # transaction means a crash between the two cannot leave them stale unnoticed.
    result.touched_researchers.discard(None)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE profiles_researcher SET stats_stale = true "
            "WHERE id = ANY(%s) AND NOT stats_stale",
            [list(result.touched_researchers)],
        )
    return result


def _stored_hashes(records: list[Record]) -> dict[tuple[str, str], str]:
    by_source: dict[str, list[str]] = defaultdict(list)
    for record in records:
        by_source[record.source].append(record.external_id)
    stored = {}
    with connection.cursor() as cursor:
        for source, ids in by_source.items():
            cursor.execute(
                "SELECT external_id, content_hash FROM works_sourcerecord "
                "WHERE source = %s AND external_id = ANY(%s)",
                [source, ids],
            )
            for ext_id, content_hash in cursor.fetchall():
                stored[(source, ext_id)] = content_hash
    return stored


# Reference data: institutions, venues, topics -------------------------------------------------


def institution_key(record: InstitutionRecord):
    return record.openalex_id or ("name", record.name)


def _upsert_institutions(records: list[InstitutionRecord]) -> dict:
    unique = {institution_key(r): r for r in records}
    if not unique:
        return {}
    with_id = [k for k in unique if isinstance(k, str)]
    by_name = [k[1] for k in unique if not isinstance(k, str)]

    def existing() -> dict:
        found = {i.openalex_id: i.id for i in Institution.objects.filter(openalex_id__in=with_id)}
        for inst in Institution.objects.filter(
            name__in=by_name, openalex_id__isnull=True, ror__isnull=True
        ):
            found[("name", inst.name)] = inst.id
        return found

    found = existing()
    missing = [r for k, r in unique.items() if k not in found]
    if missing:
        taken_rors = set(
            Institution.objects.filter(ror__in=[r.ror for r in missing if r.ror]).values_list(
                "ror", flat=True
            )
        )
        Institution.objects.bulk_create(
            [
                Institution(
                    name=r.name,
                    openalex_id=r.openalex_id,
                    ror=r.ror if r.ror not in taken_rors else None,
                    country_code=r.country_code,
                    kind=r.kind,
                )
                for r in missing
            ],
            ignore_conflicts=True,
        )
        found = existing()
    return found


def _venue_key(record: VenueRecord):
    return record.openalex_id or ("name", record.name)


def _upsert_venues(records: list[VenueRecord]) -> dict:
    unique = {_venue_key(r): r for r in records}
    if not unique:
        return {}

    def existing() -> dict:
        ids = [k for k in unique if isinstance(k, str)]
        names = [k[1] for k in unique if not isinstance(k, str)]
        found = {v.openalex_id: v.id for v in Venue.objects.filter(openalex_id__in=ids)}
        for venue in Venue.objects.filter(name__in=names, openalex_id__isnull=True):
            found[("name", venue.name)] = venue.id
        return found

    found = existing()
    missing = [r for k, r in unique.items() if k not in found]
    if missing:
        Venue.objects.bulk_create(
            [
                Venue(name=r.name, openalex_id=r.openalex_id, issn_l=r.issn_l, kind=r.kind)
                for r in missing
            ],
            ignore_conflicts=True,
        )
        found = existing()
    return found


def _upsert_topics(records: list[TopicRecord]) -> dict[tuple[str, str], int]:
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


# Finding works -------------------------------------------------------------------------------


def record_identifiers(record: WorkRecord) -> set[tuple[str, str]]:
    ids = set()
    if record.doi:
        ids.add((WorkIdentifier.Scheme.DOI.value, record.doi))
    if record.arxiv_id:
        ids.add((WorkIdentifier.Scheme.ARXIV.value, record.arxiv_id))
    if record.openalex_id:
        ids.add((WorkIdentifier.Scheme.OPENALEX.value, record.openalex_id))
    return ids


def _works_by_identifier(records: list[WorkRecord]) -> dict[tuple[str, str], int]:
    by_scheme: dict[str, set[str]] = defaultdict(set)
    for record in records:
        for scheme, value in record_identifiers(record):
            by_scheme[scheme].add(value)
    found: dict[tuple[str, str], int] = {}
    with connection.cursor() as cursor:
        for scheme, values in by_scheme.items():
            cursor.execute(
                "SELECT value, work_id FROM works_workidentifier "
                "WHERE scheme = %s AND value = ANY(%s)",
                [scheme, sorted(values)],
            )
            for value, work_id in cursor.fetchall():
                found[(scheme, value)] = work_id
    return found


def _family(name: str) -> str:
    """The family name to compare bylines by; none for a name that is only an identifier."""
    family = parse_name(name).family if name else ""
    return family if any(c.isalpha() for c in family) else ""


def _first_family(record: WorkRecord) -> str:
    return _family(record.authors[0].display_name) if record.authors else ""


_TITLE_SQL = """
SELECT DISTINCT ON (w.id) w.id, w.title_key, w.publication_year, w.kind, r.display_name
FROM works_work w
LEFT JOIN works_authorship a ON a.work_id = w.id
LEFT JOIN profiles_researcher r ON r.id = a.researcher_id
WHERE w.title_key = ANY(%s)
ORDER BY w.id, a.position
"""


def _works_by_title(records: list[WorkRecord]) -> dict[str, list[dict]]:
    """Stored works sharing a normalised title with a record, with year and first author."""
    keys = sorted({title_key(r.title) for r in records})
    candidates: dict[str, list[dict]] = defaultdict(list)
    if not keys:
        return candidates
    with connection.cursor() as cursor:
        cursor.execute(_TITLE_SQL, [keys])
        for work_id, key, year, kind, first_author in cursor.fetchall():
            candidates[key].append(
                {
                    "id": work_id,
                    "publication_year": year,
                    "kind": kind,
                    "first_family": _family(first_author),
                }
            )
    return candidates


def _same_work_by_title(record: WorkRecord, candidate: dict) -> bool:
    """Same title, years close enough, and the same first author's family name."""
    family = _first_family(record)
    if family and candidate["first_family"] and family != candidate["first_family"]:
        return False
    if not record.publication_year or not candidate["publication_year"]:
        return True
    preprint = "preprint" in (record.kind, candidate["kind"])
    slack = PREPRINT_YEAR_SLACK if preprint else YEAR_SLACK
    return abs(record.publication_year - candidate["publication_year"]) <= slack


@dataclass
class _Plan:
    record: WorkRecord
    work: Work
    is_new: bool
    takes_metadata: bool
    takes_byline: bool
    entries: list[Entry] = field(default_factory=list)
    partial: list = field(default_factory=list)


def _plan_works(items, result: BatchResult) -> tuple[list[_Plan], dict]:
    """What to do with each work record, and the identifiers already held by stored works."""
    records = [r for _, r in items]
    by_id = _works_by_identifier(records)
    by_title = _works_by_title([r for r in records if not record_identifiers(r) & by_id.keys()])
    matched_ids = set(by_id.values()) | {c["id"] for cs in by_title.values() for c in cs}
    works = {
        w.pk: w for w in Work.objects.filter(pk__in=matched_ids).select_for_update(of=("self",))
    }
    plans: list[_Plan] = []
    batch_works: set[int] = set()
    batch_ids: set[tuple[str, str]] = set()
    batch_titles: set[str] = set()
    for index, record in items:
        ids = record_identifiers(record)
        work_ids = sorted({by_id[k] for k in ids if k in by_id})
        if not work_ids:
            work_ids = [
                c["id"]
                for c in by_title.get(title_key(record.title), [])
                if _same_work_by_title(record, c)
            ][:1]
        key = title_key(record.title)
        if (
            ids & batch_ids
            or (work_ids and work_ids[0] in batch_works)
            or (not work_ids and key in batch_titles)
        ):
            result.deferred.append(index)  # another record of this batch may be the same work
            continue
        batch_ids |= ids
        batch_titles.add(key)
        if work_ids:
            work, is_new = works[work_ids[0]], False
            batch_works.add(work.pk)
        else:
            work, is_new = Work(sources=[]), True
        plans.append(
            _Plan(
                record=record,
                work=work,
                is_new=is_new,
                takes_metadata=is_new or _takes_metadata(record, work),
                takes_byline=record.byline_complete
                and (
                    is_new
                    or BYLINE_PRIORITY[record.source] >= BYLINE_PRIORITY.get(work.byline_source, 0)
                ),
            )
        )
    return plans, by_id


def _takes_metadata(record: WorkRecord, work: Work) -> bool:
    """Whose description a work shows: a published version's over a preprint's, and
    otherwise the higher-priority source's."""
    if (record.kind == "preprint") != (work.kind == "preprint"):
        return work.kind == "preprint"
    return METADATA_PRIORITY[record.source] >= METADATA_PRIORITY.get(work.primary_source, 0)


def _apply(plan: _Plan, venues: dict) -> None:
    work, record = plan.work, plan.record
    if plan.takes_metadata:
        work.title = record.title
        work.kind = record.kind
        work.publication_date = record.publication_date or work.publication_date
        work.publication_year = record.publication_year or work.publication_year
        work.journal_ref = record.journal_ref or work.journal_ref
        if record.venue:
            work.venue_id = venues[_venue_key(record.venue)]
        work.primary_source = record.source
    work.title = work.title or record.title
    work.title_key = title_key(work.title)[:255]
    if plan.takes_metadata or not work.abstract:
        work.abstract = record.abstract or work.abstract
    work.first_posted = work.first_posted or record.first_posted
    work.arxiv_version = record.arxiv_version or work.arxiv_version
    work.publication_year = work.publication_year or record.publication_year
    if record.source not in work.sources:
        work.sources = [*work.sources, record.source]


# Writing works -------------------------------------------------------------------------------

_WORK_FIELDS = [
    "title",
    "title_key",
    "abstract",
    "kind",
    "publication_date",
    "publication_year",
    "first_posted",
    "arxiv_version",
    "venue",
    "journal_ref",
    "authors_count",
    "sources",
    "primary_source",
    "byline_source",
]


def _import_works(items: list[tuple[int, WorkRecord]], result: BatchResult) -> None:
    now = timezone.now()
    institutions = _upsert_institutions(
        [inst for _, r in items for a in r.authors for inst in a.institutions]
    )
    venues = _upsert_venues([r.venue for _, r in items if r.venue])
    topics = _upsert_topics([t for _, r in items for t in r.topics])
    plans, taken = _plan_works(items, result)
    for plan in plans:
        _apply(plan, venues)

    old_bylines = _bylines([p.work.pk for p in plans if not p.is_new])
    resolver = Resolver([a for p in plans for a in p.record.authors])
    for plan in plans:
        if plan.takes_byline:
            plan.partial = resolver.first_pass(
                plan.record.authors,
                [a.researcher for a in old_bylines.get(plan.work.pk, [])],
                source=plan.record.source,
                external_id=plan.record.external_id,
            )
    resolver.load_coauthors([(p.record.authors, p.partial) for p in plans if p.takes_byline])
    for plan in plans:
        old = [a.researcher for a in old_bylines.get(plan.work.pk, [])]
        if plan.takes_byline:
            plan.entries = resolver.second_pass(
                plan.record.authors,
                plan.partial,
                source=plan.record.source,
                external_id=plan.record.external_id,
            )
        elif plan.record.byline_complete:
            # A full byline from a lower-priority source: its authors are matched to the
            # byline shown (which may give them identifiers) but change nothing else.
            plan.entries = resolver.matched_on_byline(
                plan.record.authors,
                old,
                source=plan.record.source,
                external_id=plan.record.external_id,
            )
        else:
            plan.entries = [
                resolver.added_author(
                    author, old, source=plan.record.source, external_id=plan.record.external_id
                )
                for author in plan.record.authors
            ]
    _set_missing_affiliations(plans, institutions, resolver)
    resolver.save()

    rows = _lay_out_bylines(plans, old_bylines, resolver, institutions, result)
    replaced = Authorship.objects.filter(
        work_id__in=[p.work.pk for p in plans if p.takes_byline and not p.is_new],
        pinned=False,  # corrections by an owner or staff stay as they are
    )
    result.touched_researchers.update(replaced.values_list("researcher_id", flat=True))
    replaced.delete()
    # The rows below refer to works that are new or locked by _plan_works, to researchers
    # created by this batch (unseen outside its transaction) and to the rows locked here, so
    # they need no per-row foreign key checks (bzpeer/lib/bulk.py).
    with references_checked(
        (Researcher, {r.researcher.pk for r in rows} - resolver.created),
        (Institution, {i for r in rows for i in r.institutions}),
        (Venue, {p.work.venue_id for p in plans} - {None}),
        (Topic, {topics[(t.scheme, t.code)] for p in plans for t in p.record.topics}),
    ):
        _insert_works([p.work for p in plans if p.is_new])
        bulk_update_rows(Work, [p.work for p in plans if not p.is_new], _WORK_FIELDS)
        _insert_authorships(rows)
        _insert_identifiers(plans, taken)
        _insert_topic_links(plans, topics)
        _remember_sources([(p.record, p.work.pk, None) for p in plans], now)
    result.created += sum(1 for p in plans if p.is_new)
    result.updated += sum(1 for p in plans if not p.is_new)


def _insert_works(works: list[Work]) -> None:
    insert_models(Work, works)


@dataclass(slots=True)
class _Row:
    """An authorship to write."""

    work: Work
    researcher: Researcher
    position: int
    printed_name: str
    institutions: list[int]


def _insert_authorships(rows: list[_Row]) -> None:
    ids = allocate_ids(Authorship, len(rows))
    copy_plain_rows(
        Authorship._meta.db_table,
        ["id", "work_id", "researcher_id", "position", "printed_name", "pinned", "hidden"],
        (
            (pk, r.work.pk, r.researcher.pk, r.position, r.printed_name, False, False)
            for pk, r in zip(ids, rows, strict=True)
        ),
    )
    copy_plain_rows(
        Authorship.institutions.through._meta.db_table,
        ["authorship_id", "institution_id"],
        (
            (pk, inst)
            for pk, r in zip(ids, rows, strict=True)
            for inst in dict.fromkeys(r.institutions)
        ),
    )


def _insert_identifiers(plans: list[_Plan], taken: dict) -> None:
    """Identifiers the works do not have yet; one held by another work stays with that one."""
    wanted = {
        (scheme, value): p.work.pk for p in plans for scheme, value in record_identifiers(p.record)
    }
    copy_rows(
        WorkIdentifier._meta.db_table,
        ["work_id", "scheme", "value"],
        (
            (work_id, scheme, value)
            for (scheme, value), work_id in wanted.items()
            if (scheme, value) not in taken
        ),
    )


def _insert_topic_links(plans: list[_Plan], topics: dict) -> None:
    through = Work.topics.through
    existing = set(
        through.objects.filter(work_id__in=[p.work.pk for p in plans if not p.is_new]).values_list(
            "work_id", "topic_id"
        )
    )
    links = {
        (p.work.pk, topics[(t.scheme, t.code)]) for p in plans for t in p.record.topics
    } - existing
    copy_rows(through._meta.db_table, ["work_id", "topic_id"], sorted(links))


def _bylines(work_ids: list[int]) -> dict[int, list[Authorship]]:
    bylines: dict[int, list[Authorship]] = defaultdict(list)
    rows = Authorship.objects.filter(work_id__in=work_ids).select_related("researcher")
    for authorship in rows.order_by("work_id", "position"):
        bylines[authorship.work_id].append(authorship)
    return bylines


def _lay_out_bylines(plans, old_bylines, resolver, institutions, result) -> list:
    """The authorship rows to write, with their institutions; sets each work's author count.

    A record that brings a full byline replaces the work's byline; a partial record (an ORCID
    work) adds its authors after the existing ones, unless they are already there.
    """
    rows: list[_Row] = []
    for plan in plans:
        before = len(rows)
        old = old_bylines.get(plan.work.pk, []) if not plan.is_new else []
        pinned = [a for a in old if a.pinned]
        taken = {a.position for a in pinned}
        if plan.takes_byline:
            plan.work.byline_source = plan.record.source
            position, skip = 0, {resolver.adopt(a.researcher).pk for a in pinned}
        else:
            position = max((a.position for a in old), default=-1) + 1
            skip = {resolver.adopt(a.researcher).pk for a in old}
        for entry in plan.entries:
            researcher = resolver.final(entry.researcher)
            result.touched_researchers.add(researcher.pk)
            if researcher.pk in skip:
                continue  # already on this work's byline
            skip.add(researcher.pk)
            while position in taken:
                position += 1
            rows.append(
                _Row(
                    plan.work,
                    researcher,
                    position,
                    entry.author.printed_name[:500],
                    [institutions[institution_key(i)] for i in entry.author.institutions],
                )
            )
            position += 1
        written = len(rows) - before
        plan.work.authors_count = (
            written + len(pinned) if plan.takes_byline else max(plan.work.authors_count, position)
        )
    return rows


def _set_missing_affiliations(plans: list[_Plan], institutions: dict, resolver) -> None:
    """A researcher with no affiliation takes the first institution printed on their works.

    Call before ``resolver.save()``: new researchers get it as they are inserted.
    """
    updates: dict[int, int] = {}
    for plan in plans:
        for entry in plan.entries:
            researcher = resolver.final(entry.researcher)
            if entry.author.institutions and researcher.institution_id is None:
                first = institutions[institution_key(entry.author.institutions[0])]
                if researcher.pk is None:
                    researcher.institution_id = first
                else:
                    updates.setdefault(researcher.pk, first)
    if updates:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE profiles_researcher r SET institution_id = v.institution_id "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, institution_id) "
                "WHERE r.id = v.id AND r.institution_id IS NULL",
                [list(updates), list(updates.values())],
            )


def _summary(record: Record) -> dict:
    """What a source record says, for the provenance list on a work's page."""
    if isinstance(record, ResearcherRecord):
        return {"name": record.display_name}
    return {
        "title": record.title,
        "kind": record.kind,
        "year": record.publication_year,
        "venue": record.venue.name if record.venue else "",
        "ids": sorted(f"{scheme}:{value}" for scheme, value in record_identifiers(record)),
        "version": record.arxiv_version,
        "authors": len(record.authors),
        "complete_byline": record.byline_complete,
    }


def _remember_sources(rows: list[tuple[Record, int | None, int | None]], now) -> None:
    """Keep each record's hash and summary: COPY for new records, UPDATE for changed ones."""
    stored = _stored_hashes([record for record, _, _ in rows])
    fresh = [row for row in rows if (row[0].source, row[0].external_id) not in stored]
    seen = [row for row in rows if (row[0].source, row[0].external_id) in stored]
    copy_rows(
        SourceRecord._meta.db_table,
        [
            "source",
            "external_id",
            "content_hash",
            "work_id",
            "researcher_id",
            "summary",
            "imported_at",
        ],
        (
            (
                r.source,
                r.external_id,
                r.content_hash,
                work_id,
                researcher_id,
                Jsonb(_summary(r)),
                now,
            )
            for r, work_id, researcher_id in fresh
        ),
    )
    if seen:
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE works_sourcerecord SET content_hash = %s, work_id = %s, "
                "researcher_id = %s, summary = %s, imported_at = %s "
                "WHERE source = %s AND external_id = %s",
                [
                    (
                        r.content_hash,
                        work_id,
                        researcher_id,
                        Jsonb(_summary(r)),
                        now,
                        r.source,
                        r.external_id,
                    )
                    for r, work_id, researcher_id in seen
                ],
            )


# Person records (OpenAlex Authors, ORCID persons) ---------------------------------------------


def _import_people(items: list[tuple[int, ResearcherRecord]], result: BatchResult) -> None:
    now = timezone.now()
    institutions = _upsert_institutions([r.institution for _, r in items if r.institution])
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
            researcher.institution_id = institutions[institution_key(record.institution)]
        resolver.mark_changed(researcher)
        resolved.append((record, researcher, is_new))
    resolver.save()
    _remember_sources([(record, None, researcher.pk) for record, researcher, _ in resolved], now)
    for _, researcher, is_new in resolved:
        result.touched_researchers.add(researcher.pk)
        if is_new:
            result.created += 1
        else:
            result.updated += 1
