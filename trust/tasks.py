"""Celery tasks of the trust app: recomputing researchers' counts and trust. The task names
are the ones the broker has held since these lived in profiles."""

from celery import shared_task
from django.db import OperationalError

from profiles.models import Researcher
from trust.services import REFRESH_CHUNK, researcher_refresh_stats


@shared_task(
    name="profiles.researchers_refresh",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=600,
)
def researchers_refresh(researcher_ids: list[int], event: str = "") -> int:
    """Recount these researchers. Idempotent: safe to retry or to run twice."""
    return researcher_refresh_stats(researcher_ids=researcher_ids, event=event)


@shared_task(name="profiles.researchers_refresh_stale", time_limit=300)
def researchers_refresh_stale() -> int:
    """Periodic dispatcher: one refresh task per chunk of researchers marked stale."""
    ids = list(Researcher.objects.stale().order_by("id").values_list("id", flat=True))
    refresh_in_chunks(ids)
    return len(ids)


def refresh_in_chunks(ids: list[int], event: str = "") -> None:
    """One refresh task per chunk of these researchers."""
    for start in range(0, len(ids), REFRESH_CHUNK):
        researchers_refresh.delay(ids[start : start + REFRESH_CHUNK], event)
