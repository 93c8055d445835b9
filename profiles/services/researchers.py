from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from psycopg.types.json import Jsonb

from bzpeer.lib.bulk import copy_rows
from bzpeer.lib.names import (
    name_key,
    names_compatible,
    parse_name,
    person_name,
    strip_accents,
)
from profiles import trust
from profiles.models import (
    Follow,
    Institution,
    Researcher,
    ResearcherChange,
    SlugRedirect,
    TrustHistory,
    User,
    WorkAddition,
)

REFRESH_CHUNK = 2000
OWNERS_ONLY = "Only the researcher who claimed this record can change it."
TOP_TOPICS = 5


def unique_slugs(names: list[str]) -> list[str]:
    """One new, unused slug per name: a second "Wei Wang" becomes ``wei-wang-2``.

    Two queries whatever the number of names: the bases taken, then the numbered slugs of
    the taken ones.
    """
    bases = [slugify(strip_accents(name))[:100] or "researcher" for name in names]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT slug FROM profiles_researcher WHERE slug = ANY(%s)", [sorted(set(bases))]
        )
        taken = {row[0] for row in cursor.fetchall()}
        highest: dict[str, int] = {}
        if taken:
            cursor.execute(
                "SELECT substring(slug from '^(.*)-[0-9]+$'), "
                "MAX(substring(slug from '-([0-9]+)$')::int) FROM profiles_researcher "
                "WHERE substring(slug from '^(.*)-[0-9]+$') = ANY(%s) GROUP BY 1",
                [sorted(taken)],
            )
            highest = dict(cursor.fetchall())
    next_suffix: dict[str, int] = {}
    result = []
    for base in bases:
        if base not in taken and base not in next_suffix:
            next_suffix[base] = 2
            result.append(base)
            continue
        if base not in next_suffix:
            next_suffix[base] = max(highest.get(base, 1), 1) + 1
        result.append(f"{base}-{next_suffix[base]}")
        next_suffix[base] += 1
    return result


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
           WHERE EXISTS (SELECT 1 FROM works_workidentifier i WHERE i.work_id = a.work_id)
       ),
       COUNT(*) FILTER (WHERE cardinality(w.sources) >= 2),
       MIN(w.publication_year),
       MAX(w.publication_year)
FROM works_authorship a JOIN works_work w ON w.id = a.work_id
WHERE a.researcher_id = ANY(%(ids)s) AND NOT a.hidden
GROUP BY a.researcher_id
"""

_TOPICS_SQL = """
SELECT a.researcher_id, t.name, COUNT(*) AS n
FROM works_authorship a
JOIN works_work_topics wt ON wt.work_id = a.work_id
JOIN works_topic t ON t.id = wt.topic_id
WHERE a.researcher_id = ANY(%(ids)s) AND NOT a.hidden
GROUP BY a.researcher_id, t.id, t.name
ORDER BY a.researcher_id, n DESC, t.name
"""


_FOLLOWERS_SQL = """
SELECT f.researcher_id, COUNT(DISTINCT f.user_id)
FROM profiles_follow f
WHERE f.researcher_id = ANY(%(ids)s)
  AND EXISTS (SELECT 1 FROM profiles_researcher o WHERE o.owner_id = f.user_id
              AND o.claim_level >= 2)
GROUP BY f.researcher_id
"""

_REPORTS_SQL = """
SELECT researcher_id, COUNT(*) FROM claims_report
WHERE researcher_id = ANY(%(ids)s) AND status = 'upheld'
  AND kind IN ('not-me', 'not-their-work')
GROUP BY researcher_id
"""

# Researchers with at least one verified coauthor: the only ones trust can flow to.
_NEAR_VERIFIED_SQL = """
SELECT DISTINCT a.researcher_id
FROM works_authorship a
JOIN works_authorship b ON b.work_id = a.work_id AND b.researcher_id <> a.researcher_id
JOIN profiles_researcher v ON v.id = b.researcher_id AND v.claim_level >= 2
WHERE a.researcher_id = ANY(%(ids)s) AND NOT a.hidden AND NOT b.hidden
"""

# Coauthor links among everyone on each researcher's works (bylines of at most 100).
_TIES_SQL = """
SELECT a.researcher_id, x.researcher_id, y.researcher_id, SUM(1.0 / (w.authors_count - 1))
FROM works_authorship a
JOIN works_work w ON w.id = a.work_id AND w.authors_count BETWEEN 2 AND 100
JOIN works_authorship x ON x.work_id = a.work_id AND NOT x.hidden
JOIN works_authorship y ON y.work_id = a.work_id AND NOT y.hidden
     AND x.researcher_id < y.researcher_id
WHERE a.researcher_id = ANY(%(ids)s) AND NOT a.hidden
GROUP BY a.researcher_id, x.researcher_id, y.researcher_id
"""


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
        Researcher.objects.filter(pk__in=people, claim_level__gte=2).values_list("pk", flat=True)
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
                list(dict.fromkeys(names))[:TOP_TOPICS],
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
    from graph.services import slices_mark_stale

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
            """
            UPDATE profiles_researcher r SET works_count = s.works_count,
                topics_count = s.topics_count, first_year = s.first_year,
                last_year = s.last_year, top_topics = s.top_topics,
                trust_score = s.trust_score, verification_level = s.verification_level,
                trust_components = s.trust_components,
                stats_refreshed_at = s.stats_refreshed_at, stats_stale = false,
                stale_reason = ''
            FROM researcher_stats s WHERE r.id = s.id
            """
        )


def researcher_refresh_stale(*, progress=None, event: str = "") -> int:
    """Refresh every researcher marked stale (by an import, a merge, ...). Safe to rerun.

    ``progress``, if given, is called with (done, total) after each chunk.
    """
    total = Researcher.objects.filter(stats_stale=True).count()
    done = 0
    while True:
        ids = list(
            Researcher.objects.filter(stats_stale=True)
            .order_by("id")
            .values_list("id", flat=True)[:REFRESH_CHUNK]
        )
        if not ids:
            return done
        _refresh_chunk(ids, event)
        done += len(ids)
        if progress:
            progress(done, max(total, done))


@transaction.atomic
def researcher_merge(*, keep: Researcher, remove: Researcher, reason: str, user=None) -> Researcher:
    """Join ``remove`` into ``keep``: works, follows, identifiers, names and old addresses.

    ``remove`` is deleted; its slug keeps working as a redirect. Refuses to join two records
    whose identifiers conflict. Recorded in ResearcherChange.
    """
    from works.models import AttributionDecision, Authorship, SourceRecord

    if keep.pk == remove.pk:
        raise ValidationError("A researcher cannot be merged with itself.")
    for field in ("orcid", "openalex_id"):
        mine, theirs = getattr(keep, field), getattr(remove, field)
        if mine and theirs and mine != theirs:
            raise ValidationError(
                f"{keep.display_name} and {remove.display_name} have different "
                f"{Researcher._meta.get_field(field).verbose_name}s: they are not one person."
            )
    shared_works = Authorship.objects.filter(researcher=keep).values("work_id")
    duplicates = Authorship.objects.filter(researcher=remove, work_id__in=shared_works)
    dropped = duplicates.count()
    duplicates.delete()
    moved = Authorship.objects.filter(researcher=remove).update(researcher=keep)
    already = Follow.objects.filter(researcher=keep).values("user_id")
    Follow.objects.filter(researcher=remove, user_id__in=already).delete()
    Follow.objects.filter(researcher=remove).update(researcher=keep)
    SourceRecord.objects.filter(researcher=remove).update(researcher=keep)
    AttributionDecision.objects.filter(researcher=remove).update(researcher=keep)
    SlugRedirect.objects.filter(researcher=remove).update(researcher=keep)

    orcid, openalex_id = remove.orcid, remove.openalex_id
    names = [remove.display_name, *remove.other_names, *keep.other_names]
    sources = list(dict.fromkeys([*keep.sources, *remove.sources]))
    institution_id = keep.institution_id or remove.institution_id
    old_slug, old_name, remove_pk = remove.slug, remove.display_name, remove.pk
    remove.delete()
    SlugRedirect.objects.create(slug=old_slug, researcher=keep)

    keep.orcid = keep.orcid or orcid
    keep.openalex_id = keep.openalex_id or openalex_id
    keep.other_names = [n for n in dict.fromkeys(names) if n != keep.display_name]
    keep.sources = sources
    keep.institution_id = institution_id
    keep.followers_count = Follow.objects.filter(researcher=keep).count()
    keep.save()
    ResearcherChange.objects.create(
        kind=ResearcherChange.Kind.MERGE,
        researcher=keep,
        other_name=old_name,
        other_slug=old_slug,
        user=user,
        reason=reason[:500],
        detail={"merged_id": remove_pk, "works_moved": moved, "duplicates_dropped": dropped},
    )
    researcher_refresh_stats(
        researcher_ids=[keep.pk, *coauthor_ids(keep.pk)], event="records merged"
    )
    return keep


@transaction.atomic
def researcher_split(
    *,
    researcher: Researcher,
    authorship_ids: Iterable[int],
    reason: str,
    user=None,
    display_name: str = "",
) -> Researcher:
    """Move some of a researcher's authorships to a new record: they are someone else's.

    The new record takes the name printed on those works unless ``display_name`` is given.
    Recorded in ResearcherChange on both records.
    """
    from works.models import Authorship

    moving = Authorship.objects.filter(researcher=researcher, id__in=list(authorship_ids))
    printed = list(moving.values_list("printed_name", flat=True))
    if not printed:
        raise ValidationError("Choose at least one of this researcher's works to split off.")
    if len(printed) == researcher.authorships.count():
        raise ValidationError("Splitting off every work would leave an empty record.")
    name = display_name or max(set(printed), key=printed.count)
    name = person_name(name)
    other = Researcher.objects.create(
        display_name=name,
        name_key=name_key(name),
        match_key=parse_name(name).match_key,
        slug=unique_slugs([name])[0],
        sources=researcher.sources,
    )
    moved = moving.update(researcher=other, pinned=True)  # imports keep the split
    for record, other_record in ((researcher, other), (other, researcher)):
        ResearcherChange.objects.create(
            kind=ResearcherChange.Kind.SPLIT,
            researcher=record,
            other_name=other_record.display_name,
            other_slug=other_record.slug,
            user=user,
            reason=reason[:500],
            detail={"works_moved": moved},
        )
    researcher_refresh_stats(
        researcher_ids=[researcher.pk, other.pk, *coauthor_ids(researcher.pk, other.pk)],
        event="records split",
    )
    return other


def coauthor_ids(*researcher_ids: int) -> set[int]:
    from works.models import Authorship

    return set(
        Authorship.objects.filter(work__authorships__researcher_id__in=researcher_ids)
        .values_list("researcher_id", flat=True)
        .distinct()
    )


def _check_owner(researcher: Researcher, user: User) -> None:
    if not researcher.is_owned_by(user):
        raise PermissionDenied(OWNERS_ONLY)


@transaction.atomic
def researcher_update(
    *,
    researcher: Researcher,
    user: User,
    summary: str,
    open_to_collaborate: bool,
    affiliation: str = "",
    collaboration_topics: str = "",
    collaboration_capacity: str = "",
) -> Researcher:
    """The owner's edits: summary, "open to collaborate", and an affiliation the sources
    did not give (an imported one stays). Kept through later imports."""
    _check_owner(researcher, user)
    researcher.summary = summary.strip()[:300]
    researcher.open_to_collaborate = open_to_collaborate
    researcher.collaboration_topics = collaboration_topics.strip()[:300]
    researcher.collaboration_capacity = collaboration_capacity.strip()[:200]
    affiliation = " ".join(affiliation.split())[:300]
    if affiliation and (researcher.institution_id is None or researcher.affiliation_set_by_owner):
        institution = Institution.objects.filter(
            name__iexact=affiliation, openalex_id__isnull=True, ror__isnull=True
        ).first() or Institution.objects.create(name=affiliation)
        researcher.institution = institution
        researcher.affiliation_set_by_owner = True
    researcher.save(
        update_fields=[
            "summary",
            "open_to_collaborate",
            "collaboration_topics",
            "collaboration_capacity",
            "institution",
            "affiliation_set_by_owner",
            "updated_at",
        ]
    )
    return researcher


@transaction.atomic
def authorship_hide(*, researcher: Researcher, user: User, work) -> None:
    """The owner says a work is not theirs: hidden from the page, kept for review, and
    pinned so that no import brings it back."""
    from works.models import Authorship

    _check_owner(researcher, user)
    changed = Authorship.objects.filter(researcher=researcher, work=work).update(
        hidden=True, pinned=True
    )
    if not changed:
        raise ValidationError("That work is not on this record.")
    researcher_refresh_stats(researcher_ids=[researcher.pk], event="the owner hid a work")


@transaction.atomic
def authorship_add(*, researcher: Researcher, user: User, identifier: str):
    """The owner adds a work BZPEER holds, found by its DOI or arXiv ID.

    An owner can only link themselves to a byline entry that names them: the first entry
    whose printed name fits one of the record's names (and that no other person owns) is
    linked to the record and pinned. A work whose byline has no such name becomes a
    WorkAddition for staff; it is not on the record, and counts nothing, until approved.
    Returns the Authorship linked, or the WorkAddition waiting."""
    from bzpeer.lib.identifiers import normalize_arxiv_id, normalize_doi
    from works.models import Authorship, Work

    _check_owner(researcher, user)
    doi, arxiv = normalize_doi(identifier), normalize_arxiv_id(identifier)
    scheme, value = ("doi", doi) if doi and not doi.startswith("10.48550/") else ("arxiv", arxiv)
    work = Work.objects.identified_by(scheme, value).first() if value else None
    if work is None:
        raise ValidationError(
            "BZPEER holds no work with that DOI or arXiv ID: import it first, or check it."
        )
    existing = Authorship.objects.filter(researcher=researcher, work=work).first()
    if existing:
        Authorship.objects.filter(pk=existing.pk).update(hidden=False, pinned=True)
        researcher_refresh_stats(researcher_ids=[researcher.pk], event="the owner added a work")
        return existing
    names = [researcher.display_name, *researcher.other_names]
    byline = work.authorships.select_related("researcher").select_for_update(of=("self",))
    entry = next(
        (
            a
            for a in byline.order_by("position")
            if a.researcher.owner_id in (None, user.pk) and _printed_name_fits(a, names)
        ),
        None,
    )
    if entry is None:
        addition, _ = WorkAddition.objects.get_or_create(
            researcher=researcher,
            work=work,
            status=WorkAddition.Status.PENDING,
            defaults={"requested_by": user},
        )
        return addition
    previous = entry.researcher
    entry.researcher, entry.pinned, entry.hidden = researcher, True, False
    entry.save(update_fields=["researcher", "pinned", "hidden"])
    ResearcherChange.objects.create(
        kind=ResearcherChange.Kind.ADD_WORK,
        researcher=researcher,
        other_name=previous.display_name,
        other_slug=previous.slug,
        user=user,
        reason=f"The owner added “{work.title[:200]}” as “{entry.printed_name[:200]}”.",
        detail={"work": str(work.public_id), "from_researcher": previous.pk},
    )
    researcher_refresh_stats(
        researcher_ids=[researcher.pk, previous.pk, *coauthor_ids(researcher.pk)],
        event="the owner added a work",
    )
    return entry


def _printed_name_fits(authorship, names: list[str]) -> bool:
    printed = parse_name(person_name(authorship.printed_name))
    return bool(printed.family) and any(
        names_compatible(printed, parse_name(name)) for name in names if name
    )


@transaction.atomic
def work_addition_decide(
    *, addition: WorkAddition, staff: User, approve: bool, reason: str = ""
) -> WorkAddition:
    """Staff approve (the owner joins the end of the byline, pinned) or reject a work an
    owner asked for. Deciding twice is refused."""
    from works.models import Authorship, Work

    addition = WorkAddition.objects.select_for_update().get(pk=addition.pk)
    if not staff.is_staff:
        raise PermissionDenied("Only staff decide these requests.")
    if addition.status != WorkAddition.Status.PENDING:
        raise ValidationError("This request has been decided already.")
    addition.status = WorkAddition.Status.APPROVED if approve else WorkAddition.Status.REJECTED
    addition.decision_reason = reason.strip()[:500]
    addition.decided_by, addition.decided_at = staff, timezone.now()
    addition.save()
    researcher, work = addition.researcher, addition.work
    if approve and not Authorship.objects.filter(researcher=researcher, work=work).exists():
        last = work.authorships.aggregate(last=Max("position"))["last"]
        Authorship.objects.create(
            work=work,
            researcher=researcher,
            position=(last or 0) + 1,
            printed_name=researcher.display_name,
            pinned=True,
        )
        Work.objects.filter(pk=work.pk).update(authors_count=F("authors_count") + 1)
        researcher_refresh_stats(
            researcher_ids=[researcher.pk, *coauthor_ids(researcher.pk)],
            event="staff approved a work the owner added",
        )
    return addition


def researcher_mark_stale(*, researcher_ids, reason: str) -> None:
    """Something that feeds the trust score changed: the periodic refresh recomputes it
    (profiles.tasks.researchers_refresh_stale), once however many changes came first."""
    Researcher.objects.filter(pk__in=list(researcher_ids)).update(
        stats_stale=True, stale_reason=reason[:200]
    )


def researcher_refresh_later(*, researcher_ids, event: str) -> None:
    """Mark these researchers stale now and recompute them in a Celery task once the
    transaction commits: a decision in a web request never waits for the recomputation."""
    ids = sorted(set(researcher_ids))
    researcher_mark_stale(researcher_ids=ids, reason=event)

    def queue() -> None:
        from profiles.tasks import refresh_in_chunks  # the tasks module imports this one

        refresh_in_chunks(ids, event)

    # robust: a broker down after the commit loses nothing (the stale mark above is caught
    # up by profiles.researchers_refresh_stale) and must not turn a saved change into an error.
    transaction.on_commit(queue, robust=True)
