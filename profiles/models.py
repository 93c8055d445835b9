from typing import ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from bzpeer.lib.names import name_key
from bzpeer.lib.sources import source_labels
from profiles import trust


class AccountManager(UserManager):
    """Accounts are keyed by email; there is no username.

    create_user and create_superuser take the email where Django's take a username, so their
    signatures differ from the base class's on purpose (the ignores below).
    """

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):  # type: ignore[override]
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):  # type: ignore[override]
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    # Removes the inherited field, as Django documents; the stubs know it only as a str.
    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar["AccountManager[Self]"] = AccountManager()

    def __str__(self) -> str:
        return self.name or self.email


class Institution(models.Model):
    name = models.CharField(max_length=300)
    openalex_id = models.CharField(max_length=20, unique=True, null=True, blank=True)
    ror = models.CharField("ROR id", max_length=40, unique=True, null=True, blank=True)
    country_code = models.CharField(max_length=2, blank=True)
    kind = models.CharField(max_length=40, blank=True, help_text="education, company, ...")
    homepage = models.URLField(max_length=200, blank=True)
    email_domains = ArrayField(
        models.CharField(max_length=253),
        default=list,
        blank=True,
        help_text="Domains of its staff's email addresses, e.g. ucl.ac.uk.",
    )
    email_domains_set_by_staff = models.BooleanField(
        default=False,
        help_text="Set when staff change the email domains: imports (ROR's domains) then leave "
        "them alone. Clear it to take ROR's domains again at the next import.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(openalex_id__isnull=True, ror__isnull=True),
                name="institution_unique_name_without_ids",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ResearcherQuerySet(models.QuerySet):
    def search(self, query: str):
        """Researchers whose name contains every word of ``query`` (case and accents ignored)."""
        qs = self
        for word in name_key(query).split():
            qs = qs.filter(name_key__contains=word)
        return qs

    def by_prominence(self):
        return self.order_by("-works_count", "display_name", "id")

    def stale(self):
        """Researchers whose counts and trust wait for the refresh."""
        return self.filter(stats_stale=True)

    def mark_stale(self, reason: str, **changes) -> int:
        """The one way to say these researchers' counts and trust need recomputing (by
        profiles.tasks.researchers_refresh_stale), with other ``changes`` in the same UPDATE.
        A write, but the only one here: it is how every app reports a change upward."""
        return self.update(stats_stale=True, stale_reason=reason[:200], **changes)


class Researcher(models.Model):
    """A public author record, assembled from open metadata. Claims link it to an account."""

    slug = models.SlugField(max_length=120, unique=True)
    display_name = models.CharField(max_length=255)
    name_key = models.CharField(max_length=255, db_index=True, editable=False)
    match_key = models.CharField(
        max_length=255, db_index=True, editable=False, help_text="Family name and first initial."
    )
    other_names = ArrayField(models.CharField(max_length=255), default=list, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    orcid = models.CharField("ORCID iD", max_length=19, unique=True, null=True, blank=True)
    openalex_id = models.CharField("OpenAlex ID", max_length=20, unique=True, null=True, blank=True)
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.SET_NULL, related_name="researchers"
    )
    open_to_collaborate = models.BooleanField(default=False)
    owner = models.ForeignKey(
        "profiles.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="researchers",
        help_text="Set by an approved claim (claims app), never by hand.",
    )
    claim_level = models.PositiveSmallIntegerField(
        default=0, help_text="2: claimed with proof; 3: reviewed or two proofs. 0: unclaimed."
    )
    affiliation_set_by_owner = models.BooleanField(default=False)
    collaboration_topics = models.CharField(
        max_length=300, blank=True, help_text="What the owner would like to collaborate on."
    )
    collaboration_capacity = models.CharField(
        max_length=200, blank=True, help_text="How much time they have, in their words."
    )
    sources = ArrayField(models.CharField(max_length=20), default=list, blank=True)

    # Derived data, kept right by trust.services.researcher_refresh_stats and the follow
    # signals; pages read these instead of counting.
    works_count = models.PositiveIntegerField(default=0)
    followers_count = models.PositiveIntegerField(default=0)
    topics_count = models.PositiveIntegerField(default=0)
    close_collaborators_count = models.PositiveIntegerField(default=0)
    top_topics = ArrayField(models.CharField(max_length=255), default=list, blank=True)
    first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(null=True, blank=True)
    verification_level = models.PositiveSmallIntegerField(default=0)
    trust_score = models.PositiveSmallIntegerField(default=0)
    trust_components = models.JSONField(default=list, blank=True)
    stats_refreshed_at = models.DateTimeField(null=True, blank=True)
    stats_stale = models.BooleanField(
        default=True, help_text="Its works changed since the counts were last refreshed."
    )
    stale_reason = models.CharField(
        max_length=200, blank=True, help_text="What changed, for the trust history."
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResearcherQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]
        indexes = [
            GinIndex(name="researcher_name_trgm", fields=["name_key"], opclasses=["gin_trgm_ops"]),
            models.Index(fields=["-works_count"], name="researcher_works_count"),
            models.Index(
                fields=["id"], condition=Q(stats_stale=True), name="researcher_stats_stale"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(trust_score__lte=100), name="researcher_trust_score_range"
            ),
            models.CheckConstraint(
                condition=Q(verification_level__lte=3), name="researcher_verification_range"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("pages:researcher-detail", args=[self.slug])

    @property
    def trust_band(self) -> str:
        return trust.band(self.trust_score)

    def is_owned_by(self, user) -> bool:
        """The one rule for owners' changes: the record is claimed, by this person."""
        return self.owner_id is not None and self.owner_id == getattr(user, "pk", None)

    @property
    def is_claimed(self) -> bool:
        return self.owner_id is not None

    @property
    def source_names(self) -> list[str]:
        return source_labels(self.sources)

    @property
    def summary_line(self) -> str:
        """The owner's summary, or a line built from the imported data."""
        if self.summary:
            return self.summary
        return imported_summary(self)


def imported_summary(researcher: Researcher) -> str:
    parts = []
    if researcher.top_topics:
        topics = researcher.top_topics[:3]
        listed = ", ".join(topics[:-1]) + (" and " if len(topics) > 1 else "") + topics[-1]
        parts.append(f"Works on {listed}")
    if researcher.first_year and researcher.last_year:
        span = (
            str(researcher.first_year)
            if researcher.first_year == researcher.last_year
            else f"{researcher.first_year}–{researcher.last_year}"
        )
        count = researcher.works_count
        parts.append(f"{count} published item{'s' if count != 1 else ''}, {span}")
    return "; ".join(parts) + "." if parts else ""


class SlugRedirect(models.Model):
    """An old address of a researcher page, kept working after a merge or a rename."""

    slug = models.SlugField(max_length=120, unique=True)
    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.slug} -> {self.researcher.slug}"


class OpenAlexRedirect(models.Model):
    """An OpenAlex author ID that OpenAlex merged into the record's own: /openalex/<id> keeps
    leading to the record."""

    openalex_id = models.CharField("OpenAlex ID", max_length=20, unique=True)
    researcher = models.ForeignKey(
        Researcher, on_delete=models.CASCADE, related_name="openalex_redirects"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.openalex_id} -> {self.researcher.slug}"


class ResearcherChange(models.Model):
    """History of merges and splits: who, when, what, why."""

    class Kind(models.TextChoices):
        MERGE = "merge", "Merge"
        SPLIT = "split", "Split"
        ADD_WORK = "add-work", "Work added by the owner"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    researcher = models.ForeignKey(
        Researcher, null=True, on_delete=models.SET_NULL, related_name="changes"
    )
    other_name = models.CharField(max_length=255, help_text="The record merged in or split off.")
    other_slug = models.CharField(max_length=120)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    reason = models.CharField(max_length=500)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.researcher} / {self.other_name}"


class Follow(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follows")
    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "researcher"], name="follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.researcher}"


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        """Not revoked and not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A personal access token for the API. Only a hash of its secret is stored: the token is
    shown once, when it is made. It never carries staff powers."""

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "read-write", "Read and write"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True, help_text="Shown to tell tokens apart.")
    secret_hash = models.CharField(max_length=64, help_text="SHA-256 of the secret, in hex.")
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE
