from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone
from django.utils.text import slugify

from bzpeer.lib.names import strip_accents
from profiles import trust
from profiles.models import Follow, Researcher, User

REFRESH_CHUNK = 500
# A coauthor is a close collaborator with at least this many shared works and a collaboration
# strength (each shared work adds 1 / (its number of authors - 1)) of at least this much, so a
# 3,000-author paper makes nobody close. docs/trust.md explains the choice.
CLOSE_MIN_SHARED_WORKS = 2
CLOSE_MIN_STRENGTH = 0.5
TOP_TOPICS = 5

_CLOSE_COLLABORATORS_SQL = """
WITH mine AS (
    SELECT a.researcher_id AS rid, a.work_id, w.authors_count
    FROM works_authorship a JOIN works_work w ON w.id = a.work_id
    WHERE a.researcher_id = ANY(%(ids)s) AND w.authors_count > 1
), pairs AS (
    SELECT m.rid, b.researcher_id AS other, COUNT(*) AS shared,
           SUM(1.0 / (m.authors_count - 1)) AS strength
    FROM mine m JOIN works_authorship b ON b.work_id = m.work_id AND b.researcher_id <> m.rid
    GROUP BY m.rid, b.researcher_id
)
SELECT rid, COUNT(*) FROM pairs
WHERE shared >= %(min_shared)s AND strength >= %(min_strength)s
GROUP BY rid
"""


def unique_slugs(names: list[str]) -> list[str]:
    """One new, unused slug per name: a second "Wei Wang" becomes ``wei-wang-2``."""
    bases = [slugify(strip_accents(name))[:100] or "researcher" for name in names]
    taken = set(Researcher.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    next_suffix: dict[str, int] = {}
    result = []
    for base in bases:
        if base not in taken and base not in next_suffix:
            next_suffix[base] = 2
            result.append(base)
            continue
        if base not in next_suffix:
            used = Researcher.objects.filter(slug__regex=rf"^{base}-[0-9]+$").values_list(
                "slug", flat=True
            )
            next_suffix[base] = max([int(s.rsplit("-", 1)[1]) for s in used] + [1]) + 1
        result.append(f"{base}-{next_suffix[base]}")
        next_suffix[base] += 1
    return result


def researcher_refresh_stats(*, researcher_ids: Iterable[int]) -> int:
    """Recount the stored counts and recompute the trust snapshot of these researchers.

    Set-based: a few queries per 500 researchers, whatever their size. Safe to run twice.
    Returns the number of researchers refreshed.
    """
    ids = sorted(set(researcher_ids))
    for start in range(0, len(ids), REFRESH_CHUNK):
        _refresh_chunk(ids[start : start + REFRESH_CHUNK])
    return len(ids)


@transaction.atomic
def _refresh_chunk(ids: list[int]) -> None:
    from works.models import Authorship

    has_pid = Q(work__doi__isnull=False) | Q(work__arxiv_id__isnull=False)
    has_pid |= Q(work__openalex_id__isnull=False)
    works = {
        row["researcher_id"]: row
        for row in Authorship.objects.filter(researcher_id__in=ids)
        .values("researcher_id")
        .annotate(
            works=Count("work", distinct=True),
            with_pid=Count("work", filter=has_pid, distinct=True),
            first_year=Min("work__publication_year"),
            last_year=Max("work__publication_year"),
            topics=Count("work__topics", distinct=True),
        )
        .order_by()
    }
    topic_rows = (
        Authorship.objects.filter(researcher_id__in=ids, work__topics__isnull=False)
        .values("researcher_id", "work__topics__name")
        .annotate(n=Count("work", distinct=True))
        .order_by("researcher_id", "-n", "work__topics__name")
    )
    top_topics: dict[int, list[str]] = {}
    for row in topic_rows:
        names = top_topics.setdefault(row["researcher_id"], [])
        if len(names) < TOP_TOPICS and row["work__topics__name"] not in names:
            names.append(row["work__topics__name"])
    with connection.cursor() as cursor:
        cursor.execute(
            _CLOSE_COLLABORATORS_SQL,
            {"ids": ids, "min_shared": CLOSE_MIN_SHARED_WORKS, "min_strength": CLOSE_MIN_STRENGTH},
        )
        close = dict(cursor.fetchall())

    now = timezone.now()
    researchers = list(Researcher.objects.filter(id__in=ids).select_for_update())
    for researcher in researchers:
        row = works.get(researcher.id, {})
        researcher.works_count = row.get("works", 0)
        researcher.topics_count = row.get("topics", 0)
        researcher.first_year = row.get("first_year")
        researcher.last_year = row.get("last_year")
        researcher.top_topics = top_topics.get(researcher.id, [])
        researcher.close_collaborators_count = close.get(researcher.id, 0)
        inputs = trust.TrustInputs(
            has_person_identifier=bool(researcher.orcid or researcher.openalex_id),
            works=researcher.works_count,
            works_with_identifier=row.get("with_pid", 0),
            first_year=researcher.first_year,
            last_year=researcher.last_year,
        )
        score, level, components = trust.snapshot(inputs)
        researcher.trust_score = score
        researcher.verification_level = level
        researcher.trust_components = components
        researcher.stats_refreshed_at = now
    Researcher.objects.bulk_update(
        researchers,
        [
            "works_count",
            "topics_count",
            "first_year",
            "last_year",
            "top_topics",
            "close_collaborators_count",
            "trust_score",
            "verification_level",
            "trust_components",
            "stats_refreshed_at",
        ],
    )


@transaction.atomic
def follow_create(*, user: User, researcher: Researcher) -> Follow:
    """Follow a researcher; following twice is a no-op. The count moves in the same statement."""
    follow, created = Follow.objects.get_or_create(user=user, researcher=researcher)
    if created:
        Researcher.objects.filter(pk=researcher.pk).update(followers_count=F("followers_count") + 1)
    return follow


@transaction.atomic
def follow_delete(*, user: User, researcher: Researcher) -> None:
    deleted, _ = Follow.objects.filter(user=user, researcher=researcher).delete()
    if deleted:
        Researcher.objects.filter(pk=researcher.pk).update(
            followers_count=F("followers_count") - deleted
        )
