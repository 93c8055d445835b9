"""Hostile text in every form: a clear error, nothing saved, never a 500; emails never fail on
people's text; one-click unsubscribe works as mail programs send it; limits a real person
never meets stop a script."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from claims.models import Claim, Report
from claims.services import claim_submit
from profiles.models import Follow, Researcher, User
from social.emails import unsubscribe_url
from social.models import Invitation, Message, NotificationSettings
from social.services import invitation_accept, message_send
from tests.people import invite, make_person, sign_in

NUL = "bad\x00text"


def act(client, invitation, action, **data):
    url = reverse("social:conversation-act", args=[invitation.public_id, action])
    return client.post(url, data, follow=True)


@pytest.mark.django_db
def test_a_line_break_in_an_invitation_subject_is_refused_clearly(client, people):
    client.force_login(people["ana"])
    response = client.post(
        reverse("social:invite", args=[people["hafner"].slug]),
        {"subject": "Hello\r\nBcc: everyone@example.org", "message": "Shall we?"},
    )
    assert response.status_code == 200
    assert "Write this on one line" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_a_line_break_in_a_name_is_refused_and_old_ones_never_break_an_email(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people["ana"])
    response = client.post(reverse("profiles:account"), {"name": "Ana\nReader"})
    assert "Write this on one line" in response.content.decode()
    assert User.objects.get(pk=people["ana"].pk).name == "Ana Reader"

    # A name or subject stored before the forms refused them still makes a valid email, and
    # every reply in that conversation still works.
    User.objects.filter(pk=people["ana"].pk).update(name="Ana\nReader")
    ana = User.objects.get(pk=people["ana"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(ana, people["hafner"])
        Invitation.objects.filter(pk=invitation.pk).update(subject="World\nmodels")
        invitation.refresh_from_db()
        invitation_accept(invitation=invitation, user=people["danijar"])
        message_send(invitation=invitation, user=ana, body="First reply.")
        client.force_login(ana)
        response = act(client, invitation, "message", body="Second reply.")
    assert response.status_code == 200
    assert Message.objects.count() == 2
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 3
    assert all("\n" not in s and "\r" not in s for s in subjects)
    assert "Ana Reader replied in “World models”." in subjects[-1]


@pytest.mark.django_db
def test_nul_bytes_in_conversations_are_refused_and_nothing_is_saved(client, people):
    invitation = invite(people["ana"], people["hafner"])
    client.force_login(people["danijar"])
    for action, field in (("decline", "reason"), ("block", "reason"), ("report", "reason")):
        response = act(client, invitation, action, **{field: NUL})
        assert response.status_code == 200, action
        assert "Null characters are not allowed" in response.content.decode(), action
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING and not invitation.reported
    assert not Report.objects.exists()
    invitation_accept(invitation=invitation, user=people["danijar"])
    response = act(client, invitation, "message", body=NUL)
    assert "Null characters are not allowed" in response.content.decode()
    response = act(client, invitation, "message", body="ok\x07bell")
    assert "Remove the control characters" in response.content.decode()
    assert not Message.objects.exists()
    assert act(client, invitation, "nonsense", body="x").status_code == 404


@pytest.mark.django_db
def test_nul_bytes_in_claims_reports_and_staff_reasons_are_refused(client, demo):
    tim = make_person("tim@example.org", "Timothy Lillicrap")
    sign_in(client, tim)
    start = reverse("claims:claim-start", args=[demo.slug])
    response = client.post(start, {"kind": "other", "statement": NUL, "links": NUL})
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    assert not Claim.objects.exists()

    report = reverse("claims:report", args=[demo.slug])
    response = client.post(report, {"kind": "not-me", "message": NUL})
    assert response.status_code == 200 and not Report.objects.exists()

    claim = claim_submit(user=tim, researcher=demo, kind="other", statement="Mine.")
    staff = make_person("staff@example.org", "Staff", staff=True)
    from tests.conftest import staff_login

    staff_login(client, staff)
    review = reverse("claims:staff-review", args=[claim.public_id])
    response = client.post(review, {"action": "approve", "reason": NUL}, follow=True)
    assert response.status_code == 200
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.PENDING
    client.post(review, {"action": "approve", "reason": "Checked the lab page."})
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.APPROVED

    client.force_login(tim)
    release = reverse("claims:claim-release", args=[claim.public_id])
    response = client.post(release, {"reason": NUL}, follow=True)
    assert response.status_code == 200
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.APPROVED
    merge = reverse("claims:merge-request", args=[demo.slug])
    assert client.post(merge, {"other": NUL}).status_code == 404
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_owner_edits_refuse_control_characters(client, people):
    client.force_login(people["tim"])
    response = client.post(
        reverse("profiles:researcher-edit", args=[people["demo"].slug]),
        {"summary": "Agents\nthat learn", "affiliation": NUL},
    )
    assert response.status_code == 200
    assert "Write this on one line" in response.content.decode()
    assert Researcher.objects.get(pk=people["demo"].pk).summary == ""
    response = client.post(
        reverse("sources:work-add", args=[people["demo"].slug]), {"identifier": NUL}, follow=True
    )
    assert "Null characters are not allowed" in response.content.decode()


@pytest.mark.django_db
def test_the_claim_form_does_not_set_the_claimants_name(client, demo):
    mallory = make_person("mallory@example.org", "Mallory Mask")
    sign_in(client, mallory)
    client.post(
        reverse("claims:claim-start", args=[demo.slug]),
        {"kind": "other", "claimant_name": "Timothy Lillicrap", "statement": "Mine."},
    )
    claim = Claim.objects.get()
    assert User.objects.get(pk=mallory.pk).name == "Mallory Mask"
    assert not claim.name_matches  # compared with the account's name, not a typed one


@pytest.mark.django_db
def test_one_click_unsubscribe_works_as_mail_programs_send_it(people):
    ana = people["ana"]
    link = unsubscribe_url(ana, "reply")
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        link, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert NotificationSettings.objects.get(user=ana).reply is False


@pytest.mark.django_db
def test_an_unsubscribe_link_expires(client, people):
    ana = people["ana"]
    long_ago = signing.time.time() - timedelta(days=91).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=long_ago):
        link = unsubscribe_url(ana, "reply")
    response = client.post(link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not NotificationSettings.objects.filter(user=ana, reply=False).exists()


@pytest.mark.django_db
def test_a_script_following_and_writing_fast_is_stopped(client, people):
    client.force_login(people["ana"])
    slug = people["hafner"].slug
    url = reverse("social:researcher-follow", args=[slug])
    for i in range(60):
        client.post(url, {"action": "unfollow" if i % 2 else "follow"})
    client.post(url)
    assert not Follow.objects.filter(user=people["ana"]).exists()  # the 61st is refused
    assert Researcher.objects.get(slug=slug).followers_count == 0

    invitation = invite(people["ana"], people["hafner"])
    invitation_accept(invitation=invitation, user=people["danijar"])
    for i in range(20):
        act(client, invitation, "message", body=f"Message {i}")
    response = act(client, invitation, "message", body="One too many")
    assert "You are doing that too often" in response.content.decode()
    assert Message.objects.count() == 20
