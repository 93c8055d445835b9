"""The weekly digest: the new works of the researchers a person follows, as a notification
that the digest task emails there and then."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from profiles.models import User
from social import emails
from social.models import Notification, NotificationSettings
from works.models import Work


def digest_create(*, user_id: int, week: str) -> Notification | None:
    """One person's digest for one week, as a notification, or None when they want none or
    there is nothing new. Once per week: the same week again returns the same notification."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not NotificationSettings.objects.wants(user, "weekly_digest"):
        return None
    new = list(
        Work.objects.by_followed(user)
        .filter(created_at__gte=timezone.now() - timedelta(days=7))
        .newest_first()[:30]
    )
    if not new:
        return None
    notification, _ = Notification.objects.get_or_create(
        user=user,
        key=f"digest:{week}",
        defaults={
            "kind": Notification.Kind.WEEKLY_DIGEST,
            "text": f"{len(new)} new work(s) by researchers you follow",
            "url": reverse("social:feed"),
            "body": emails.digest_body(new),
        },
    )
    return notification
