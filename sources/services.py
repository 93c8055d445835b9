"""Starting the jobs that read the sources for people: in a request, a row and a task queued
once the transaction commits, nothing external (sources.jobs runs them in the worker).

An owner's work by DOI or arXiv ID, when BZPEER does not hold it; an owner's refresh (once an
hour at most). The schedule's refreshes start in sources.tasks.refresh_dispatch."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bzpeer.lib.identifiers import work_key
from profiles.models import Researcher, User
from profiles.services import check_owner
from sources import tasks
from sources.jobs import job_create, refresh_job
from sources.models import FetchJob
from works.models import Work
from works.services import authorship_add

REFRESH_EVERY = timedelta(hours=1)


def job_queue(job: FetchJob, task=tasks.fetch_job_run) -> FetchJob:
    """Send ``task`` for the job once the transaction commits. robust: a broker down then
    leaves the job queued, for tasks.queued_jobs_dispatch to send again."""
    transaction.on_commit(lambda: task.delay(job.pk), robust=True)
    return job


@transaction.atomic
def work_add_or_fetch(*, researcher: Researcher, user: User, identifier: str):
    """An owner's work by DOI or arXiv ID: linked at once when BZPEER holds it (an Authorship
    or a WorkAddition for staff), else a job that fetches it and then links it (FetchJob)."""
    check_owner(researcher, user)
    found_by = work_key(identifier)
    if found_by is None:
        raise ValidationError("That is neither a DOI nor an arXiv ID.")
    if Work.objects.identified_by(*found_by).exists():
        return authorship_add(researcher=researcher, user=user, identifier=identifier)
    key = ":".join(found_by)
    job = job_create(
        kind=FetchJob.Kind.ADD, user=user, researcher=researcher, keys=[key], identifier=key
    )
    if job is None:
        return FetchJob.objects.active().get(researcher=researcher, identifier=key)
    return job_queue(job)


@transaction.atomic
def refresh_start(*, researcher: Researcher, user: User) -> FetchJob:
    """An owner's "refresh from my sources": their ORCID record and OpenAlex author read
    again, at most once an hour."""
    check_owner(researcher, user)
    last = FetchJob.objects.filter(researcher=researcher, kind=FetchJob.Kind.REFRESH).first()
    since_last = timezone.now() - last.created_at if last and last.user_id else None
    if last and since_last is not None and since_last < REFRESH_EVERY and not last.is_active:
        wait = int((REFRESH_EVERY - since_last).total_seconds() // 60) + 1
        raise ValidationError(
            f"This record was refreshed less than an hour ago: try again in {wait} minutes."
        )
    job, created = refresh_job(researcher=researcher, user=user)
    return job_queue(job) if created else job
