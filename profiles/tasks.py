from datetime import timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from profiles import emails
from profiles.models import Follow, NotificationSettings, Researcher
from profiles.services import REFRESH_CHUNK, digest_notify, researcher_refresh_stats

UNSENT_AFTER = timedelta(minutes=5)
UNSENT_LIMIT = 1000


@shared_task(
    name="profiles.researchers_refresh",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=600,
)
def researchers_refresh(researcher_ids: list[int], event: str = "") -> int:
    """Recount these researchers. Idempotent: safe to retry or to run twice."""
    return researcher_refresh_stats(researcher_ids=researcher_ids, event=event)


@shared_task(name="profiles.researchers_refresh_stale", time_limit=300)
def researchers_refresh_stale() -> int:
    """Periodic dispatcher: one refresh task per chunk of researchers marked stale."""
    ids = list(Researcher.objects.stale().order_by("id").values_list("id", flat=True))
    refresh_in_chunks(ids)
    return len(ids)


def refresh_in_chunks(ids: list[int], event: str = "") -> None:
    """One refresh task per chunk of these researchers."""
    for start in range(0, len(ids), REFRESH_CHUNK):
        researchers_refresh.delay(ids[start : start + REFRESH_CHUNK], event)


@shared_task(
    name="profiles.notification_email",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=50,
    time_limit=60,
)
def notification_email(notification_id: int) -> bool:
    """Email one notification, if its person wants that kind of email. Idempotent and safe
    to retry: a send that did not complete (a worker killed mid-send) is done again, a
    completed one is not (emails.notification_send)."""
    return emails.notification_send(notification_id=notification_id)


@shared_task(name="profiles.notifications_email_unsent", soft_time_limit=100, time_limit=120)
def notifications_email_unsent() -> int:
    """Periodic catch-up: one email task per notification of the last day still unsent after
    a few minutes, e.g. because the broker was down when its transaction committed. A task
    queued twice sends once."""
    ids = list(
        emails.notifications_unsent(older_than=UNSENT_AFTER, within=timedelta(days=1))
        .order_by("id")
        .values_list("id", flat=True)[:UNSENT_LIMIT]
    )
    for notification_id in ids:
        notification_email.delay(notification_id)
    return len(ids)


@shared_task(name="profiles.weekly_digest_dispatch", soft_time_limit=100, time_limit=120)
def weekly_digest_dispatch() -> int:
    """Weekly: one digest task per person who follows someone and wants the digest."""
    opted_out = NotificationSettings.objects.filter(weekly_digest=False).values("user_id")
    users = Follow.objects.exclude(user__in=opted_out).values_list("user_id", flat=True).distinct()
    week = _week()
    count = 0
    for user_id in users.iterator():
        weekly_digest.delay(user_id, week)
        count += 1
    return count


@shared_task(name="profiles.weekly_digest", soft_time_limit=50, time_limit=60)
def weekly_digest(user_id: int, week: str) -> bool:
    """One person's digest of the new works of the researchers they follow, for one week.
    Idempotent: a second run for the same week does nothing."""
    return digest_notify(user_id=user_id, week=week)


def _week() -> str:
    year, week, _ = timezone.now().isocalendar()
    return f"{year}-W{week:02d}"
