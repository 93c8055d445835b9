"""A work's byline: the authorship rows a batch writes, and the affiliations they give.

A record that brings a full byline replaces the work's byline; a partial record (an ORCID
work) adds its authors after the existing ones, unless they are already there. Authorships
pinned by an owner or staff stay as they are.
"""

from collections import defaultdict

from django.db import connection

from profiles.models import Researcher
from works.attribution.resolver import Resolver
from works.importing.matching import WorkPlan
from works.importing.persist import AuthorshipRow
from works.importing.reference import Key, reference_key
from works.models import Authorship


def stored_bylines(work_ids: list[int]) -> dict[int, list[Authorship]]:
    """The authorships of each work, in byline order, with their researchers."""
    bylines: dict[int, list[Authorship]] = defaultdict(list)
    rows = Authorship.objects.filter(work_id__in=work_ids).select_related("researcher")
    for authorship in rows.order_by("work_id", "position"):
        bylines[authorship.work_id].append(authorship)
    return bylines


def lay_out_bylines(
    plans: list[WorkPlan],
    old_bylines: dict[int, list[Authorship]],
    resolver: Resolver,
    institutions: dict[Key, int],
    touched: set[int],
) -> list[AuthorshipRow]:
    """The authorship rows to write, with their institutions; sets each work's author count
    and adds every researcher on the bylines to ``touched``."""
    rows: list[AuthorshipRow] = []
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
            touched.add(researcher.pk)
            if researcher.pk in skip:
                continue  # already on this work's byline
            skip.add(researcher.pk)
            while position in taken:
                position += 1
            rows.append(
                AuthorshipRow(
                    plan.work,
                    researcher,
                    position,
                    entry.author.printed_name[:500],
                    [institutions[reference_key(i)] for i in entry.author.institutions],
                )
            )
            position += 1
        written = len(rows) - before
        plan.work.authors_count = (
            written + len(pinned) if plan.takes_byline else max(plan.work.authors_count, position)
        )
    return rows


def set_missing_affiliations(
    plans: list[WorkPlan], institutions: dict[Key, int], resolver: Resolver
) -> None:
    """A researcher with no affiliation takes the first institution printed on their works.

    Call before ``resolver.save()``: new researchers get it as they are inserted, and the
    stored ones the resolver writes back (an identifier this record adds) keep it, since
    it is set on the very object the resolver saves.
    """
    updates: dict[int, int] = {}
    for plan in plans:
        for entry in plan.entries:
            researcher = resolver.final(entry.researcher)
            if entry.author.institutions and researcher.institution_id is None:
                first = institutions[reference_key(entry.author.institutions[0])]
                researcher.institution_id = first
                if researcher.pk is not None:
                    updates[researcher.pk] = first
    if updates:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Researcher._meta.db_table} r SET institution_id = v.institution_id "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, institution_id) "
                "WHERE r.id = v.id AND r.institution_id IS NULL",
                [list(updates), list(updates.values())],
            )
