from celery import shared_task

from claims.services import page_build_finish
from sources.tasks import JOB_TASK, run_or_retry


@shared_task(name="claims.page_build", **JOB_TASK)
def page_build(self, job_id: int) -> str | None:
    """Build a person's page from ORCID: read their ORCID record and OpenAlex author (retried
    while a source is down), then make the record theirs. Delivered twice, it does it once."""
    read = run_or_retry(self, job_id)
    if read is None:
        return None
    job, summary = read
    return page_build_finish(job=job, not_read=summary.problems).status
