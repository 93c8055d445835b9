"""Writing a batch's works and what hangs off them, with COPY wherever rows are new.

The caller holds ``references_checked`` (bzpeer/lib/bulk.py) for the rows referred to, so the
writes here skip PostgreSQL's per-row foreign key checks.
"""

from dataclasses import dataclass

from bzpeer.lib.bulk import (
    allocate_ids,
    bulk_update_rows,
    copy_plain_rows,
    copy_rows,
    insert_models,
)
from works.attribution.index import AnyResearcher
from works.importing.matching import WorkPlan, record_identifiers
from works.models import Authorship, Work, WorkIdentifier

_WORK_FIELDS = [
    "title",
    "title_key",
    "abstract",
    "kind",
    "publication_date",
    "publication_year",
    "first_posted",
    "arxiv_version",
    "last_revised",
    "venue",
    "journal_ref",
    "authors_count",
    "sources",
    "primary_source",
    "byline_source",
]


def insert_works(works: list[Work]) -> None:
    insert_models(Work, works)


def update_works(works: list[Work]) -> None:
    bulk_update_rows(Work, works, _WORK_FIELDS)


@dataclass(slots=True)
class AuthorshipRow:
    """An authorship to write."""

    work: Work
    researcher: AnyResearcher
    position: int
    printed_name: str
    institutions: list[int]


def insert_authorships(rows: list[AuthorshipRow]) -> None:
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


def insert_identifiers(plans: list[WorkPlan], taken: dict[tuple[str, str], int]) -> None:
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


def insert_topic_links(plans: list[WorkPlan], topics: dict[tuple[str, str], int]) -> None:
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
