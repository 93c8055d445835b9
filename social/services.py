"""Follows, notifications and invitations to collaborate.

Invitation rules, in one place:
- the sender has a verified email, and either owns a claimed record or has had an account for
  at least a week;
- the recipient's record is claimed and open to collaborate; nobody can be invited through an
  unclaimed record;
- at most five new invitations a day per sender; one open invitation per pair of people; a
  declined sender waits thirty days; a blocked sender cannot invite that person again;
- a conversation is seen by its two people only, and by staff once one of them reports it.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from profiles.models import Follow, Researcher, User
from social import tasks
from social.models import Block, Invitation, Message, Notification, NotificationSettings

INVITATIONS_PER_DAY = 5
DECLINED_WAIT = timedelta(days=30)
NEW_ACCOUNT_WAIT = timedelta(days=7)


class InvitationError(Exception):
    """An invitation or message that is not allowed; the message says why."""


def display_name(user: User) -> str:
    """How a person appears to others: their name, never their email address."""
    return user.name or "A BZPEER member"


def notify(*, user: User, kind: str, text: str, key: str, url: str = "", body: str = ""):
    """Tell a person something on the site, and by email if they want that kind of email.

    ``key`` makes it happen once: the same key for the same person is a no-op. The email is
    sent by a Celery task after the transaction commits.
    """
    notification, created = Notification.objects.get_or_create(
        user=user,
        key=key[:200],
        defaults={"kind": kind, "text": text[:500], "url": url[:500], "body": body},
    )
    if created:
        # robust: with the broker down after the commit, social.tasks.notifications_email_unsent
        # sends it later; the saved change is not reported as an error.
        transaction.on_commit(lambda: tasks.notification_email.delay(notification.pk), robust=True)
    return notification


def email_settings(user: User) -> NotificationSettings:
    return NotificationSettings.objects.get_or_create(user=user)[0]


@transaction.atomic
def follow_create(*, user: User, researcher: Researcher) -> Follow:
    """Follow a researcher; following twice is a no-op. The count moves in one UPDATE, so
    concurrent follows never lose one. The record's owner hears of it once per follower."""
    follow, created = Follow.objects.get_or_create(user=user, researcher=researcher)
    if created:
        Researcher.objects.filter(pk=researcher.pk).mark_stale(
            "new follower", followers_count=F("followers_count") + 1
        )
        # No query for an unclaimed record or one's own: the owner is loaded only to notify.
        owner = researcher.owner if researcher.owner_id != user.pk else None
        if owner is not None:
            url = reverse("social:researcher-followers", args=[researcher.slug])
            notify(
                user=owner,
                kind=Notification.Kind.NEW_FOLLOWER,
                text=f"{display_name(user)} follows your record {researcher.display_name}.",
                url=url,
                key=f"follow:{user.pk}:{researcher.pk}",
            )
    return follow


@transaction.atomic
def follow_delete(*, user: User, researcher: Researcher) -> None:
    deleted, _ = Follow.objects.filter(user=user, researcher=researcher).delete()
    if deleted:
        Researcher.objects.filter(pk=researcher.pk).mark_stale(
            "a follower left", followers_count=F("followers_count") - deleted
        )


def can_invite(sender: User, researcher: Researcher) -> str | None:
    """Why ``sender`` may not invite through ``researcher``'s record, or None if they may."""
    if researcher.owner_id is None:
        return "This record is not claimed: nobody can be contacted through it."
    if not researcher.open_to_collaborate:
        return "This researcher is not open to collaboration right now."
    if not sender.is_authenticated:
        return "Log in to invite."
    if researcher.owner_id == sender.pk:
        return "This is your own record."
    if not EmailAddress.objects.filter(user=sender, verified=True).exists():
        return "Verify your email address first."
    owns_record = Researcher.objects.filter(owner=sender).exists()
    if not owns_record and timezone.now() - sender.date_joined < NEW_ACCOUNT_WAIT:
        return "Claim your own record first, or wait until your account is a week old."
    return None


@transaction.atomic
def invitation_send(
    *, sender: User, researcher: Researcher, subject: str, message: str, work=None
) -> Invitation:
    reason = can_invite(sender, researcher)
    if reason:
        raise InvitationError(reason)
    # Serialise a sender's invitations, so the daily limit holds under concurrent requests.
    User.objects.select_for_update().get(pk=sender.pk)
    recipient = researcher.owner
    if recipient is None:  # can_invite has turned unclaimed records away already
        raise InvitationError("This record is not claimed: nobody can be contacted through it.")
    now = timezone.now()
    if Block.objects.filter(blocker=recipient, blocked=sender).exists():
        raise InvitationError("This researcher does not accept invitations from you.")
    if Invitation.objects.filter(
        sender=sender, created_at__gte=now - timedelta(days=1)
    ).count() >= (INVITATIONS_PER_DAY):
        raise InvitationError("You sent five invitations today: try again tomorrow.")
    if Invitation.objects.open().filter(sender=sender, recipient=recipient).exists():
        raise InvitationError("You already have an open invitation with this researcher.")
    declined = (
        Invitation.objects.filter(
            sender=sender, recipient=recipient, status=Invitation.Status.DECLINED
        )
        .order_by("-answered_at")
        .first()
    )
    if declined and declined.answered_at and now - declined.answered_at < DECLINED_WAIT:
        until = (declined.answered_at + DECLINED_WAIT).date()
        raise InvitationError(
            f"Your last invitation was declined: you can invite again on {until}."
        )
    if work is not None and not researcher.authorships.filter(work=work, hidden=False).exists():
        raise InvitationError("That work is not on this researcher's record.")
    subject, message = subject.strip(), message.strip()
    if not subject or not message:
        raise InvitationError("Write a subject and a message.")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                sender=sender,
                recipient=recipient,
                researcher=researcher,
                subject=subject[:200],
                message=message[:5000],
                work=work,
            )
    except IntegrityError as exc:
        raise InvitationError("You already have an open invitation with this researcher.") from exc
    notify(
        user=recipient,
        kind=Notification.Kind.INVITATION,
        text=f"{display_name(sender)} invites you to collaborate: {invitation.subject}",
        url=invitation.get_absolute_url(),
        body=f"{display_name(sender)} writes:\n\n{invitation.message}\n",
        key=f"invitation:{invitation.pk}",
    )
    return invitation


def get_invitation_for_user(user: User, public_id, *, staff: bool = False) -> Invitation:
    """The conversation if this person may see it (``staff``: the request may use staff
    powers); Invitation.DoesNotExist otherwise."""
    return (
        Invitation.objects.visible_to(user, staff=staff)
        .select_related("sender", "recipient", "researcher", "work")
        .get(public_id=public_id)
    )


def _answer(invitation: Invitation, user: User, status: str, reason: str = "") -> Invitation:
    if invitation.recipient_id != user.pk:
        raise PermissionDenied("Only the person invited can answer.")
    if invitation.status != Invitation.Status.PENDING:
        raise InvitationError("This invitation has been answered already.")
    invitation.status = status
    invitation.decline_reason = reason.strip()[:500]
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "decline_reason", "answered_at"])
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Invitation:
    return _answer(invitation, user, Invitation.Status.ACCEPTED)


@transaction.atomic
def invitation_decline(
    *, invitation: Invitation, user: User, reason: str = "", block: bool = False
) -> Invitation:
    if block:
        Block.objects.get_or_create(blocker=user, blocked=invitation.sender)
    status = Invitation.Status.BLOCKED if block else Invitation.Status.DECLINED
    return _answer(invitation, user, status, reason)


@transaction.atomic
def message_send(*, invitation: Invitation, user: User, body: str) -> Message:
    if user.pk not in (invitation.sender_id, invitation.recipient_id):
        raise PermissionDenied("Only its two people write in a conversation.")
    if invitation.status != Invitation.Status.ACCEPTED:
        raise InvitationError("The conversation opens when the invitation is accepted.")
    body = body.strip()
    if not body:
        raise InvitationError("Write a message.")
    message = Message.objects.create(invitation=invitation, author=user, body=body[:5000])
    other = invitation.recipient if user.pk == invitation.sender_id else invitation.sender
    notify(
        user=other,
        kind=Notification.Kind.REPLY,
        text=f"{display_name(user)} replied in “{invitation.subject}”.",
        url=invitation.get_absolute_url(),
        body=f"{display_name(user)} writes:\n\n{message.body}\n",
        key=f"message:{message.pk}",
    )
    return message


def invitation_mark_reported(*, invitation: Invitation, user: User) -> None:
    """Either side reports the conversation (claims.services.conversation_report files the
    report): from now on staff may read it."""
    if user.pk not in (invitation.sender_id, invitation.recipient_id):
        raise PermissionDenied("Only its two people can report a conversation.")
    Invitation.objects.filter(pk=invitation.pk).update(reported=True)
