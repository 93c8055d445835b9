"""Running a job, in its Celery task: take it, read its keys through the importer (as
``manage.py fetch`` does), and finish it with what came of it. Idempotent: the importer writes
each record once however many runs there are, and the owner's work is linked once."""

from collections.abc import Callable, Iterator
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bzpeer.lib.sources import Source
from profiles.models import Researcher, User
from sources.models import FetchJob, SourceRead
from works.fetching import SourceDown, fetch
from works.importer import Summary, run_fetch
from works.models import Authorship, WorkAddition
from works.services import authorship_add

# OpenAlex's incremental queries start this long before the last read, so that a work
# changed on the day of the last read is not missed.
OVERLAP = timedelta(days=1)
SOURCE_OF_KEY = {"openalex": Source.OPENALEX, "orcid": Source.ORCID}
# A claimed record is read again when it was last read this long ago, at its own hour.
SCHEDULED_EVERY = timedelta(hours=20)
NEVER_TAKEN_AFTER = timedelta(minutes=15)


class SourceUnavailable(Exception):
    """A source was down or refusing for now: the job is to be retried later."""


def job_create(**fields) -> FetchJob | None:
    """A new job, or None when the same one is already waiting or running."""
    try:
        with transaction.atomic():
            return FetchJob.objects.create(**fields)
    except IntegrityError:
        return None


def source_keys(researcher: Researcher) -> list[str]:
    """What to read to refresh a record: its ORCID record and its OpenAlex author."""
    keys = []
    if researcher.orcid:
        keys.append(f"orcid:{researcher.orcid}")
    if researcher.openalex_id:
        keys.append(f"openalex:{researcher.openalex_id}")
    return keys


def refresh_job(*, researcher: Researcher, user: User | None) -> tuple[FetchJob, bool]:
    """The record's refresh job: the one waiting or running, else a new one (True)."""
    keys = source_keys(researcher)
    if not keys:
        raise ValidationError("This record has no ORCID iD or OpenAlex ID to read it by.")
    job = job_create(kind=FetchJob.Kind.REFRESH, user=user, researcher=researcher, keys=keys)
    if job is None:
        active = FetchJob.objects.active().filter(researcher=researcher)
        return active.get(kind=FetchJob.Kind.REFRESH), False
    return job, True


def scheduled_jobs(*, hour: int, limit: int = 5000) -> list[FetchJob]:
    """New refresh jobs for the claimed records whose turn it is (their id's hour of the
    day) and that were not read for SCHEDULED_EVERY."""
    fresh = SourceRead.objects.filter(read_at__gte=timezone.now() - SCHEDULED_EVERY)
    due = (
        Researcher.objects.filter(owner__isnull=False)
        .exclude(orcid__isnull=True, openalex_id__isnull=True)
        .alias(turn=F("id") % 24)
        .filter(turn=hour)
        .exclude(pk__in=fresh.values("researcher_id"))
        .exclude(pk__in=FetchJob.objects.active().values("researcher_id"))
        .order_by("id")
    )
    made = (refresh_job(researcher=researcher, user=None) for researcher in due[:limit])
    return [job for job, created in made if created]


def jobs_never_taken():
    """Jobs whose task was never queued (the broker was down after the commit)."""
    return FetchJob.objects.filter(
        status=FetchJob.Status.QUEUED,
        attempts=0,
        created_at__lt=timezone.now() - NEVER_TAKEN_AFTER,
    )


def job_claim(job_id: int) -> FetchJob | None:
    """Take the job for this run (again, after a crash or a retry); None when it is finished
    or gone."""
    taken = (
        FetchJob.objects.active()
        .filter(pk=job_id)
        .update(status=FetchJob.Status.RUNNING, attempts=F("attempts") + 1)
    )
    return FetchJob.objects.select_related("researcher", "user").get(pk=job_id) if taken else None


def job_read(job: FetchJob, report: Callable[[str], None] = lambda line: None) -> Summary:
    """Read the job's keys through the importer. SourceUnavailable when a source is down
    (what was read before it is kept); keys the sources do not hold are in the summary."""
    since = {}
    if job.researcher_id:
        since = dict(
            SourceRead.objects.filter(researcher_id=job.researcher_id).values_list(
                "source", "read_at"
            )
        )

    def read(key: str) -> Iterator:
        scheme = key.partition(":")[0]
        last = since.get(SOURCE_OF_KEY.get(scheme, ""))
        try:
            yield from fetch(key, since=(last - OVERLAP).date() if last else None)
        except SourceDown as exc:
            raise SourceUnavailable(str(exc)) from exc

    summary = run_fetch(job.keys, read, report)
    if job.researcher_id:
        for key in job.keys:
            source = SOURCE_OF_KEY.get(key.partition(":")[0])
            if source and not any(p.startswith(f"{key}: ") for p in summary.problems):
                source_read(researcher_id=job.researcher_id, source=source)
    return summary


def source_read(*, researcher_id: int, source: str) -> None:
    SourceRead.objects.update_or_create(
        researcher_id=researcher_id, source=source, defaults={"read_at": timezone.now()}
    )


def job_finish(job: FetchJob, message: str, *, failed: bool = False, **changes) -> FetchJob:
    status = FetchJob.Status.FAILED if failed else FetchJob.Status.DONE
    FetchJob.objects.filter(pk=job.pk).update(
        status=status, message=message[:2000], finished_at=timezone.now(), **changes
    )
    job.refresh_from_db()
    return job


def job_waiting(job_id: int, message: str) -> None:
    FetchJob.objects.active().filter(pk=job_id).update(
        status=FetchJob.Status.RETRYING, message=message[:2000]
    )


def added_message(added: Authorship | WorkAddition) -> str:
    """What an owner is told of a work they added: linked, or waiting for staff."""
    if isinstance(added, WorkAddition):
        return (
            f"No name in the byline of “{added.work.title}” fits this record: staff will "
            "check the work is yours before it is added."
        )
    return f"Added “{added.work.title}” as {added.printed_name}."


def job_outcome(job: FetchJob, summary: Summary) -> FetchJob:
    """Finish an ADD or REFRESH job whose keys were read: the work linked, or what changed."""
    if summary.problems and not (summary.created or summary.updated or summary.unchanged):
        return job_finish(job, "; ".join(summary.problems), failed=True)
    if job.kind == FetchJob.Kind.ADD and job.researcher and job.user:
        try:
            added = authorship_add(
                researcher=job.researcher, user=job.user, identifier=job.identifier
            )
        except (ValidationError, PermissionDenied) as exc:
            return job_finish(job, " ".join(getattr(exc, "messages", [str(exc)])), failed=True)
        return job_finish(job, added_message(added))
    changed = summary.created + summary.updated
    said = f"{changed} records new or changed, {summary.unchanged} unchanged."
    if summary.problems:
        said += " Not read: " + "; ".join(summary.problems)
    return job_finish(job, said)
