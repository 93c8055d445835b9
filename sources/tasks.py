"""The jobs' tasks: each takes a job's id, runs it once however many times it is delivered
(sources.jobs.job_claim), and is retried with a growing wait while a source is down,
then given up with that said. acks_late: a worker killed mid-job leaves it to the next."""

from celery import current_app, shared_task
from django.utils import timezone

from sources import jobs
from sources.models import FetchJob
from works.importer import Summary

# The task that runs each kind of job (claims builds pages: it ends with a claim).
TASK_OF_KIND = {
    FetchJob.Kind.BUILD: "claims.page_build",
    FetchJob.Kind.ADD: "sources.fetch_job_run",
    FetchJob.Kind.REFRESH: "sources.fetch_job_run",
}

RETRIES = 8  # 5 s, 10 s, 20 s ... about 21 minutes in all
FIRST_WAIT = 5


def run_or_retry(task, job_id: int) -> tuple[FetchJob, Summary] | None:
    """Claim and read the job; on a source down, wait and retry (the task raises Retry),
    or, after RETRIES, fail it. Returns the job and what was read; None when there is
    nothing (more) to do."""
    job = jobs.job_claim(job_id)
    if job is None:
        return None
    try:
        return job, jobs.job_read(job)
    except jobs.SourceUnavailable as exc:
        if task.request.retries >= RETRIES:
            jobs.job_finish(job, f"The sources did not answer; gave up: {exc}", failed=True)
            return None
        jobs.job_waiting(job_id, f"A source did not answer ({exc}); trying again soon.")
        raise task.retry(countdown=FIRST_WAIT * 2**task.request.retries, exc=exc) from exc


# Every job's task: bound (it retries itself), acknowledged once done, within time limits.
JOB_TASK = {
    "bind": True,
    "acks_late": True,
    "max_retries": RETRIES,
    "soft_time_limit": 540,
    "time_limit": 600,
}


@shared_task(name="sources.fetch_job_run", **JOB_TASK)
def fetch_job_run(self, job_id: int) -> str | None:
    """An owner's work by DOI or arXiv ID, or a refresh: read, then link or summarize."""
    read = run_or_retry(self, job_id)
    return jobs.job_outcome(*read).status if read else None


@shared_task(name="sources.refresh_dispatch", soft_time_limit=100, time_limit=120)
def refresh_dispatch(hour: int | None = None) -> int:
    """Hourly, under beat: the claimed records whose hour it is are read again, so every
    claimed record is refreshed about once a day, spread over the day."""
    made = jobs.scheduled_jobs(hour=timezone.now().hour if hour is None else hour)
    for job in made:
        fetch_job_run.delay(job.pk)
    return len(made)


@shared_task(name="sources.queued_jobs_dispatch", soft_time_limit=100, time_limit=120)
def queued_jobs_dispatch() -> int:
    """Jobs whose task was never queued (the broker was down after the commit) go out here."""
    taken = list(jobs.jobs_never_taken().values_list("pk", "kind")[:500])
    for job_id, kind in taken:
        current_app.tasks[TASK_OF_KIND[kind]].delay(job_id)
    return len(taken)
