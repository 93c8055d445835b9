"""Emails to people: each notification once, and the weekly digest, with one-click
unsubscribe links that need no login."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone

from profiles.models import Notification, NotificationSettings, User

UNSUBSCRIBE_SALT = "bzpeer.unsubscribe"


def unsubscribe_url(user: User, kind: str) -> str:
    token = signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT)
    return f"{settings.SITE_URL}{reverse('profiles:unsubscribe', args=[token])}"


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, kind) from a link we signed; signing.BadSignature or ValueError for
    anything else."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    kind = str(data["k"])
    if kind not in NotificationSettings.KINDS:
        raise ValueError(f"no such kind of email: {kind}")
    return int(data["u"]), kind


def _send(user: User, kind: str, subject: str, body: str) -> None:
    link = unsubscribe_url(user, kind)
    text = f"{body}\n\n--\nStop these emails with one click: {link}\n"
    EmailMessage(
        subject=f"[BZPEER] {subject}",
        body=text,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    ).send()


def notification_send(*, notification_id: int) -> bool:
    from profiles.services import email_settings

    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False  # gone, or sent already
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    if not getattr(email_settings(notification.user), notification.kind):
        return False
    url = f"{settings.SITE_URL}{notification.url}" if notification.url else ""
    body = "\n\n".join(part for part in (notification.text, notification.body, url) if part)
    _send(notification.user, notification.kind, notification.text, body)
    return True


def digest_send(*, user_id: int, week: str) -> bool:
    from profiles.services import email_settings, notify
    from works.models import Work

    user = User.objects.filter(pk=user_id).first()
    if user is None or not email_settings(user).weekly_digest:
        return False
    new = (
        Work.objects.by_followed(user)
        .filter(created_at__gte=timezone.now() - timedelta(days=7))
        .newest_first()[:30]
    )
    lines = [
        f"- {w.title} ({w.publication_year or 'n.d.'}): {settings.SITE_URL}{w.get_absolute_url()}"
        for w in new
    ]
    if not lines:
        return False
    notify(
        user=user,
        kind=Notification.Kind.WEEKLY_DIGEST,
        text=f"{len(lines)} new work(s) by researchers you follow",
        url=reverse("profiles:feed"),
        body="\n".join(lines),
        key=f"digest:{week}",
    )
    return True
