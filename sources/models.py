"""Reads from the scholarly sources that the site runs for people, as Celery jobs: an owner's
work added by DOI, an owner's or the schedule's refresh, a page built from ORCID. And, per
record and source, when it was last read."""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse

from bzpeer.lib.sources import Source


class FetchJobQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=FetchJob.ACTIVE)

    def visible_to(self, user):
        """A job is its starter's own: nobody else sees what they asked for."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class FetchJob(models.Model):
    class Kind(models.TextChoices):
        BUILD = "build", "Build a page from ORCID"
        ADD = "add", "Add a work"
        REFRESH = "refresh", "Refresh from the sources"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Reading the sources"
        RETRYING = "retrying", "A source did not answer: trying again soon"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    ACTIVE = (Status.QUEUED, Status.RUNNING, Status.RETRYING)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    user = models.ForeignKey(
        "profiles.User",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fetch_jobs",
        help_text="Who asked; empty for the scheduled refreshes.",
    )
    researcher = models.ForeignKey(
        "profiles.Researcher",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fetch_jobs",
        help_text="The record it is for; a page being built has none until it is made.",
    )
    keys = ArrayField(models.CharField(max_length=300), default=list)
    identifier = models.CharField(max_length=300, blank=True, help_text="The work asked for.")
    message = models.TextField(blank=True, help_text="What came of it, for the person.")
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = FetchJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["researcher", "kind", "-created_at"], name="fetch_job_recent"),
            models.Index(fields=["user", "-created_at"], name="fetch_job_by_user"),
        ]
        constraints = [
            # One page built at a time per person, and one job of a kind per record.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(kind="build", status__in=["queued", "running", "retrying"]),
                name="fetch_job_one_build",
            ),
            models.UniqueConstraint(
                fields=["researcher", "kind", "identifier"],
                condition=Q(status__in=["queued", "running", "retrying"]),
                name="fetch_job_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("sources:job-detail", args=[self.public_id])

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class SourceRead(models.Model):
    """When a record was last read live from one source (a job that reached it)."""

    researcher = models.ForeignKey(
        "profiles.Researcher", on_delete=models.CASCADE, related_name="source_reads"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    read_at = models.DateTimeField()

    class Meta:
        ordering = ["source"]
        constraints = [
            models.UniqueConstraint(fields=["researcher", "source"], name="source_read_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} read {self.read_at:%Y-%m-%d %H:%M}"
