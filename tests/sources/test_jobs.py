"""What people ask the site to read from the sources, run as Celery jobs (eager here; a real
worker in test_worker.py): a work added by DOI that BZPEER did not hold, a refresh from the
owner's sources and the schedule's, a page built from ORCID. Nothing external runs in a
request; a source down leaves the job retried; the owner's corrections survive."""

from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, Evidence
from claims.tasks import page_build
from profiles.models import Researcher
from sources import jobs, tasks
from sources.models import FetchJob, SourceRead
from tests.factories import FetchJobFactory, ResearcherFactory
from tests.people import PRIEM, import_priem, make_person, sign_in
from tests.sources_server import CHAMBERLAIN, Fault
from works.models import Authorship, Work, WorkAddition
from works.services import authorship_hide

SREP = "10.1038/srep16696"  # Crossref: 8 authors, Laura Tosatto first
WORKS_OF_CHAMBERLAIN = 55  # his 111 ORCID work groups, as tests/works/test_fetch.py counts


def owner_of(name: str, **fields):
    user = make_person(f"{name.split()[0].lower()}@example.org", name)
    researcher = ResearcherFactory(display_name=name, owner=user, claim_level=2, **fields)
    return user, researcher


def add_work(client, researcher, identifier, capture):
    with capture(execute=True):
        return client.post(
            reverse("sources:work-add", args=[researcher.slug]), {"identifier": identifier}
        )


@pytest.mark.django_db
def test_a_work_bzpeer_does_not_hold_is_fetched_then_linked_to_its_owner_once(
    client, sources, django_capture_on_commit_callbacks
):
    user, tosatto = owner_of("Laura Tosatto")
    sign_in(client, user)
    response = add_work(
        client, tosatto, f"https://doi.org/{SREP}", django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    job = FetchJob.objects.get()
    assert (job.kind, job.status, job.keys) == ("add", "done", [f"doi:{SREP}"])
    assert job.message == f"Added “{Work.objects.get().title}” as Laura Tosatto."
    work = Work.objects.get()
    # Linked to the byline entry that names her, not added as a ninth author.
    assert work.authorships.count() == 8
    entry = Authorship.objects.get(work=work, researcher=tosatto)
    assert (entry.position, entry.printed_name, entry.pinned) == (0, "Laura Tosatto", True)
    assert [r.path for r in sources.crossref.requests] == [f"works/{SREP}"]
    page = client.get(reverse("sources:researcher-sources", args=[tosatto.slug]))
    assert "Added “Single-molecule FRET studies" in page.content.decode()

    # Asked again: BZPEER holds it now, so it is linked at once, with no job and no request.
    add_work(client, tosatto, SREP, django_capture_on_commit_callbacks)
    assert FetchJob.objects.count() == 1
    assert len(sources.crossref.requests) == 1
    assert work.authorships.count() == 8


@pytest.mark.django_db
def test_a_fetched_work_whose_byline_does_not_name_the_owner_waits_for_staff(
    client, sources, django_capture_on_commit_callbacks
):
    user, someone = owner_of("Someone Else")
    sign_in(client, user)
    add_work(client, someone, SREP, django_capture_on_commit_callbacks)
    job = FetchJob.objects.get()
    assert job.status == "done"
    assert "staff will check the work is yours" in job.message
    assert WorkAddition.objects.filter(researcher=someone, status="pending").count() == 1
    assert not Authorship.objects.filter(researcher=someone).exists()


@pytest.mark.django_db
def test_a_work_no_source_holds_ends_the_job_saying_so(
    client, sources, django_capture_on_commit_callbacks
):
    user, owner = owner_of("Laura Tosatto")
    sign_in(client, user)
    add_work(client, owner, "arXiv:2101.00001", django_capture_on_commit_callbacks)
    job = FetchJob.objects.get()
    assert job.status == "failed"
    assert job.message == "arxiv:2101.00001: arXiv holds no such record"
    assert Work.objects.count() == 0
    response = add_work(client, owner, "not an identifier", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert FetchJob.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fault",
    [Fault(500, headers={"Retry-After": "0"}), Fault(delay=1.0)],
    ids=["500", "timeout"],
)
def test_a_source_down_leaves_the_job_retried_until_it_answers(
    client, sources, django_capture_on_commit_callbacks, fault, eager_retries
):
    """The client tries four times; then the task waits and runs the job again."""
    sources.crossref.faults[f"works/{SREP}"] = [fault] * 4
    user, tosatto = owner_of("Laura Tosatto")
    sign_in(client, user)
    add_work(client, tosatto, SREP, django_capture_on_commit_callbacks)
    job = FetchJob.objects.get()
    assert (job.status, job.attempts) == ("done", 2)
    assert Authorship.objects.filter(researcher=tosatto).count() == 1
    assert len(sources.crossref.requests) == 5


@pytest.mark.django_db
def test_a_source_down_for_good_fails_the_job_after_its_retries(
    client, sources, django_capture_on_commit_callbacks, monkeypatch, eager_retries
):
    monkeypatch.setattr(tasks, "RETRIES", 1)
    sources.crossref.faults[f"works/{SREP}"] = [Fault(503, headers={"Retry-After": "0"})] * 8
    user, tosatto = owner_of("Laura Tosatto")
    sign_in(client, user)
    add_work(client, tosatto, SREP, django_capture_on_commit_callbacks)
    job = FetchJob.objects.get()
    assert (job.status, job.attempts) == ("failed", 2)
    assert job.message.startswith("The sources did not answer; gave up")
    # The record's page is unharmed.
    assert client.get(tosatto.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_a_waiting_job_shows_on_the_page_and_polls_itself(client):
    job = FetchJobFactory(kind="add", identifier=f"doi:{SREP}", keys=[f"doi:{SREP}"])
    make_person("x@example.org")  # someone else, so that the job is the owner's own
    job.user.emailaddress_set.create(email=job.user.email, verified=True, primary=True)
    client.force_login(job.user)
    page = client.get(reverse("sources:researcher-sources", args=[job.researcher.slug]))
    body = page.content.decode()
    assert f'hx-get="{job.get_absolute_url()}"' in body
    assert "Waiting for a worker" in body
    fragment = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div class="panel job job--queued"')
    assert "HX-Request" in fragment["Vary"]
    FetchJob.objects.filter(pk=job.pk).update(status="done", message="Added it.")
    done = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "hx-get" not in done and "Added it." in done


@pytest.mark.django_db
def test_jobs_and_their_buttons_are_their_owners_only(client, sources):
    job = FetchJobFactory()
    stranger = make_person("stranger@example.org", "A Stranger")
    client.force_login(stranger)
    assert client.get(job.get_absolute_url()).status_code == 404
    slug = job.researcher.slug
    assert client.post(reverse("sources:refresh", args=[slug])).status_code == 403
    assert (
        client.post(reverse("sources:work-add", args=[slug]), {"identifier": SREP}).status_code
        == 403
    )
    assert client.get(reverse("sources:researcher-sources", args=[slug])).status_code == 403
    assert FetchJob.objects.count() == 1
    assert sources.crossref.requests == [] and sources.openalex.requests == []
    client.logout()
    assert client.get(job.get_absolute_url()).status_code == 302  # to the login page


@pytest.fixture
def priem_owned(db):
    priem = import_priem()
    user = make_person("jason@example.org", "Jason Priem")
    Researcher.objects.filter(pk=priem.pk).update(owner=user, claim_level=2)
    priem.refresh_from_db()
    return user, priem


@pytest.mark.django_db
def test_refresh_reads_the_owners_sources_keeps_their_corrections_and_waits_an_hour(
    client, sources, django_capture_on_commit_callbacks, priem_owned
):
    user, priem = priem_owned
    oa_work = Work.objects.get(title__startswith="The state of OA")
    authorship_hide(researcher=priem, user=user, work=oa_work)
    sign_in(client, user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sources:refresh", args=[priem.slug]))
    job = FetchJob.objects.get()
    assert job.keys == [f"orcid:{PRIEM.orcid}", "openalex:A5023888391"]
    assert job.status == "done"
    # ORCID holds no public record for him here: said, and not counted as read.
    assert f"Not read: orcid:{PRIEM.orcid}: ORCID holds no such record" in job.message
    assert list(SourceRead.objects.values_list("source", flat=True)) == ["openalex"]
    assert Authorship.objects.get(researcher=priem, work=oa_work).hidden
    assert Work.objects.count() == 2  # his second work came with the author's works
    profile = client.get(priem.get_absolute_url()).content.decode()
    assert 'id="source-reads"' in profile and "Last read: OpenAlex" in profile

    response = client.post(reverse("sources:refresh", args=[priem.slug]), follow=True)
    assert "refreshed less than an hour ago" in response.content.decode()
    assert FetchJob.objects.count() == 1


@pytest.mark.django_db
def test_the_schedule_reads_claimed_records_at_their_hour_incrementally(
    sources, django_capture_on_commit_callbacks, priem_owned
):
    user, priem = priem_owned
    other = ResearcherFactory(openalex_id="A5317838346", owner=make_person("o@example.org"))
    ResearcherFactory(openalex_id="A999")  # unclaimed: never on the schedule
    hour = priem.id % 24
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.refresh_dispatch(hour=hour) == 1 + (other.id % 24 == hour)
    first = FetchJob.objects.get(researcher=priem)
    assert first.user is None and first.status == "done"
    assert "from_updated_date" not in sources.openalex.seen("works")[0].query["filter"][0]

    # Read a day ago: due again, and OpenAlex is asked only for what changed since the day
    # before that read.
    day_ago = timezone.now() - timedelta(days=1)
    SourceRead.objects.filter(researcher=priem).update(read_at=day_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.refresh_dispatch(hour=hour) == 1
        assert tasks.refresh_dispatch(hour=(hour + 1) % 24) == (other.id % 24 == hour + 1)
    since = (day_ago - jobs.OVERLAP).date().isoformat()
    assert sources.openalex.seen("works")[-1].query["filter"] == [
        f"author.id:A5023888391,from_updated_date:{since}"
    ]
    # Just read: not due.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.refresh_dispatch(hour=hour) == 0


def orcid_person(email: str, orcid: str):
    user = make_person(email)
    SocialAccount.objects.create(user=user, provider="orcid", uid=orcid, extra_data={})
    return user


@pytest.mark.django_db
def test_build_my_page_from_orcid_makes_a_record_that_is_mine_at_l2(
    client, sources, django_capture_on_commit_callbacks
):
    user = orcid_person("scott@example.org", CHAMBERLAIN)
    client.force_login(user)
    home = client.get(reverse("pages:home")).content.decode()
    assert "Build my page from ORCID" in home and CHAMBERLAIN in home
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("claims:page-build"))
    job = FetchJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.keys == [f"orcid:{CHAMBERLAIN}", f"openalex:orcid:{CHAMBERLAIN}"]
    record = Researcher.objects.get(orcid=CHAMBERLAIN)
    assert (job.status, job.researcher) == ("done", record)
    assert (record.owner, record.claim_level, record.verification_level) == (user, 2, 2)
    assert record.works_count == WORKS_OF_CHAMBERLAIN
    claim = Claim.objects.get()
    assert (claim.status, claim.level, claim.claimant) == ("approved", 2, user)
    assert claim.evidence.get().kind == Evidence.Kind.ORCID
    status = client.get(job.get_absolute_url()).content.decode()
    assert "Your page is ready" in status and record.get_absolute_url() in status
    assert "Your page:" in client.get(reverse("pages:home")).content.decode()

    # Delivered again (a worker died before acknowledging): nothing changes.
    FetchJob.objects.filter(pk=job.pk).update(status="running")
    page_build.delay(job.pk)
    assert (Claim.objects.count(), Researcher.objects.filter(orcid=CHAMBERLAIN).count()) == (1, 1)
    # And asking again is refused: the record exists.
    response = client.post(reverse("claims:page-build"), follow=True)
    assert "claim it instead" in response.content.decode()


@pytest.mark.django_db
def test_build_my_page_takes_the_openalex_author_found_by_the_orcid_id(
    client, sources, django_capture_on_commit_callbacks
):
    user = orcid_person("jason@example.org", PRIEM.orcid)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("claims:page-build"))
    record = Researcher.objects.get(orcid=PRIEM.orcid)
    assert (record.openalex_id, record.owner, record.claim_level) == ("A5023888391", user, 2)
    assert record.display_name == "Jason Priem"
    assert sources.openalex.seen(f"authors/orcid:{PRIEM.orcid}")
    assert FetchJob.objects.get().status == "done"


@pytest.mark.django_db
def test_build_my_page_needs_orcid_sign_in(client, sources):
    client.force_login(make_person("plain@example.org"))
    home = client.get(reverse("pages:home")).content.decode()
    assert "Build my page" not in home
    response = client.post(reverse("claims:page-build"), follow=True)
    assert "Sign in with ORCID first" in response.content.decode()
    assert not FetchJob.objects.exists()
    client.logout()
    assert client.post(reverse("claims:page-build")).status_code == 302
    assert not FetchJob.objects.exists()
