"""The jobs end to end on a real Celery worker and Redis, with the sources as local servers:
a work added by DOI through a Crossref that first answers 500 (the job waits, is retried, and
the pages work meanwhile), a page built from ORCID, and the schedule's refresh."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from profiles.models import Researcher
from sources import tasks
from sources.models import FetchJob, SourceRead
from tests.factories import ResearcherFactory
from tests.people import make_person
from tests.processes import site_worker, wait_for
from tests.sources_server import (
    CHAMBERLAIN,
    FakeArxiv,
    FakeCrossref,
    FakeOpenAlex,
    FakeOrcidApi,
    Fault,
)

SREP = "10.1038/srep16696"


@pytest.fixture
def worker():
    """A worker on its own queue, which the site's tasks go to, reading the local sources."""
    servers = {
        "OPENALEX_API_URL": FakeOpenAlex(),
        "CROSSREF_API_URL": FakeCrossref(),
        "ARXIV_API_URL": FakeArxiv(),
        "ORCID_API_URL": FakeOrcidApi(),
    }
    for server in servers.values():
        server.start()
    try:
        with site_worker(**{name: server.url for name, server in servers.items()}):
            yield servers
    finally:
        for server in servers.values():
            server.stop()


def finished(job: FetchJob):
    job.refresh_from_db()
    return job if not job.is_active else None


@pytest.mark.django_db(transaction=True)
def test_a_work_added_by_doi_waits_out_a_crossref_500_and_arrives(client, worker):
    crossref = worker["CROSSREF_API_URL"]
    crossref.faults[f"works/{SREP}"] = [Fault(500, headers={"Retry-After": "0"})] * 4
    user = make_person("laura@example.org", "Laura Tosatto")
    tosatto = ResearcherFactory(display_name="Laura Tosatto", owner=user, claim_level=2)
    client.force_login(user)
    client.post(reverse("sources:work-add", args=[tosatto.slug]), {"identifier": SREP})
    job = FetchJob.objects.get()

    def retrying():
        job.refresh_from_db()
        return job.status == FetchJob.Status.RETRYING

    wait_for(retrying, 30, "the job to wait for a retry")
    # Meanwhile the pages answer, and show the job waiting.
    assert client.get(tosatto.get_absolute_url()).status_code == 200
    sources_page = client.get(reverse("sources:researcher-sources", args=[tosatto.slug]))
    assert "A source did not answer" in sources_page.content.decode()

    wait_for(lambda: finished(job), 60, "the retried job to finish")
    assert (job.status, job.attempts) == ("done", 2)
    assert job.message.startswith("Added “Single-molecule FRET studies")
    assert tosatto.authorships.count() == 1
    assert Researcher.objects.get(pk=tosatto.pk).works_count == 1


@pytest.mark.django_db(transaction=True)
def test_build_my_page_and_the_schedules_refresh_on_a_worker(client, worker):
    user = make_person("scott@example.org")
    SocialAccount.objects.create(user=user, provider="orcid", uid=CHAMBERLAIN, extra_data={})
    client.force_login(user)
    client.post(reverse("claims:page-build"))
    job = wait_for(lambda: finished(FetchJob.objects.get()), 60, "the page to be built")
    assert job.status == "done", job.message
    record = Researcher.objects.get(orcid=CHAMBERLAIN)
    assert (job.researcher_id, record.owner, record.claim_level) == (record.pk, user, 2)
    assert record.works_count == 55

    # The schedule, a day later: the record is due at its hour, and read again.
    SourceRead.objects.update(read_at=job.created_at.replace(year=job.created_at.year - 1))
    # (beat's dispatcher runs here: the jobs it queues go to the worker's queue)
    assert tasks.refresh_dispatch(record.pk % 24) == 1
    refresh = FetchJob.objects.get(kind="refresh")
    wait_for(lambda: finished(refresh), 60, "the scheduled refresh")
    assert (refresh.status, refresh.user) == ("done", None)
    assert SourceRead.objects.get(researcher=record, source="orcid").read_at > refresh.created_at
    assert Researcher.objects.get(pk=record.pk).works_count == 55
