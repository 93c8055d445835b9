"""Writing imported records: batched upserts keyed on persistent identifiers.

``records_import`` takes a batch of mapped records (works/mappers.py) and writes them with a
handful of set-based queries, so an import runs at bulk speed and a second run of the same
file changes nothing (each record's content hash is remembered in SourceRecord).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from bzpeer.lib.names import name_key
from profiles.models import Institution, Researcher
from profiles.services import unique_slugs
from works.models import Authorship, SourceRecord, Topic, Venue, Work
from works.sources.records import (
    AuthorRecord,
    InstitutionRecord,
    ResearcherRecord,
    TopicRecord,
    VenueRecord,
    WorkRecord,
)

Record = WorkRecord | ResearcherRecord


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    touched_researchers: set[int] = field(default_factory=set)
    deferred: list[int] = field(default_factory=list)  # indexes to retry in a later batch


@transaction.atomic
def records_import(*, records: list[Record]) -> BatchResult:
    """Upsert a batch of records, all or nothing.

    Records whose identifiers collide with another record of the same batch come back in
    ``deferred`` for the caller to send again, so each batch sees a consistent database.
    """
    result = BatchResult()
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
        _import_works(works, stored, result)
    if people:
        _import_researchers(people, stored, result)
    return result


def _stored_hashes(records: list[Record]) -> dict[tuple[str, str], str]:
    by_source: dict[str, list[str]] = defaultdict(list)
    for record in records:
        by_source[record.source].append(record.external_id)
    stored = {}
    for source, ids in by_source.items():
        rows = SourceRecord.objects.filter(source=source, external_id__in=ids)
        for ext_id, content_hash in rows.values_list("external_id", "content_hash"):
            stored[(source, ext_id)] = content_hash
    return stored


# Reference data: institutions, venues, topics -------------------------------------------------


def _institution_key(record: InstitutionRecord):
    return record.openalex_id or ("name", record.name)


def _upsert_institutions(records: list[InstitutionRecord]) -> dict:
    unique = {_institution_key(r): r for r in records}
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


def _upsert_venues(records: list[VenueRecord]) -> dict:
    unique = {r.openalex_id or ("name", r.name): r for r in records}
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


# Researchers ---------------------------------------------------------------------------------


class _People:
    """Resolves authors to researchers: by OpenAlex ID, then ORCID iD, then exact name key.

    Name-key matching applies only to authors that carry no identifier, and picks the oldest
    researcher with that key; an author who carries identifiers never matches by name alone.
    """

    def __init__(self, authors: list[AuthorRecord | ResearcherRecord]):
        openalex_ids = {a.openalex_id for a in authors if a.openalex_id}
        orcids = {a.orcid for a in authors if a.orcid}
        keys = {name_key(a.display_name) for a in authors if not (a.openalex_id or a.orcid)}
        self.by_openalex: dict[str, Researcher] = {}
        self.by_orcid: dict[str, Researcher] = {}
        self.by_key: dict[str, Researcher] = {}
        query = Researcher.objects.filter(openalex_id__in=openalex_ids) | Researcher.objects.filter(
            orcid__in=orcids
        )
        for researcher in query:
            self._remember(researcher)
        for researcher in Researcher.objects.filter(name_key__in=keys).order_by("-id"):
            self.by_key[researcher.name_key] = researcher  # oldest wins: ordered newest first
        self.new: list[Researcher] = []
        self.changed: dict[int, Researcher] = {}

    def _remember(self, researcher: Researcher) -> None:
        if researcher.openalex_id:
            self.by_openalex[researcher.openalex_id] = researcher
        if researcher.orcid:
            self.by_orcid[researcher.orcid] = researcher

    def find(self, author) -> Researcher | None:
        if author.openalex_id and author.openalex_id in self.by_openalex:
            return self.by_openalex[author.openalex_id]
        if author.orcid and author.orcid in self.by_orcid:
            return self.by_orcid[author.orcid]
        if not (author.openalex_id or author.orcid):
            return self.by_key.get(name_key(author.display_name))
        return None

    def resolve(self, author, source: str, *, new_person: bool = False) -> Researcher:
        """The researcher for ``author``, created (unsaved) if unknown; ids filled in."""
        researcher = None if new_person else self.find(author)
        if researcher is None:
            researcher = Researcher(
                display_name=author.display_name[:255],
                name_key=name_key(author.display_name),
                orcid=author.orcid,
                openalex_id=author.openalex_id,
                sources=[source],
            )
            self.new.append(researcher)
            self._remember(researcher)
            if not (author.openalex_id or author.orcid) and not new_person:
                self.by_key.setdefault(researcher.name_key, researcher)
            return researcher
        changed = False
        if author.openalex_id and not researcher.openalex_id:
            if author.openalex_id not in self.by_openalex:
                researcher.openalex_id = author.openalex_id
                changed = True
        if author.orcid and not researcher.orcid and author.orcid not in self.by_orcid:
            researcher.orcid = author.orcid
            changed = True
        if source not in researcher.sources:
            researcher.sources = [*researcher.sources, source]
            changed = True
        if changed:
            self._remember(researcher)
            if researcher.pk:
                self.changed[researcher.pk] = researcher
        return researcher

    def save(self) -> None:
        for researcher, slug in zip(
            self.new, unique_slugs([r.display_name for r in self.new]), strict=True
        ):
            researcher.slug = slug
        Researcher.objects.bulk_create(self.new)
        if self.changed:
            Researcher.objects.bulk_update(
                list(self.changed.values()),
                ["openalex_id", "orcid", "sources", "display_name", "other_names", "institution"],
            )


# Works ---------------------------------------------------------------------------------------

_WORK_FIELDS = [
    "title",
    "abstract",
    "kind",
    "publication_date",
    "publication_year",
    "first_posted",
    "doi",
    "arxiv_id",
    "arxiv_version",
    "openalex_id",
    "venue",
    "journal_ref",
    "authors_count",
    "sources",
]


def _import_works(items: list[tuple[int, WorkRecord]], stored: dict, result: BatchResult) -> None:
    now = timezone.now()
    institutions = _upsert_institutions(
        [inst for _, r in items for a in r.authors for inst in a.institutions]
    )
    venues = _upsert_venues([r.venue for _, r in items if r.venue])
    topics = _upsert_topics([t for _, r in items for t in r.topics])

    existing = _existing_works([r for _, r in items])
    batch_ids: set[tuple[str, str]] = set()
    batch_works: set[int] = set()
    plans: list[tuple[WorkRecord, Work, bool]] = []
    for index, record in items:
        matches = {key: existing[key] for key in _work_ids(record) if key in existing}
        work = matches[min(matches)] if matches else None
        if _work_ids(record) & batch_ids or (work is not None and work.pk in batch_works):
            result.deferred.append(index)  # another record of this batch is the same work
            continue
        for key, other in matches.items():
            if other.pk != work.pk:
                # A different stored work holds this identifier already: it stays there.
                record = _without_identifier(record, _ID_FIELDS[key[0]])
        is_new = work is None
        if is_new:
            work = Work(sources=[])
        else:
            batch_works.add(work.pk)
        batch_ids.update(_work_ids(record))
        _apply(work, record, venues)
        plans.append((record, work, is_new))

    Work.objects.bulk_create([w for _, w, new in plans if new])
    changed = [w for _, w, new in plans if not new]
    if changed:
        Work.objects.bulk_update(changed, _WORK_FIELDS)

    work_ids = [w.pk for _, w, _ in plans]
    old_authors = Authorship.objects.filter(work_id__in=work_ids)
    result.touched_researchers.update(old_authors.values_list("researcher_id", flat=True))
    old_authors.delete()
    Work.topics.through.objects.filter(work_id__in=work_ids).delete()

    people = _People([a for r, _, _ in plans for a in r.authors])
    bylines: list[tuple[Work, list[tuple[AuthorRecord, Researcher]]]] = []
    for record, work, _ in plans:
        byline = []
        on_this_work: set[int] = set()
        for author in record.authors:
            researcher = people.resolve(author, record.source)
            if id(researcher) in on_this_work:
                if author.openalex_id or author.orcid:
                    continue  # the same identified person listed twice: keep the first
                # Two namesakes on one paper are two people.
                researcher = people.resolve(author, record.source, new_person=True)
            on_this_work.add(id(researcher))
            byline.append((author, researcher))
        bylines.append((work, byline))
    people.save()

    authorships = []
    links = []
    for work, byline in bylines:
        for position, (author, researcher) in enumerate(byline):
            authorship = Authorship(
                work=work,
                researcher=researcher,
                position=position,
                printed_name=author.printed_name[:500],
            )
            authorships.append(authorship)
            links.extend(
                (authorship, institutions[_institution_key(i)]) for i in author.institutions
            )
            result.touched_researchers.add(researcher.pk)
    Authorship.objects.bulk_create(authorships)
    Authorship.institutions.through.objects.bulk_create(
        [
            Authorship.institutions.through(authorship_id=a.pk, institution_id=inst)
            for a, inst in links
        ],
        ignore_conflicts=True,
    )
    Work.topics.through.objects.bulk_create(
        [
            Work.topics.through(work_id=work.pk, topic_id=topics[(t.scheme, t.code)])
            for record, work, _ in plans
            for t in record.topics
        ],
        ignore_conflicts=True,
    )
    _set_missing_affiliations(bylines, institutions)
    _remember_sources([(record, work.pk, None) for record, work, _ in plans], now)
    result.created += sum(1 for _, _, is_new in plans if is_new)
    result.updated += sum(1 for _, _, is_new in plans if not is_new)


_ID_FIELDS = {"doi": "doi", "arxiv": "arxiv_id", "openalex": "openalex_id"}


def _work_ids(work: WorkRecord | Work) -> set[tuple[str, str]]:
    """The persistent identifiers of a record or a stored work, as (kind, value) pairs."""
    return {(kind, value) for kind, name in _ID_FIELDS.items() if (value := getattr(work, name))}


def _without_identifier(record: WorkRecord, name: str) -> WorkRecord:
    values = {f: getattr(record, f) for f in record.__dataclass_fields__}
    values[name] = None
    return WorkRecord(**values)


def _existing_works(records: list[WorkRecord]) -> dict[tuple[str, str], Work]:
    dois = [r.doi for r in records if r.doi]
    arxiv = [r.arxiv_id for r in records if r.arxiv_id]
    openalex = [r.openalex_id for r in records if r.openalex_id]
    query = (
        Work.objects.filter(doi__in=dois)
        | Work.objects.filter(arxiv_id__in=arxiv)
        | Work.objects.filter(openalex_id__in=openalex)
    )
    found: dict[tuple[str, str], Work] = {}
    for work in query.select_for_update(of=("self",)):
        for key in _work_ids(work):
            found[key] = work
    return found


def _apply(work: Work, record: WorkRecord, venues: dict) -> None:
    work.title = record.title
    work.abstract = record.abstract or work.abstract
    work.kind = record.kind
    work.publication_date = record.publication_date
    work.publication_year = record.publication_year
    work.first_posted = record.first_posted or work.first_posted
    # Identifiers are added, never replaced: a work keeps every id it was ever known by.
    work.doi = work.doi or record.doi
    work.arxiv_id = work.arxiv_id or record.arxiv_id
    work.arxiv_version = record.arxiv_version or work.arxiv_version
    work.openalex_id = work.openalex_id or record.openalex_id
    if record.venue:
        work.venue_id = venues[record.venue.openalex_id or ("name", record.venue.name)]
    work.journal_ref = record.journal_ref or work.journal_ref
    work.authors_count = len(record.authors)
    if record.source not in work.sources:
        work.sources = [*work.sources, record.source]


def _set_missing_affiliations(bylines, institutions: dict) -> None:
    """A researcher with no affiliation takes the first institution printed on their works."""
    updates: dict[int, int] = {}
    for _work, byline in bylines:
        for author, researcher in byline:
            if researcher.institution_id is None and author.institutions:
                updates.setdefault(
                    researcher.pk, institutions[_institution_key(author.institutions[0])]
                )
    for pk, institution_id in updates.items():
        Researcher.objects.filter(pk=pk, institution__isnull=True).update(
            institution_id=institution_id
        )


def _remember_sources(rows: list[tuple[Record, int | None, int | None]], now) -> None:
    SourceRecord.objects.bulk_create(
        [
            SourceRecord(
                source=record.source,
                external_id=record.external_id,
                content_hash=record.content_hash,
                work_id=work_id,
                researcher_id=researcher_id,
                imported_at=now,
            )
            for record, work_id, researcher_id in rows
        ],
        update_conflicts=True,
        unique_fields=["source", "external_id"],
        update_fields=["content_hash", "work", "researcher", "imported_at"],
    )


# Researcher records (OpenAlex Authors) ------------------------------------------------------


def _import_researchers(
    items: list[tuple[int, ResearcherRecord]], stored: dict, result: BatchResult
) -> None:
    now = timezone.now()
    institutions = _upsert_institutions([r.institution for _, r in items if r.institution])
    people = _People([r for _, r in items])
    resolved = []
    for _, record in items:
        is_new = people.find(record) is None
        researcher = people.resolve(record, record.source)
        researcher.display_name = record.display_name[:255]
        researcher.name_key = name_key(record.display_name)
        researcher.other_names = list(record.other_names)
        if record.institution:
            researcher.institution_id = institutions[_institution_key(record.institution)]
        if researcher.pk:
            people.changed[researcher.pk] = researcher
        resolved.append((record, researcher, is_new))
    people.save()
    _remember_sources([(record, None, researcher.pk) for record, researcher, _ in resolved], now)
    for _, researcher, is_new in resolved:
        result.touched_researchers.add(researcher.pk)
        if is_new:
            result.created += 1
        else:
            result.updated += 1
