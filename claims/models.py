import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class ClaimQuerySet(models.QuerySet):
    def open(self):
        """Claims that still wait for a decision: pending review or disputed."""
        return self.filter(status__in=[Claim.Status.PENDING, Claim.Status.DISPUTED])

    def oldest_first(self):
        return self.order_by("created_at", "id")

    def visible_to(self, user, *, staff: bool = False):
        """A claimant sees their own claims; nobody else sees any. ``staff`` says the request
        may use staff powers (bzpeer.lib.staff.is_staff_session): then all are visible."""
        if not user.is_authenticated:
            return self.none()
        if staff and user.is_staff:
            return self
        return self.filter(claimant=user)


class Claim(models.Model):
    """A person's request to be recognised as the author a public record describes."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        DISPUTED = "disputed", "Disputed"
        RELEASED = "released", "Released by the owner"
        REVOKED = "revoked", "Revoked by staff"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    researcher = models.ForeignKey(
        "profiles.Researcher", on_delete=models.CASCADE, related_name="claims"
    )
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    name_matches = models.BooleanField(
        default=False, help_text="The claimant's name fits one of the record's names."
    )
    level = models.PositiveSmallIntegerField(
        default=0, help_text="Verification level the approval gives: 2, or 3 with two proofs."
    )
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "pending",
                        "approved",
                        "rejected",
                        "disputed",
                        "released",
                        "revoked",
                    ]
                ),
                name="claim_status_known",
            ),
            # One owner per record: at most one approved claim for each researcher.
            models.UniqueConstraint(
                fields=["researcher"],
                condition=Q(status="approved"),
                name="claim_one_owner_per_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claimant} → {self.researcher} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("claims:claim-detail", args=[self.public_id])

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.DISPUTED)


class Evidence(models.Model):
    """One piece of evidence for a claim. A proof is evidence BZPEER checked itself."""

    class Kind(models.TextChoices):
        ORCID = "orcid", "Signed in with ORCID"
        INSTITUTIONAL_EMAIL = "email", "Verified email at the record's institution"
        OTHER = "other", "Links and a statement"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    is_proof = models.BooleanField(default=False)
    orcid = models.CharField(max_length=19, blank=True)
    email = models.EmailField(blank=True)
    links = models.TextField(blank=True)
    statement = models.TextField(blank=True)
    summary = models.CharField(max_length=500, help_text="What staff read in the queue.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.summary


class ClaimEvent(models.Model):
    """The audit log: every state change of a claim, who made it, when, and why."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status or '-'} → {self.to_status}"


class Report(models.Model):
    """Anyone's report that a record is not who it says, or that a work is not theirs."""

    class Kind(models.TextChoices):
        NOT_ME = "not-me", "This is not me"
        NOT_THEIR_WORK = "not-their-work", "This work is not theirs"
        MERGE = "merge", "The owner asks to merge two of their records"
        ABUSE = "abuse", "Abuse in a conversation"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Upheld"
        DISMISSED = "dismissed", "Dismissed"

    researcher = models.ForeignKey(
        "profiles.Researcher", on_delete=models.CASCADE, related_name="reports"
    )
    work = models.ForeignKey(
        "works.Work", null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.TextField(blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.researcher}"
