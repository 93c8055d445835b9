"""Each recomputation of a researcher's trust that moved it."""

from django.db import models

from profiles.models import Researcher


class TrustHistory(models.Model):
    """Each recomputation that moved a researcher's trust, with the formula version that made
    it and the event that moved it."""

    researcher = models.ForeignKey(
        Researcher, on_delete=models.CASCADE, related_name="trust_history"
    )
    score = models.PositiveSmallIntegerField()
    verification_level = models.PositiveSmallIntegerField()
    components = models.JSONField(default=list)
    formula_version = models.PositiveSmallIntegerField()
    event = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "profiles_trusthistory"  # the table it had in profiles
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["researcher", "-created_at"], name="trust_history_recent")]

    def __str__(self) -> str:
        return f"{self.researcher_id}: {self.score} ({self.event})"
