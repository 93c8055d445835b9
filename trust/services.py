"""Researchers' counts and trust: recomputed in chunks of raw SQL, marked stale when something
that feeds them changes (profiles.services), and caught up by the periodic task.

The SQL names every table through its model and every status through its enum, so a renamed
table or value breaks here loudly rather than silently counting nothing."""

from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from bzpeer.lib.bulk import copy_rows
from claims.models import Report
from graph.services import slices_mark_stale
from profiles import trust
from profiles.models import Follow, Researcher
from trust.models import TrustHistory
from works.models import Authorship, Topic, Work, WorkIdentifier

REFRESH_CHUNK = 2000


TOP_TOPICS = 5

# The tables and values the SQL below reads, named through the models that own them.
_NAMES = {
    "authorship": Authorship._meta.db_table,
    "work": Work._meta.db_table,
    "identifier": WorkIdentifier._meta.db_table,
    "work_topics": Work.topics.through._meta.db_table,
    "topic": Topic._meta.db_table,
    "follow": Follow._meta.db_table,
    "researcher": Researcher._meta.db_table,
    "report": Report._meta.db_table,
    "proven": 2,  # claim_level of a claim with proof (Researcher.claim_level)
}


def researcher_refresh_stats(*, researcher_ids: Iterable[int], event: str = "") -> int:
    """Recount the stored counts and recompute the trust snapshot of these researchers.

    Set-based: a few queries per 500 researchers, whatever their size. Safe to run twice.
    Returns the number of researchers refreshed.
    """
    ids = sorted(set(researcher_ids))
    for start in range(0, len(ids), REFRESH_CHUNK):
        _refresh_chunk(ids[start : start + REFRESH_CHUNK], event)
    return len(ids)


_WORKS_SQL = """
SELECT a.researcher_id,
       COUNT(*),
       COUNT(*) FILTER (
           WHERE EXISTS (SELECT 1 FROM {identifier} i WHERE i.work_id = a.work_id)
       ),
       COUNT(*) FILTER (WHERE cardinality(w.sources) >= 2),
       MIN(w.publication_year),
       MAX(w.publication_year)
FROM {authorship} a JOIN {work} w ON w.id = a.work_id
WHERE a.researcher_id = ANY(%(ids)s) AND NOT a.hidden
GROUP BY a.researcher_id
""".format(**_NAMES)  # noqa: S608 (names from the models)


# Topics by name: two schemes' topics of one name (arXiv's cs.LG and stat.ML are both
# "Machine Learning") are one topic to a reader, counted once, with the works of either.
_TOPICS_SQL = """
SELECT a.researcher_id, t.name, COUNT(DISTINCT a.work_id) AS n
FROM {authorship} a
JOIN {work_topics} wt ON wt.work_id = a.work_id
JOIN {topic} t ON t.id = wt.topic_id
WHERE a.researcher_id = ANY(%(ids)s) AND NOT a.hidden
GROUP BY a.researcher_id, t.name
ORDER BY a.researcher_id, n DESC, t.name
""".format(**_NAMES)  # noqa: S608 (names from the models)


_FOLLOWERS_SQL = """
SELECT f.researcher_id, COUNT(DISTINCT f.user_id)
FROM {follow} f
WHERE f.researcher_id = ANY(%(ids)s)
  AND EXISTS (SELECT 1 FROM {researcher} o WHERE o.owner_id = f.user_id
              AND o.claim_level >= {proven})
GROUP BY f.researcher_id
""".format(**_NAMES)  # noqa: S608 (names from the models)


_REPORTS_SQL = """
SELECT researcher_id, COUNT(*) FROM {report}
WHERE researcher_id = ANY(%(ids)s) AND status = '{upheld}'
  AND kind IN ('{not_me}', '{not_their_work}')
GROUP BY researcher_id
""".format(
    **_NAMES,
    upheld=Report.Status.UPHELD,
    not_me=Report.Kind.NOT_ME,
    not_their_work=Report.Kind.NOT_THEIR_WORK,
)


_NEAR_VERIFIED_SQL = """
SELECT DISTINCT a.researcher_id
FROM {authorship} a
JOIN {authorship} b ON b.work_id = a.work_id AND b.researcher_id <> a.researcher_id
JOIN {researcher} v ON v.id = b.researcher_id AND v.claim_level >= {proven}
WHERE a.researcher_id = ANY(%(ids)s) AND NOT a.hidden AND NOT b.hidden
""".format(**_NAMES)  # noqa: S608 (names from the models)


_TIES_SQL = """
SELECT a.researcher_id, x.researcher_id, y.researcher_id, SUM(1.0 / (w.authors_count - 1))
FROM {authorship} a
JOIN {work} w ON w.id = a.work_id AND w.authors_count BETWEEN 2 AND 100
JOIN {authorship} x ON x.work_id = a.work_id AND NOT x.hidden
JOIN {authorship} y ON y.work_id = a.work_id AND NOT y.hidden
     AND x.researcher_id < y.researcher_id
WHERE a.researcher_id = ANY(%(ids)s) AND NOT a.hidden
GROUP BY a.researcher_id, x.researcher_id, y.researcher_id
""".format(**_NAMES)  # noqa: S608 (names from the models)


def _network_trust(cursor, researcher_ids: list[int]) -> dict[int, float]:
    """The network trust of each of these researchers, in two queries for them all."""
    if not researcher_ids:
        return {}
    cursor.execute(_TIES_SQL, {"ids": researcher_ids})
    ties: dict[int, list[tuple[int, int, float]]] = {pk: [] for pk in researcher_ids}
    for researcher_id, a, b, weight in cursor.fetchall():
        ties[researcher_id].append((a, b, float(weight)))
    people = {p for links in ties.values() for a, b, _ in links for p in (a, b)}
    verified = set(
        Researcher.objects.filter(pk__in=people, claim_level__gte=_NAMES["proven"]).values_list(
            "pk", flat=True
        )
    )
    return {pk: trust.network_trust(pk, links, verified) for pk, links in ties.items()}


@transaction.atomic
def _refresh_chunk(ids: list[int], event: str = "") -> None:
    """A few aggregate queries in, one COPY and one UPDATE out, for up to REFRESH_CHUNK
    people; trust history for those whose score or level moved.

    Close collaborators are counted by the research graph's build (graph.metrics), which
    weighs shared works by recency."""
    params = {"ids": ids}
    with connection.cursor() as cursor:
        cursor.execute(_WORKS_SQL, params)
        works = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(_TOPICS_SQL, params)
        topics: dict[int, list[str]] = {}
        for researcher_id, name, _ in cursor.fetchall():
            topics.setdefault(researcher_id, []).append(name)
        cursor.execute(_FOLLOWERS_SQL, params)
        verified_followers = dict(cursor.fetchall())
        cursor.execute(_REPORTS_SQL, params)
        reports = dict(cursor.fetchall())
        cursor.execute(_NEAR_VERIFIED_SQL, params)
        network = _network_trust(cursor, [row[0] for row in cursor.fetchall()])

    now = timezone.now()
    rows, history = [], []
    people = Researcher.objects.filter(id__in=ids).values_list(
        "id",
        "orcid",
        "openalex_id",
        "claim_level",
        "trust_score",
        "verification_level",
        "stats_refreshed_at",
        "stale_reason",
    )
    for row in people:
        researcher_id, orcid, openalex_id, claim_level, old_score, old_level, seen, why = row
        count, with_pid, corroborated, first_year, last_year = works.get(
            researcher_id, (0, 0, 0, None, None)
        )
        names = topics.get(researcher_id, [])
        score, level, components = trust.snapshot(
            trust.TrustInputs(
                has_person_identifier=bool(orcid or openalex_id),
                works=count,
                works_with_identifier=with_pid,
                works_corroborated=corroborated,
                first_year=first_year,
                last_year=last_year,
                proven_claim=claim_level >= 2,
                reviewed=claim_level >= 3,
                network_trust=network.get(researcher_id, 0.0),
                verified_followers=verified_followers.get(researcher_id, 0),
                upheld_reports=reports.get(researcher_id, 0),
            )
        )
        rows.append(
            (
                count,
                len(names),
                first_year,
                last_year,
                names[:TOP_TOPICS],
                score,
                level,
                Jsonb(components),
                now,
                researcher_id,
            )
        )
        if seen is None or score != old_score or level != old_level:
            history.append(
                (
                    researcher_id,
                    score,
                    level,
                    Jsonb(components),
                    trust.FORMULA_VERSION,
                    (event or why or "recomputed")[:200],
                    now,
                )
            )
    _write_stats(rows)
    copy_rows(
        TrustHistory._meta.db_table,
        [
            "researcher_id",
            "score",
            "verification_level",
            "components",
            "formula_version",
            "event",
            "created_at",
        ],
        history,
    )
    # Their works changed, so their research graphs did too (built later, by a worker).
    slices_mark_stale(researcher_ids=ids)


_STATS_COLUMNS = (
    "works_count integer, topics_count integer, first_year integer, last_year integer, "
    "top_topics varchar(255)[], trust_score integer, "
    "verification_level integer, trust_components jsonb, stats_refreshed_at timestamptz, "
    "id bigint"
)


def _write_stats(rows: list[tuple]) -> None:
    """COPY the new figures into a temporary table, then one UPDATE joins them in."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS researcher_stats "
            f"({_STATS_COLUMNS}) ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE researcher_stats")  # rows of an earlier chunk, same transaction
        with cursor.cursor.copy("COPY researcher_stats FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"""
            UPDATE {_NAMES["researcher"]} r SET works_count = s.works_count,
                topics_count = s.topics_count, first_year = s.first_year,
                last_year = s.last_year, top_topics = s.top_topics,
                trust_score = s.trust_score, verification_level = s.verification_level,
                trust_components = s.trust_components,
                stats_refreshed_at = s.stats_refreshed_at, stats_stale = false,
                stale_reason = ''
            FROM researcher_stats s WHERE r.id = s.id
            """  # noqa: S608 (the model's table)
        )


def researcher_refresh_stale(*, progress=None, event: str = "") -> int:
    """Refresh every researcher marked stale (by an import, a merge, ...). Safe to rerun.

    ``progress``, if given, is called with (done, total) after each chunk.
    """
    total = Researcher.objects.stale().count()
    done = 0
    while True:
        ids = list(
            Researcher.objects.stale().order_by("id").values_list("id", flat=True)[:REFRESH_CHUNK]
        )
        if not ids:
            return done
        _refresh_chunk(ids, event)
        done += len(ids)
        if progress:
            progress(done, max(total, done))
