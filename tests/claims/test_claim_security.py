"""Nobody acts on someone else's claim or record, and every form needs its CSRF token."""

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Claim, Report
from claims.services import claim_approve, claim_submit
from profiles.models import Researcher
from sources.models import FetchJob
from tests.conftest import DEMO_FEED, run_command, staff_login
from tests.factories import AuthorshipFactory, ResearcherFactory, WorkFactory
from tests.people import make_person, sign_in
from trust.services import researcher_refresh_stats
from works.models import Authorship, Work, WorkAddition
from works.services import work_addition_decide

OTHER = {"kind": "other", "statement": "Mine."}


def submit(user, researcher, **extra):
    return claim_submit(user=user, researcher=researcher, kind="other", statement="Mine.", **extra)


def owned_demo(owner):
    """The demo record, claimed by ``owner`` and approved by staff."""
    demo = Researcher.objects.get(slug="timothy-lillicrap")
    claim = submit(owner, demo)
    claim_approve(
        claim=claim, staff=make_person("boss@example.org", "Boss", staff=True), reason="Checked."
    )
    researcher_refresh_stats(researcher_ids=[demo.pk])  # what the queued task does
    return Researcher.objects.get(pk=demo.pk)


@pytest.mark.django_db
def test_another_person_cannot_see_a_claim_by_guessing_its_address(client, demo):
    claim = submit(make_person("tim@example.org", "Timothy Lillicrap"), demo)
    client.force_login(make_person("nosy@example.org", "Nosy Parker"))
    assert client.get(claim.get_absolute_url()).status_code == 404
    assert client.post(reverse("claims:claim-release", args=[claim.public_id])).status_code == 404
    client.logout()
    assert client.get(claim.get_absolute_url()).status_code == 302  # to the login page


@pytest.mark.django_db
def test_people_who_are_not_staff_cannot_review_or_decide(client, demo):
    claim = submit(make_person("tim@example.org", "Timothy Lillicrap"), demo)
    client.force_login(make_person("nosy@example.org", "Nosy Parker"))
    review = reverse("claims:staff-review", args=[claim.public_id])
    assert client.get(reverse("claims:staff-queue")).status_code == 403
    client.post(review, {"action": "approve", "reason": "I say so"})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING


@pytest.mark.django_db
def test_nobody_approves_their_own_claim(client, demo):
    staff = make_person("staff@example.org", "Timothy Lillicrap", staff=True)
    claim = submit(staff, demo)
    staff_login(client, staff)
    response = client.post(
        reverse("claims:staff-review", args=[claim.public_id]),
        {"action": "approve", "reason": "It is me"},
        follow=True,
    )
    assert "Nobody decides their own claim." in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING


@pytest.mark.django_db
def test_claiming_needs_a_verified_email(client, demo):
    unverified = make_person("new@example.org", "Timothy Lillicrap", verified=False)
    client.force_login(unverified)
    page = client.get(reverse("claims:claim-start", args=[demo.slug])).content.decode()
    assert "Verify your email address first" in page
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_a_later_claim_waits_for_the_earlier_one(demo):
    first = submit(make_person("a@example.org", "Timothy Lillicrap"), demo)
    second = submit(make_person("b@example.org", "Timothy Lillicrap"), demo)
    staff = make_person("staff@example.org", "Staff", staff=True)
    from claims.services import ClaimError

    with pytest.raises(ClaimError, match="decide that one first"):
        claim_approve(claim=second, staff=staff, reason="ok")
    claim_approve(claim=first, staff=staff, reason="ok")
    assert Researcher.objects.get(pk=demo.pk).owner == first.claimant


@pytest.mark.django_db
def test_only_the_owner_edits_hides_and_adds(client, demo):
    owned_demo(make_person("tim@example.org", "Timothy Lillicrap"))
    client.force_login(make_person("nosy@example.org", "Nosy Parker"))
    work = Work.objects.identified_by("arxiv", "1912.00953").get()
    assert client.get(reverse("profiles:researcher-edit", args=[demo.slug])).status_code == 403
    hide = reverse("works:work-hide", args=[demo.slug, work.public_id])
    assert client.post(hide).status_code == 403
    add = reverse("sources:work-add", args=[demo.slug])
    assert client.post(add, {"identifier": "10.7717/peerj.4375"}).status_code == 403
    assert not Authorship.objects.filter(hidden=True).exists()


@pytest.mark.django_db
def test_an_owner_edits_the_record_and_the_page_shows_it(client, demo):
    tim = make_person("tim@example.org", "Timothy Lillicrap")
    owned_demo(tim)
    client.force_login(tim)
    client.post(
        reverse("profiles:researcher-edit", args=[demo.slug]),
        {
            "summary": "Agents that learn.",
            "affiliation": "Google DeepMind",
            "open_to_collaborate": "on",
        },
    )
    page = client.get(demo.get_absolute_url()).content.decode()
    assert "Agents that learn." in page
    assert "Google DeepMind" in page
    assert "Open to collaborate" in page
    assert "Claimed author" in page and "Verification L2" in page
    assert "Trust" in page


@pytest.mark.django_db
def test_a_hidden_work_stays_hidden_after_a_reimport(client, demo, tmp_path):
    tim = make_person("tim@example.org", "Timothy Lillicrap")
    owned_demo(tim)
    client.force_login(tim)
    logan = Work.objects.identified_by("arxiv", "1912.00953").get()
    client.post(reverse("works:work-hide", args=[demo.slug, logan.public_id]))
    assert Researcher.objects.get(pk=demo.pk).works_count == 12

    # The same feed again, and then with LOGAN's record changed so that its byline is
    # written anew: the correction holds both times.
    assert run_command("import_arxiv", DEMO_FEED)[0] == 0
    changed = DEMO_FEED.read_text().replace(
        "Training generative adversarial networks requires", "Training GANs requires"
    )
    path = tmp_path / "changed.atom.xml"
    path.write_text(changed)
    code, out, _ = run_command("import_arxiv", path)
    assert code == 0 and "1 updated" in out

    entry = Authorship.objects.get(work=logan, researcher=demo)
    assert entry.hidden and entry.pinned
    assert Researcher.objects.get(pk=demo.pk).works_count == 12
    shown = client.get(demo.get_absolute_url()).context["page"].object_list
    assert logan.pk not in {w.pk for w in shown} and len(shown) == 12
    assert Authorship.objects.filter(work=logan).count() == 5


@pytest.mark.django_db
def test_an_owner_adds_a_work_whose_byline_names_them_by_its_doi(client, demo):
    tim = make_person("tim@example.org", "Timothy Lillicrap")
    owned_demo(tim)
    # The same person under a name variant the importer could not join: another record.
    variant = ResearcherFactory(display_name="T. P. Lillicrap", slug="t-p-lillicrap")
    work = WorkFactory(identifier__scheme="doi", identifier__value="10.1234/continuous-control")
    AuthorshipFactory(work=work, position=0, researcher=ResearcherFactory(display_name="J. Hunt"))
    AuthorshipFactory(work=work, position=1, researcher=variant)
    client.force_login(tim)
    response = client.post(
        reverse("sources:work-add", args=[demo.slug]),
        {"identifier": "https://doi.org/10.1234/CONTINUOUS-CONTROL"},
        follow=True,
    )
    assert "as T. P. Lillicrap" in response.content.decode()
    entry = Authorship.objects.get(work=work, position=1)
    assert entry.researcher_id == demo.pk and entry.pinned
    assert work.authorships.count() == 2  # linked, not appended
    assert Researcher.objects.get(pk=demo.pk).works_count == 14
    assert Researcher.objects.get(pk=variant.pk).works_count == 0

    response = client.post(
        reverse("sources:work-add", args=[demo.slug]),
        {"identifier": "10.9999/not-held"},
        follow=True,
    )
    # Not held: a job fetches it (tests/sources/test_jobs.py), nothing is linked yet.
    assert "BZPEER does not hold that work yet: fetching it now" in response.content.decode()
    assert FetchJob.objects.get().keys == ["doi:10.9999/not-held"]


@pytest.mark.django_db
def test_an_owner_cannot_attach_a_paper_they_did_not_write(client, demo):
    assert run_command("import_openalex", "tests/fixtures/W2741809807.json")[0] == 0
    tim = make_person("tim@example.org", "Timothy Lillicrap")
    owned_demo(tim)
    before = Researcher.objects.get(pk=demo.pk)
    client.force_login(tim)
    response = client.post(
        reverse("sources:work-add", args=[demo.slug]),
        {"identifier": "https://doi.org/10.7717/PEERJ.4375"},
        follow=True,
    )
    assert "staff will check the work is yours" in response.content.decode()
    peerj = Work.objects.identified_by("doi", "10.7717/peerj.4375").get()
    assert not Authorship.objects.filter(work=peerj, researcher=demo).exists()
    researcher_refresh_stats(researcher_ids=[demo.pk])
    after = Researcher.objects.get(pk=demo.pk)
    assert (after.works_count, after.trust_score) == (before.works_count, before.trust_score)
    addition = WorkAddition.objects.get()
    assert addition.status == WorkAddition.Status.PENDING and addition.requested_by == tim

    # Asking again does not make a second request; staff decide the one there is.
    client.post(reverse("sources:work-add", args=[demo.slug]), {"identifier": "10.7717/peerj.4375"})
    assert WorkAddition.objects.count() == 1
    staff = make_person("staff@example.org", "Staff", staff=True)
    work_addition_decide(addition=addition, staff=staff, approve=True, reason="Publisher page.")
    assert Authorship.objects.get(work=peerj, researcher=demo).pinned
    assert Researcher.objects.get(pk=demo.pk).works_count == before.works_count + 1


@pytest.mark.django_db
def test_an_owner_cannot_take_a_byline_entry_another_person_owns(client, demo):
    tim = make_person("tim@example.org", "Timothy Lillicrap")
    owned_demo(tim)
    other = ResearcherFactory(display_name="Timothy Lillicrap", slug="timothy-lillicrap-2")
    other_owner = make_person("other@example.org", "Timothy Lillicrap")
    Researcher.objects.filter(pk=other.pk).update(owner=other_owner, claim_level=2)
    work = WorkFactory(identifier__scheme="doi", identifier__value="10.1234/theirs")
    AuthorshipFactory(work=work, position=0, researcher=other)
    client.force_login(tim)
    client.post(reverse("sources:work-add", args=[demo.slug]), {"identifier": "10.1234/theirs"})
    assert Authorship.objects.get(work=work).researcher_id == other.pk
    assert WorkAddition.objects.filter(researcher=demo, work=work).exists()


@pytest.mark.django_db
def test_anyone_can_report_an_unclaimed_record(client, demo):
    page = client.get(demo.get_absolute_url()).content.decode()
    assert "Not created or endorsed by Timothy Lillicrap" in page
    report_url = reverse("claims:report", args=[demo.slug])
    client.post(report_url, {"kind": "not-me", "message": "I am another Timothy Lillicrap."})
    work = Work.objects.identified_by("arxiv", "1912.00953").get()
    client.post(
        f"{report_url}?work={work.public_id}",
        {"kind": "not-their-work", "work": str(work.public_id)},
    )
    assert Report.objects.count() == 2
    assert Report.objects.get(kind="not-their-work").work == work
    staff = make_person("staff@example.org", "Staff", staff=True)
    staff_login(client, staff)
    queue = client.get(reverse("claims:staff-queue")).content.decode()
    assert "I am another Timothy Lillicrap." in queue


@pytest.mark.django_db
def test_the_eleventh_claim_attempt_in_an_hour_is_refused(client, demo):
    tim = make_person("tim@example.org", "Timothy Lillicrap")
    sign_in(client, tim)
    url = reverse("claims:claim-start", args=[demo.slug])
    for _ in range(10):
        response = client.post(url, OTHER, follow=True)
        assert "Too many claim attempts" not in response.content.decode()
    response = client.post(url, OTHER, follow=True)
    assert "Too many claim attempts: try again in an hour." in response.content.decode()
    assert Claim.objects.count() == 1


@pytest.mark.django_db
def test_every_form_refuses_a_request_without_its_csrf_token(demo):
    tim = make_person("tim@example.org", "Timothy Lillicrap")
    owner = owned_demo(tim)
    claim = Claim.objects.get(claimant=tim)
    work = Work.objects.identified_by("arxiv", "1912.00953").get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(tim)
    posts = [
        reverse("claims:claim-start", args=[owner.slug]),
        reverse("claims:claim-orcid", args=[owner.slug]),
        reverse("claims:claim-release", args=[claim.public_id]),
        reverse("claims:report", args=[owner.slug]),
        reverse("profiles:researcher-edit", args=[owner.slug]),
        reverse("works:work-hide", args=[owner.slug, work.public_id]),
        reverse("sources:work-add", args=[owner.slug]),
        reverse("social:researcher-follow", args=[owner.slug]),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
    ]
    for url in posts:
        assert client.post(url, {"kind": "other", "statement": "x"}).status_code == 403, url
    staff = make_person("staff@example.org", "Staff", staff=True)
    staff_login(client, staff)
    review = reverse("claims:staff-review", args=[claim.public_id])
    assert client.post(review, {"action": "revoke", "reason": "x"}).status_code == 403
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.APPROVED


@pytest.mark.django_db
def test_an_owner_of_two_records_asks_staff_to_merge_them(client, demo):
    from claims.models import Report as ReportModel

    tim = make_person("tim@example.org", "Timothy Lillicrap")
    owned_demo(tim)
    hafner = Researcher.objects.get(slug="danijar-hafner")
    Researcher.objects.filter(pk=hafner.pk).update(owner=tim)  # as if claimed too
    client.force_login(tim)
    edit = client.get(reverse("profiles:researcher-edit", args=[demo.slug])).content.decode()
    assert "Ask to merge with Danijar Hafner" in edit
    client.post(reverse("claims:merge-request", args=[demo.slug]), {"other": hafner.slug})
    request = ReportModel.objects.get(kind="merge")
    assert request.message == "The owner asks to merge timothy-lillicrap with danijar-hafner."

    client.force_login(make_person("nosy@example.org", "Nosy Parker"))
    client.post(reverse("claims:merge-request", args=[demo.slug]), {"other": hafner.slug})
    assert ReportModel.objects.filter(kind="merge").count() == 1


@pytest.mark.django_db
def test_an_owners_affiliation_survives_an_import_of_the_authors_record(client):
    from tests.conftest import FIXTURES

    assert run_command("import_openalex", FIXTURES / "W2741809807.json")[0] == 0
    priem = Researcher.objects.get(orcid="0000-0001-6187-6610")
    jason = make_person("jason@example.org", "Jason Priem")
    claim = submit(jason, priem)
    claim_approve(
        claim=claim, staff=make_person("boss@example.org", "Boss", staff=True), reason="Checked."
    )
    Researcher.objects.filter(pk=priem.pk).update(institution=None)  # none imported yet
    client.force_login(jason)
    client.post(
        reverse("profiles:researcher-edit", args=[priem.slug]),
        {"summary": "", "affiliation": "OurResearch (Vancouver)"},
    )

    # OpenAlex's author record names another institution: the owner's choice stays.
    assert run_command("import_openalex", FIXTURES / "A5023888391.json")[0] == 0
    priem.refresh_from_db()
    assert priem.institution.name == "OurResearch (Vancouver)"


@pytest.mark.django_db
def test_a_staff_split_survives_a_reimport_of_the_changed_record(demo, tmp_path):
    from works.services import researcher_split

    entry = Authorship.objects.get(researcher=demo, work__title__startswith="LOGAN")
    other = researcher_split(researcher=demo, authorship_ids=[entry.pk], reason="namesake")
    changed = DEMO_FEED.read_text().replace(
        "Training generative adversarial networks requires", "Training GANs requires"
    )
    path = tmp_path / "changed.atom.xml"
    path.write_text(changed)
    assert "1 updated" in run_command("import_arxiv", path)[1]

    logan = Authorship.objects.get(
        work__title__startswith="LOGAN", printed_name="Timothy Lillicrap"
    )
    assert logan.researcher == other
    assert Researcher.objects.get(pk=demo.pk).works_count == 12
    assert Authorship.objects.filter(work=logan.work).count() == 5
