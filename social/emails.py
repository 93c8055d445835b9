"""Emails to people, rendered from templates/emails/: each notification once, with one-click
unsubscribe links that need no login. A leaf: it imports no service."""

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from profiles.models import User
from social.models import Notification, NotificationSettings

UNSUBSCRIBE_SALT = "bzpeer.unsubscribe"
# An unsubscribe link is its own credential (no login), so it does not work for ever.
UNSUBSCRIBE_LINK_AGE = timedelta(days=90)


def unsubscribe_url(user: User, kind: str) -> str:
    token = signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT)
    return f"{settings.SITE_URL}{reverse('social:unsubscribe', args=[token])}"


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, kind) from a link we signed in the last 90 days; signing.SignatureExpired
    for an older one, signing.BadSignature or ValueError for anything else."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_LINK_AGE)
    kind = str(data["k"])
    if kind not in NotificationSettings.KINDS:
        raise ValueError(f"no such kind of email: {kind}")
    return int(data["u"]), kind


def header_text(text: str, limit: int = 200) -> str:
    """``text`` fit for a mail header: people's text (a subject, a name) may hold line breaks
    or other control characters, which a header must not carry."""
    printable = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in text)
    return " ".join(printable.split())[:limit]


def send(*, user: User, kind: str, subject: str, template: str, context: dict) -> None:
    """One email of ``kind`` to ``user``, its body rendered from templates/emails/, with the
    one-click unsubscribe link in its footer and headers (RFC 8058)."""
    link = unsubscribe_url(user, kind)
    body = render_to_string(f"emails/{template}", {**context, "unsubscribe": link})
    EmailMessage(
        subject=f"[BZPEER] {header_text(subject)}",
        body=body,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    ).send()


@transaction.atomic
def notification_send(*, notification_id: int) -> bool:
    """Email one notification unless it was handled already; True when an email went out.

    Safe to retry and to run twice at once: the notification's row stays locked from before
    the send until emailed_at is committed, and a second caller skips a locked row. A worker
    killed mid-send drops its connection, PostgreSQL rolls back and unlocks, and the retried
    task sends it. Only a death between the mail server's acceptance and the commit sends it
    twice. emailed_at marks it handled: emailed, or of a kind its person does not want."""
    notification = (
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("user")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None:
        return False  # gone, sent already, or being sent right now
    wanted = NotificationSettings.objects.wants(notification.user, notification.kind)
    if wanted:
        link = f"{settings.SITE_URL}{notification.url}" if notification.url else ""
        send(
            user=notification.user,
            kind=notification.kind,
            subject=notification.text,
            template="notification.txt",
            context={"notification": notification, "link": link},
        )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return wanted


def notifications_unsent(*, older_than: timedelta, within: timedelta):
    """Notifications never handled (their task was never queued, or was lost) that are older
    than ``older_than``, so their own task had its chance, and younger than ``within``."""
    now = timezone.now()
    return Notification.objects.filter(
        emailed_at__isnull=True, created_at__lt=now - older_than, created_at__gte=now - within
    )


def digest_body(works) -> str:
    """The weekly digest's list of new works, as the notification (and its email) shows it."""
    return render_to_string(
        "emails/weekly_digest.txt", {"works": works, "site_url": settings.SITE_URL}
    ).strip()
