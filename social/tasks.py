"""Celery tasks of the social app: each notification's email, the catch-up of unsent ones,
and the weekly digest. The task names are the ones the broker has held since these lived in
profiles: renaming a task loses what is queued under the old name."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from profiles.models import Follow
from social import digests, emails
from social.models import NotificationSettings

UNSENT_AFTER = timedelta(minutes=5)
UNSENT_LIMIT = 1000


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
    """One person's digest of the new works of the researchers they follow, for one week,
    emailed from this task. Idempotent: a second run for the same week sends nothing."""
    notification = digests.digest_create(user_id=user_id, week=week)
    return notification is not None and emails.notification_send(notification_id=notification.pk)


def _week() -> str:
    year, week, _ = timezone.now().isocalendar()
    return f"{year}-W{week:02d}"
