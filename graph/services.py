"""Building and keeping research graph slices: reads the neighbourhood, stores the result.

A build reads only the researcher's own works, their coauthors, topics and institutions, and
a few recent works of the closest collaborators: never the whole graph.
"""

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from graph import metrics
from graph.models import GraphSlice
from profiles.models import Researcher
from works.models import Authorship, Work

ADJACENT_CANDIDATES = 200
# The first key of the slices' build locks (PostgreSQL advisory locks): "gs".
BUILD_LOCK_SPACE = 0x6773


def neighbourhood(researcher: Researcher) -> metrics.Neighbourhood:
    """The rows a slice is built from, in a handful of bounded queries."""
    mine = Authorship.objects.filter(researcher=researcher, hidden=False)
    works = [
        metrics.WorkRow(
            id=w, title=t, year=y, authors_count=n, url=reverse("works:work-detail", args=[p])
        )
        for w, t, y, n, p in mine.values_list(
            "work_id",
            "work__title",
            "work__publication_year",
            "work__authors_count",
            "work__public_id",
        )
    ]
    bylines = list(
        Authorship.objects.filter(
            work__in=mine.filter(work__authors_count__lte=metrics.MAX_BYLINE).values("work_id"),
            hidden=False,
        )
        .exclude(researcher=researcher)
        .values_list("work_id", "researcher_id")
    )
    ids = {person for _, person in bylines}
    people = {
        pk: metrics.Person(
            pk, name, reverse("pages:researcher-detail", args=[slug]), inst, inst_name or ""
        )
        for pk, name, slug, inst, inst_name in Researcher.objects.filter(id__in=ids).values_list(
            "id", "display_name", "slug", "institution_id", "institution__name"
        )
    }
    topics = _one_topic_per_name(
        Work.topics.through.objects.filter(work__in=mine.values("work_id")).values_list(
            "work_id", "topic_id", "topic__name"
        )
    )
    me = metrics.Person(
        researcher.id,
        researcher.display_name,
        researcher.get_absolute_url(),
        researcher.institution_id,
        researcher.institution.name if researcher.institution is not None else "",
    )
    return metrics.Neighbourhood(
        me=me,
        works=works,
        bylines=bylines,
        people=people,
        topics=topics,
        capped_works=sum(1 for w in works if w.authors_count > metrics.MAX_BYLINE),
    )


def _one_topic_per_name(rows: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """(work, topic, name) rows with one topic id per name: two schemes' topics of one name
    (arXiv's cs.LG and stat.ML, both "Machine Learning") are one topic to a reader."""
    rows = sorted(rows, key=lambda row: (row[1], row[0]))
    first: dict[str, int] = {}
    for _, topic, name in rows:
        first.setdefault(name, topic)
    return list(dict.fromkeys((work, first[name], name) for work, _, name in rows))


def _adjacent(hood: metrics.Neighbourhood) -> list:
    """Recent works of the closest collaborators, on the researcher's topics."""
    closest = [t.person.id for t in metrics.ties(hood)[: metrics.MAX_COLLABORATORS]]
    topic_by_name = {name: topic for _, topic, name in hood.topics}
    if not closest or not topic_by_name:
        return []
    rows = (
        Authorship.objects.filter(
            researcher_id__in=closest, hidden=False, work__topics__name__in=list(topic_by_name)
        )
        .exclude(work__authorships__researcher_id=hood.me.id)
        .order_by(F("work__publication_year").desc(nulls_last=True), "work_id")
        .values_list(
            "work_id",
            "work__title",
            "work__publication_year",
            "work__authors_count",
            "work__public_id",
            "researcher_id",
            "work__topics__name",
        )[:ADJACENT_CANDIDATES]
    )
    return [
        (metrics.WorkRow(w, t, y, n, f"/works/{p}/"), person, topic_by_name[name])
        for w, t, y, n, p, person, name in rows
        if name in topic_by_name
    ]


def slice_build(*, researcher_id: int) -> GraphSlice | None:
    """Build one researcher's slice, unless it is built already. Never runs twice at once
    for one researcher: a build holds the slice's build lock, and a second caller returns
    None. A build whose worker died (killed, or lost its connection) holds no lock any more,
    so the next call, such as the task's redelivery, takes its slice over and builds it."""
    graph_slice, _ = GraphSlice.objects.get_or_create(researcher_id=researcher_id)
    with _build_lock(graph_slice.pk) as held:
        if not held:
            return None
        unbuilt = Q(
            state__in=[
                GraphSlice.State.PENDING,
                GraphSlice.State.STALE,
                GraphSlice.State.FAILED,
                GraphSlice.State.BUILDING,  # by a builder that died: nobody holds its lock
            ]
        )
        claimed = GraphSlice.objects.filter(Q(pk=graph_slice.pk) & unbuilt).update(
            state=GraphSlice.State.BUILDING, started_at=timezone.now()
        )
        if not claimed:
            return None
        return _build(graph_slice.pk, researcher_id)


@contextmanager
def _build_lock(slice_id: int) -> Iterator[bool]:
    """A session-level advisory lock on the slice for the length of a build; yields whether
    it was taken. PostgreSQL drops it with the connection, so a dead builder keeps none."""
    key = [BUILD_LOCK_SPACE, slice_id % 2**31]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
            except DatabaseError:
                pass  # the connection is gone, and the lock with it


def _build(slice_id: int, researcher_id: int) -> GraphSlice:
    started = time.perf_counter()
    try:
        researcher = Researcher.objects.select_related("institution").get(pk=researcher_id)
        hood = neighbourhood(researcher)
        hood.adjacent = _adjacent(hood)
        result = metrics.build(hood)
    except Exception as exc:
        GraphSlice.objects.filter(pk=slice_id).update(
            state=GraphSlice.State.FAILED, error=f"{exc.__class__.__name__}: {exc}"[:2000]
        )
        raise
    return _store(slice_id, researcher_id, result, time.perf_counter() - started)


@transaction.atomic
def _store(slice_id: int, researcher_id: int, result: dict, seconds: float) -> GraphSlice:
    content = {
        "nodes": result["nodes"],
        "edges": result["edges"],
        "summary": result["summary"],
        "version": F("version") + 1,
        "built_at": timezone.now(),
        "build_seconds": round(seconds, 3),
        "error": "",
    }
    # Ready, unless the works changed while it was building: then it stays stale, with this
    # build shown until the next one.
    if not GraphSlice.objects.filter(pk=slice_id, state=GraphSlice.State.BUILDING).update(
        state=GraphSlice.State.READY, **content
    ):
        GraphSlice.objects.filter(pk=slice_id).update(**content)
    Researcher.objects.filter(pk=researcher_id).update(
        close_collaborators_count=result["summary"]["close_count"]
    )
    return GraphSlice.objects.get(pk=slice_id)


_MARK_STALE_SQL = """
INSERT INTO {table} (researcher_id, state, version, nodes, edges, summary, error, requested_at)
SELECT id, %(pending)s, 0, '[]', '[]', '{{}}', '', now() FROM unnest(%(ids)s::bigint[]) AS id
ON CONFLICT (researcher_id) DO UPDATE SET state = %(stale)s, requested_at = now()
WHERE {table}.state = ANY(%(built)s)
"""


def slices_mark_stale(*, researcher_ids) -> None:
    """Their works changed: existing slices are out of date, missing ones are wanted.
    One set-based statement, so an import can call it for every batch; the periodic
    dispatcher (graph.tasks.slices_dispatch) does the building, once per slice however many
    changes. A slice already waiting keeps its place in the queue."""
    ids = sorted(set(researcher_ids))
    if not ids:
        return
    State = GraphSlice.State
    with connection.cursor() as cursor:
        cursor.execute(
            _MARK_STALE_SQL.format(table=GraphSlice._meta.db_table),
            {
                "ids": ids,
                "pending": State.PENDING.value,
                "stale": State.STALE.value,
                "built": [State.READY.value, State.FAILED.value, State.BUILDING.value],
            },
        )


def slice_retry(*, graph_slice: GraphSlice) -> None:
    """A failed build is asked for again; the dispatcher picks it up."""
    GraphSlice.objects.filter(pk=graph_slice.pk, state=GraphSlice.State.FAILED).update(
        state=GraphSlice.State.PENDING, requested_at=timezone.now()
    )
