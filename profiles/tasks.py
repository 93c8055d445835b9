from celery import shared_task
from django.db import OperationalError

from profiles.models import Researcher
from profiles.services import REFRESH_CHUNK, researcher_refresh_stats


@shared_task(
    name="profiles.researchers_refresh",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=600,
)
def researchers_refresh(researcher_ids: list[int]) -> int:
    """Recount these researchers. Idempotent: safe to retry or to run twice."""
    return researcher_refresh_stats(researcher_ids=researcher_ids)


@shared_task(name="profiles.researchers_refresh_stale", time_limit=300)
def researchers_refresh_stale() -> int:
    """Periodic dispatcher: one refresh task per chunk of researchers marked stale."""
    ids = list(
        Researcher.objects.filter(stats_stale=True).order_by("id").values_list("id", flat=True)
    )
    for start in range(0, len(ids), REFRESH_CHUNK):
        researchers_refresh.delay(ids[start : start + REFRESH_CHUNK])
    return len(ids)
