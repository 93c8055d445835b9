"""The trust app's answers to profiles.signals: lower apps ask for researchers' figures to be
recomputed, this app recomputes them (now, or in Celery tasks)."""

from django.dispatch import receiver

from profiles.signals import refresh_now, refresh_queued
from trust import tasks
from trust.services import researcher_refresh_stale, researcher_refresh_stats


@receiver(refresh_now, dispatch_uid="trust.refresh_now")
def refresh_now_received(sender, *, researcher_ids, event="", progress=None, **kwargs) -> int:
    if researcher_ids is None:
        return researcher_refresh_stale(progress=progress, event=event)
    return researcher_refresh_stats(researcher_ids=researcher_ids, event=event)


@receiver(refresh_queued, dispatch_uid="trust.refresh_queued")
def refresh_queued_received(sender, *, researcher_ids, event="", **kwargs) -> None:
    tasks.refresh_in_chunks(list(researcher_ids), event)
