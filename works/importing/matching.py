"""Finding the stored work each record of a batch describes, and planning what to do with it.

A work is found again by any of its identifiers (DOI, arXiv ID, OpenAlex ID), failing those by
its normalised title with its year and first author.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypedDict

from django.db import connection

from bzpeer.lib.names import parse_name, title_key
from profiles.models import Researcher
from works.attribution.resolver import Entry
from works.importing.merge import takes_byline, takes_metadata
from works.models import Authorship, Work, WorkIdentifier
from works.sources.records import WorkRecord

# A preprint and its published version may be a few years apart; two records of one
# published work at most a year (online first, then in an issue).
YEAR_SLACK = 1
PREPRINT_YEAR_SLACK = 3


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
                f"SELECT value, work_id FROM {WorkIdentifier._meta.db_table} "  # noqa: S608
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


_TITLE_SQL = f"""
SELECT DISTINCT ON (w.id) w.id, w.title_key, w.publication_year, w.kind, r.display_name
FROM {Work._meta.db_table} w
LEFT JOIN {Authorship._meta.db_table} a ON a.work_id = w.id
LEFT JOIN {Researcher._meta.db_table} r ON r.id = a.researcher_id
WHERE w.title_key = ANY(%s)
ORDER BY w.id, a.position
"""  # noqa: S608 (the models' tables)


class _Candidate(TypedDict):
    """A stored work that may be the record's, as _TITLE_SQL reads it."""

    id: int
    publication_year: int | None
    kind: str
    first_family: str


def _works_by_title(records: list[WorkRecord]) -> dict[str, list[_Candidate]]:
    """Stored works sharing a normalised title with a record, with year and first author."""
    keys = sorted({title_key(r.title) for r in records})
    candidates: dict[str, list[_Candidate]] = defaultdict(list)
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


def _same_work_by_title(record: WorkRecord, candidate: _Candidate) -> bool:
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
class WorkPlan:
    """What a batch does with one work record, filled in step by step."""

    record: WorkRecord
    work: Work
    is_new: bool
    takes_metadata: bool
    takes_byline: bool
    entries: list[Entry] = field(default_factory=list)


def plan_works(
    items: list[tuple[int, WorkRecord]], deferred: list[int]
) -> tuple[list[WorkPlan], dict[tuple[str, str], int]]:
    """What to do with each work record, and the identifiers already held by stored works.

    Locks the stored works found. The index of a record that may be the same work as an
    earlier record of the batch is appended to ``deferred`` instead of being planned.
    """
    records = [r for _, r in items]
    by_id = _works_by_identifier(records)
    by_title = _works_by_title([r for r in records if not record_identifiers(r) & by_id.keys()])
    matched_ids = set(by_id.values()) | {c["id"] for cs in by_title.values() for c in cs}
    works = {
        w.pk: w for w in Work.objects.filter(pk__in=matched_ids).select_for_update(of=("self",))
    }
    plans: list[WorkPlan] = []
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
            deferred.append(index)  # another record of this batch may be the same work
            continue
        batch_ids |= ids
        batch_titles.add(key)
        if work_ids:
            work, is_new = works[work_ids[0]], False
            batch_works.add(work.pk)
        else:
            work, is_new = Work(sources=[]), True
        plans.append(
            WorkPlan(
                record=record,
                work=work,
                is_new=is_new,
                takes_metadata=is_new or takes_metadata(record, work),
                takes_byline=takes_byline(record, work, is_new=is_new),
            )
        )
    return plans, by_id
