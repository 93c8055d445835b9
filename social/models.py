"""Between people: notifications and their email settings, invitations to
collaborate and their conversations, blocks. The tables keep the names they
had in profiles."""

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse

from profiles.models import Researcher, User


class Notification(models.Model):
    """Something a person should know, shown on the site and, if they wish, emailed."""

    class Kind(models.TextChoices):
        NEW_FOLLOWER = "new_follower", "New follower"
        INVITATION = "invitation", "New invitation"
        REPLY = "reply", "Reply"
        CLAIM_DECISION = "claim_decision", "Claim decision"
        WEEKLY_DIGEST = "weekly_digest", "Weekly digest"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True, help_text="The email's text.")
    key = models.CharField(max_length=200, help_text="Makes sending twice a no-op.")
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "profiles_notification"  # the table it had in profiles
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once"),
        ]

    def __str__(self) -> str:
        return self.text


class NotificationSettingsQuerySet(models.QuerySet):
    def wants(self, user, kind: str) -> bool:
        """Does this person want emails of this kind? Everyone does until they say not."""
        return not self.filter(user=user, **{kind: False}).exists()


class NotificationSettings(models.Model):
    """Which emails a person gets. Every email also carries a one-click unsubscribe link."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="email_settings")
    new_follower = models.BooleanField("A new follower of my record", default=True)
    invitation = models.BooleanField("A new invitation to collaborate", default=True)
    reply = models.BooleanField("A reply in a conversation", default=True)
    claim_decision = models.BooleanField("A decision on my claim", default=True)
    weekly_digest = models.BooleanField("A weekly digest of new work", default=True)

    KINDS = list(Notification.Kind.values)  # one boolean field above for each

    objects = NotificationSettingsQuerySet.as_manager()

    class Meta:
        db_table = "profiles_notificationsettings"  # the table it had in profiles

    def __str__(self) -> str:
        return f"Email settings of {self.user}"


class InvitationQuerySet(models.QuerySet):
    def involving(self, user):
        """Conversations this person is one side of."""
        return self.filter(Q(sender=user) | Q(recipient=user))

    def visible_to(self, user, *, staff: bool = False):
        """Its two people; staff too, once one of them has reported it, when the request may
        use staff powers (``staff``: bzpeer.lib.staff.is_staff_session)."""
        if not user.is_authenticated:
            return self.none()
        visible = Q(sender=user) | Q(recipient=user)
        if staff and user.is_staff:
            visible |= Q(reported=True)
        return self.filter(visible)

    def open(self):
        return self.filter(status__in=[Invitation.Status.PENDING, Invitation.Status.ACCEPTED])


class Invitation(models.Model):
    """A focused conversation offered to a researcher who claimed their record and is open to
    collaborate. It opens only when the recipient accepts."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        BLOCKED = "blocked", "Declined, sender blocked"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sender = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations_sent")
    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="invitations_received"
    )
    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="invitations")
    subject = models.CharField(max_length=200)
    message = models.TextField(max_length=5000)
    work = models.ForeignKey(
        "works.Work", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decline_reason = models.CharField(max_length=500, blank=True)
    reported = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        db_table = "profiles_invitation"  # the table it had in profiles
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open invitation per pair of people.
            models.UniqueConstraint(
                fields=["sender", "recipient"],
                condition=Q(status__in=["pending", "accepted"]),
                name="invitation_one_open_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("social:conversation", args=[self.public_id])


class Message(models.Model):
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="messages")
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "profiles_message"  # the table it had in profiles
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class Block(models.Model):
    """``blocker`` no longer receives invitations from ``blocked``."""

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "profiles_block"  # the table it had in profiles
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once")]

    def __str__(self) -> str:
        return f"{self.blocker} blocks {self.blocked}"
