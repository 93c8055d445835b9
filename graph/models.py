from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

# Twice the build task's time limit (graph.tasks.slice_build): no live build is this old.
ABANDONED_AFTER = timedelta(minutes=10)


class GraphSliceQuerySet(models.QuerySet):
    def waiting(self):
        """Slices a worker should build: never built, out of date, or asked again, and those
        left "building" for longer than any build may take (their worker died and its task
        was lost; the build lock makes building them again safe)."""
        abandoned = Q(
            state=GraphSlice.State.BUILDING,
            started_at__lt=timezone.now() - ABANDONED_AFTER,
        )
        return self.filter(
            Q(state__in=[GraphSlice.State.PENDING, GraphSlice.State.STALE]) | abandoned
        )


class GraphSlice(models.Model):
    """A researcher in context: nearby people, works, topics and institutions, with weighted
    edges that say why they are there. Built by a Celery worker (graph.tasks), never in a
    request; pages read it as stored."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        STALE = "stale", "Stale"

    researcher = models.OneToOneField(
        "profiles.Researcher", on_delete=models.CASCADE, related_name="graph_slice"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    version = models.PositiveIntegerField(default=0, help_text="How many times it was built.")
    nodes = models.JSONField(default=list, blank=True)
    edges = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    build_seconds = models.FloatField(null=True, blank=True)

    objects = GraphSliceQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["requested_at"],
                condition=Q(state__in=["pending", "stale"]),
                name="graph_slice_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"Graph slice of {self.researcher_id} ({self.state}, v{self.version})"

    @property
    def has_content(self) -> bool:
        """Ready, or stale but with an earlier build to show meanwhile."""
        return self.version > 0 and self.state in (self.State.READY, self.State.STALE)

    @property
    def is_waiting(self) -> bool:
        return self.state in (self.State.PENDING, self.State.BUILDING, self.State.STALE)
