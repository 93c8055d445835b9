from celery import shared_task
from django.db import OperationalError

from graph import services
from graph.models import GraphSlice
from profiles.models import Researcher

DISPATCH_LIMIT = 500


@shared_task(
    name="graph.slice_build",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=240,
    time_limit=300,
)
def slice_build(researcher_id: int) -> int | None:
    """Build one slice. Idempotent and safe to retry: a build holds the slice's lock, so two
    workers never build one researcher at once, and a built slice is not built again. A
    worker killed mid-build leaves this message unacknowledged: it is delivered again after
    the broker's visibility timeout and the slice is built then. A missing researcher is a
    no-op."""
    if not Researcher.objects.filter(pk=researcher_id).exists():
        return None
    built = services.slice_build(researcher_id=researcher_id)
    return built.version if built else None


@shared_task(name="graph.slices_dispatch", soft_time_limit=100, time_limit=120)
def slices_dispatch(limit: int = DISPATCH_LIMIT) -> int:
    """Periodic: one build task per waiting slice, oldest request first. However many times a
    researcher's works changed since, this builds the slice once."""
    ids = list(
        GraphSlice.objects.waiting()
        .order_by("requested_at")
        .values_list("researcher_id", flat=True)[:limit]
    )
    for researcher_id in ids:
        slice_build.delay(researcher_id)
    return len(ids)
