"""Writes of the profiles app: researcher records (their slugs, their owners' edits), the
account's name, staff's edits of institutions, and asking for researchers' derived figures to
be recomputed."""

import hashlib
import hmac
import secrets
from collections.abc import Collection, Iterable
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from bzpeer.lib.names import strip_accents
from profiles.models import ApiToken, Institution, Researcher, User
from profiles.signals import refresh_now, refresh_queued

OWNERS_ONLY = "Only the researcher who claimed this record can change it."


def check_owner(researcher: Researcher, user: User) -> None:
    """The record is claimed by this person, else PermissionDenied."""
    if not researcher.is_owned_by(user):
        raise PermissionDenied(OWNERS_ONLY)


def unique_slugs(names: list[str]) -> list[str]:
    """One new, unused slug per name: a second "Wei Wang" becomes ``wei-wang-2``.

    Two queries whatever the number of names: the bases taken, then the numbered slugs of
    the taken ones.
    """
    bases = [slugify(strip_accents(name))[:100] or "researcher" for name in names]
    table = Researcher._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT slug FROM {table} WHERE slug = ANY(%s)",  # noqa: S608 (the model's table)
            [sorted(set(bases))],
        )
        taken = {row[0] for row in cursor.fetchall()}
        highest: dict[str, int] = {}
        if taken:
            cursor.execute(
                "SELECT substring(slug from '^(.*)-[0-9]+$'), "  # noqa: S608 (the model's table)
                f"MAX(substring(slug from '-([0-9]+)$')::int) FROM {table} "
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
    check_owner(researcher, user)
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
def account_rename(*, user: User, name: str) -> User:
    """The name others see on a person's invitations and messages, set by them here only
    (never through a claim). Forms refuse control characters; whitespace is collapsed."""
    user.name = " ".join(name.split())[:200]
    user.save(update_fields=["name"])
    return user


@transaction.atomic
def institution_edit(*, institution: Institution, changed: Collection[str]) -> Institution:
    """Save staff's edit of an institution (the admin form); ``changed`` names the fields
    they changed. Email domains staff change are theirs from then on: imports leave them as
    they are (``email_domains_set_by_staff``), unless staff set that flag themselves in the
    same edit. Claims verify institutional email against these domains."""
    if "email_domains" in changed and "email_domains_set_by_staff" not in changed:
        institution.email_domains_set_by_staff = True
    institution.save()
    return institution


def researcher_mark_stale(*, researcher_ids: Iterable[int], reason: str) -> None:
    """Something that feeds these researchers' counts and trust changed: the periodic refresh
    (trust.tasks.researchers_refresh_stale) recomputes them, once however many changes came."""
    Researcher.objects.filter(pk__in=list(researcher_ids)).mark_stale(reason)


def researcher_refresh(*, researcher_ids: Iterable[int], event: str = "") -> None:
    """Recompute these researchers' counts and trust now, in this transaction (set-based: a
    few queries per chunk). For changes a person waits on that are small (an owner's edit)."""
    ids = sorted(set(researcher_ids))
    if ids:
        refresh_now.send(sender=Researcher, researcher_ids=ids, event=event, progress=None)


def researcher_refresh_later(*, researcher_ids: Iterable[int], event: str) -> None:
    """Mark these researchers stale now and recompute them in a Celery task once the
    transaction commits: a decision in a web request never waits for the recomputation."""
    ids = sorted(set(researcher_ids))
    researcher_mark_stale(researcher_ids=ids, reason=event)

    def queue() -> None:
        refresh_queued.send(sender=Researcher, researcher_ids=ids, event=event)

    # robust: a broker down after the commit loses nothing (the stale mark above is caught
    # up by the periodic refresh) and must not turn a saved change into an error.
    transaction.on_commit(queue, robust=True)


def researcher_refresh_stale(*, progress=None, event: str = "") -> int:
    """Recompute every researcher marked stale before returning (an import's last step);
    ``progress`` is called with (done, total). Returns how many were recomputed."""
    answers = refresh_now.send(
        sender=Researcher, researcher_ids=None, event=event, progress=progress
    )
    done = 0
    for _, answer in answers:
        done += answer if isinstance(answer, int) else 0
    return done


TOKEN_PREFIX = "bzp"  # noqa: S105 (how a token starts, not a secret)
TOKEN_DAYS = {30: "30 days", 90: "90 days", 365: "a year"}


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """A new personal access token; returns it and its text, which is never stored and so is
    shown only now. ``days``: one of TOKEN_DAYS."""
    if days not in TOKEN_DAYS:
        raise ValueError("A token lasts 30, 90 or 365 days.")
    prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=" ".join(name.split())[:100] or "API token",
        prefix=prefix,
        secret_hash=token_hash(secret),
        scope=ApiToken.Scope(scope),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


def api_token_revoke(*, token: ApiToken, user: User) -> None:
    """Revoke one of this person's tokens; revoking twice is a no-op."""
    if token.user_id != user.pk:
        raise PermissionDenied("That token is not yours.")
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_for(text: str) -> ApiToken | None:
    """The active token this text is, or None: a wrong secret, a revoked or expired token
    and a malformed text all read as no token."""
    scheme, _, rest = text.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != TOKEN_PREFIX or not prefix or not secret:
        return None
    token = ApiToken.objects.active().select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, token_hash(secret)):
        return None
    return token
