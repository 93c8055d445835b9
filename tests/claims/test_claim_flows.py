"""Each way a claim can go, end to end."""

import pytest
from django.core import mail
from django.urls import reverse

from claims.models import Claim, ClaimEvent
from profiles.models import Researcher
from tests.conftest import staff_login
from tests.orcid_server import Person
from tests.people import PRIEM, make_person, orcid_sign_in, sign_in


def claim_url(researcher):
    return reverse("claims:claim-start", args=[researcher.slug])


def orcid_claim_url(researcher):
    return reverse("claims:claim-orcid", args=[researcher.slug])


@pytest.mark.django_db
def test_orcid_sign_in_with_the_records_id_approves_at_once(
    client, fake_orcid, priem_record, django_capture_on_commit_callbacks
):
    jason = make_person("jason@example.org", "Jason Priem")
    sign_in(client, jason)

    landing = orcid_sign_in(client, fake_orcid, PRIEM, orcid_claim_url(priem_record))
    assert landing.status_code == 302 and landing["Location"] == orcid_claim_url(priem_record)
    assert "POST /oauth/token" in fake_orcid.requests
    assert f"GET /v3.0/{PRIEM.orcid}/record" in fake_orcid.requests
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(orcid_claim_url(priem_record))

    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == claim.get_absolute_url()
    assert claim.status == Claim.Status.APPROVED and claim.level == 2
    assert claim.decided_by is None  # BZPEER itself checked the proof
    record = Researcher.objects.get(pk=priem_record.pk)
    assert record.owner == jason and record.verification_level == 2
    page = client.get(record.get_absolute_url()).content.decode()
    assert "Claimed author" in page and "Verification L2" in page
    assert "Claimed by you." in page
    assert [e.action for e in ClaimEvent.objects.all()] == ["submitted", "approved"]
    assert mail.outbox[-1].to == ["jason@example.org"]


@pytest.mark.django_db
def test_orcid_sign_in_with_another_id_is_refused_with_the_reason(client, fake_orcid, priem_record):
    someone = make_person("someone@example.org", "Jason Priem")
    sign_in(client, someone)
    other = Person("0000-0002-1825-0097", "Josiah", "Carberry")  # ORCID's example iD
    orcid_sign_in(client, fake_orcid, other, orcid_claim_url(priem_record))

    response = client.post(orcid_claim_url(priem_record), follow=True)

    html = response.content.decode()
    assert "You signed in with the ORCID iD 0000-0002-1825-0097" in html
    assert "this record&#x27;s iD is 0000-0001-6187-6610" in html
    assert not Claim.objects.exists()
    assert Researcher.objects.get(pk=priem_record.pk).owner is None


@pytest.mark.django_db
def test_a_name_that_does_not_fit_is_never_approved_automatically(client, fake_orcid, priem_record):
    jason = make_person("jason@example.org", "Jason Priem")
    sign_in(client, jason)
    # ORCID vouches for the iD, but its record carries a different name.
    orcid_sign_in(
        client, fake_orcid, Person(PRIEM.orcid, "Heather", "Piwowar"), orcid_claim_url(priem_record)
    )
    client.post(orcid_claim_url(priem_record))

    claim = Claim.objects.get()
    assert claim.status == Claim.Status.PENDING
    assert not claim.name_matches
    staff = make_person("staff@example.org", "Staff Person", staff=True)
    staff_login(client, staff)
    queue = client.get(reverse("claims:staff-queue")).content.decode()
    assert "does not fit" in queue


@pytest.mark.django_db
def test_institutional_email_waits_for_staff_who_approve_it(
    client, priem_record, django_capture_on_commit_callbacks
):
    jason = make_person("jason@ourresearch.org", "Jason Priem")
    sign_in(client, jason)
    response = client.post(
        claim_url(priem_record),
        {"kind": "email", "email": "jason@ourresearch.org"},
    )
    claim = Claim.objects.get()
    assert response["Location"] == claim.get_absolute_url()
    assert claim.status == Claim.Status.PENDING
    page = client.get(priem_record.get_absolute_url()).content.decode()
    assert "Claim pending" in page
    client.logout()
    assert "Claim pending" in client.get(priem_record.get_absolute_url()).content.decode()

    staff = make_person("staff@example.org", "Staff Person", staff=True)
    staff_login(client, staff)
    review = reverse("claims:staff-review", args=[claim.public_id])
    assert (
        "Verified address jason@ourresearch.org at OurResearch"
        in client.get(review).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(review, {"action": "approve", "reason": "Address and works agree."})

    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED and claim.decided_by == staff
    assert Researcher.objects.get(pk=priem_record.pk).verification_level == 2
    assert "was approved" in mail.outbox[-1].subject
    assert "Address and works agree." in mail.outbox[-1].body


@pytest.mark.django_db
def test_other_evidence_rejected_by_staff_with_the_reason_emailed(
    client, demo, django_capture_on_commit_callbacks
):
    tim = make_person("tim@example.org", "Timothy Lillicrap")
    sign_in(client, tim)
    client.post(
        claim_url(demo),
        {
            "kind": "other",
            "links": "https://example.org/my-lab",
            "statement": "These are my papers.",
        },
    )
    claim = Claim.objects.get()
    assert claim.status == Claim.Status.PENDING and claim.name_matches

    staff = make_person("staff@example.org", "Staff Person", staff=True)
    staff_login(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("claims:staff-review", args=[claim.public_id]),
            {"action": "reject", "reason": "The page does not mention these works."},
        )
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REJECTED
    assert mail.outbox[-1].to == ["tim@example.org"]
    assert "The page does not mention these works." in mail.outbox[-1].body
    assert Researcher.objects.get(pk=demo.pk).owner is None


@pytest.mark.django_db
def test_a_claim_on_an_owned_record_is_a_dispute_staff_decide(client, fake_orcid, priem_record):
    owner = make_person("owner@example.org", "Jason Priem")
    sign_in(client, owner)
    orcid_sign_in(client, fake_orcid, PRIEM, orcid_claim_url(priem_record))
    client.post(orcid_claim_url(priem_record))
    client.logout()

    rival = make_person("rival@ourresearch.org", "Jason Priem")
    sign_in(client, rival)
    client.post(
        claim_url(priem_record),
        {"kind": "email", "email": "rival@ourresearch.org"},
    )
    dispute = Claim.objects.get(claimant=rival)
    assert dispute.status == Claim.Status.DISPUTED

    staff = make_person("staff@example.org", "Staff Person", staff=True)
    staff_login(client, staff)
    client.post(
        reverse("claims:staff-review", args=[dispute.public_id]),
        {"action": "approve", "reason": "The rival proved it; the first was a mistake."},
    )
    assert Researcher.objects.get(pk=priem_record.pk).owner == rival
    first = Claim.objects.get(claimant=owner)
    assert first.status == Claim.Status.REVOKED
    assert Claim.objects.filter(status=Claim.Status.APPROVED).count() == 1


@pytest.mark.django_db
def test_an_owner_releases_and_staff_revoke(client, fake_orcid, priem_record):
    jason = make_person("jason@example.org", "Jason Priem")
    sign_in(client, jason)
    orcid_sign_in(client, fake_orcid, PRIEM, orcid_claim_url(priem_record))
    client.post(orcid_claim_url(priem_record))
    claim = Claim.objects.get()

    client.post(reverse("claims:claim-release", args=[claim.public_id]), {"reason": "Not now"})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.RELEASED
    assert Researcher.objects.get(pk=priem_record.pk).owner is None

    client.post(orcid_claim_url(priem_record))
    again = Claim.objects.get(status=Claim.Status.APPROVED)
    staff = make_person("staff@example.org", "Staff Person", staff=True)
    staff_login(client, staff)
    client.post(
        reverse("claims:staff-review", args=[again.public_id]),
        {"action": "revoke", "reason": "Reported as impersonation; under review."},
    )
    again.refresh_from_db()
    assert again.status == Claim.Status.REVOKED
    record = Researcher.objects.get(pk=priem_record.pk)
    assert record.owner is None and record.verification_level == 1
    actions = list(ClaimEvent.objects.filter(claim=again).values_list("action", flat=True))
    assert actions == ["submitted", "approved", "revoked"]


@pytest.mark.django_db
def test_two_independent_proofs_give_l3(
    client, fake_orcid, priem_record, django_capture_on_commit_callbacks
):
    jason = make_person("jason@ourresearch.org", "Jason Priem")
    sign_in(client, jason)
    client.post(
        claim_url(priem_record),
        {"kind": "email", "email": "jason@ourresearch.org"},
    )
    assert Claim.objects.get().status == Claim.Status.PENDING

    orcid_sign_in(client, fake_orcid, PRIEM, orcid_claim_url(priem_record))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(orcid_claim_url(priem_record))

    claim = Claim.objects.get()
    assert claim.status == Claim.Status.APPROVED and claim.level == 3
    assert "two independent proofs agree" in claim.decision_reason
    record = Researcher.objects.get(pk=priem_record.pk)
    assert record.verification_level == 3
    actions = list(ClaimEvent.objects.values_list("action", flat=True))
    assert actions == ["submitted", "evidence added", "approved"]
