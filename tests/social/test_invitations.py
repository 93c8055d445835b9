"""Invitations and conversations: who may, how often, and who can see them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from claims.models import Report
from profiles.models import Researcher
from social.models import Invitation, Message, Notification
from social.services import InvitationError, invitation_accept, invitation_decline, message_send
from tests.conftest import staff_login
from tests.factories import UserFactory
from tests.people import invite, make_person
from works.models import Work


def act(client, invitation, action, **data):
    return client.post(
        reverse("social:conversation-act", args=[invitation.public_id, action]), data
    )


@pytest.mark.django_db
def test_invite_accept_and_talk(client, people, django_capture_on_commit_callbacks):
    ana, danijar, hafner = people["ana"], people["danijar"], people["hafner"]
    dreamer = Work.objects.identified_by("arxiv", "1912.01603").get()
    client.force_login(ana)
    page = client.get(hafner.get_absolute_url()).content.decode()
    assert "open to collaborate on world models" in page and "a few hours a month" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("social:invite", args=[hafner.slug]),
            {"subject": "World models", "message": "Shall we?", "work": dreamer.pk},
        )
    invitation = Invitation.objects.get()
    assert response.url == invitation.get_absolute_url()
    assert invitation.recipient == danijar and invitation.work == dreamer
    assert mail.outbox[-1].to == ["danijar@example.org"]
    assert "Ana Reader invites you to collaborate" in mail.outbox[-1].subject

    client.force_login(danijar)
    assert (
        "Accept and open the conversation"
        in client.get(invitation.get_absolute_url()).content.decode()
    )
    act(client, invitation, "accept")
    with django_capture_on_commit_callbacks(execute=True):
        act(client, invitation, "message", body="Gladly. Next week?")
    client.force_login(ana)
    with django_capture_on_commit_callbacks(execute=True):
        act(client, invitation, "message", body="Tuesday works.")
    assert [m.body for m in Message.objects.all()] == ["Gladly. Next week?", "Tuesday works."]
    assert Notification.objects.filter(kind="reply").count() == 2
    html = client.get(invitation.get_absolute_url()).content.decode()
    assert "Tuesday works." in html and "danijar@example.org" not in html


@pytest.mark.django_db
def test_nobody_is_invited_through_an_unclaimed_record(client, people):
    jimmy = Researcher.objects.get(slug="jimmy-ba")
    with pytest.raises(InvitationError, match="not claimed"):
        invite(people["ana"], jimmy)
    client.force_login(people["ana"])
    html = client.get(reverse("social:invite", args=[jimmy.slug])).content.decode()
    assert "nobody can be contacted through it" in html


@pytest.mark.django_db
def test_only_records_open_to_collaborate_take_invitations(people):
    with pytest.raises(InvitationError, match="not open to collaboration"):
        invite(people["ana"], people["demo"])


@pytest.mark.django_db
def test_a_new_account_waits_a_week_unless_its_record_is_claimed(people):
    newcomer = make_person("new@example.org", "New Person")
    with pytest.raises(InvitationError, match="a week old"):
        invite(newcomer, people["hafner"])
    # An owner of a claimed record may invite at once.
    assert invite(people["tim"], people["hafner"]).status == Invitation.Status.PENDING


@pytest.mark.django_db
def test_an_unverified_sender_cannot_invite(people):
    unverified = make_person("unverified@example.org", "Un Verified", verified=False)
    type(unverified).objects.filter(pk=unverified.pk).update(
        date_joined=timezone.now() - timedelta(days=30)
    )
    unverified.refresh_from_db()
    with pytest.raises(InvitationError, match="Verify your email"):
        invite(unverified, people["hafner"])


@pytest.mark.django_db
def test_five_new_invitations_a_day(people):
    ana = people["ana"]
    for index in range(6):
        owner = UserFactory(email=f"owner{index}@example.org")
        record = (
            Researcher.objects.filter(owner__isnull=True)
            .exclude(slug="timothy-lillicrap")
            .order_by("id")[0]
        )
        Researcher.objects.filter(pk=record.pk).update(owner=owner, open_to_collaborate=True)
        record.refresh_from_db()
        if index < 5:
            invite(ana, record)
        else:
            with pytest.raises(InvitationError, match="five invitations today"):
                invite(ana, record)
    assert Invitation.objects.filter(sender=ana).count() == 5


@pytest.mark.django_db
def test_one_open_invitation_per_pair(people):
    invite(people["ana"], people["hafner"])
    with pytest.raises(InvitationError, match="already have an open invitation"):
        invite(people["ana"], people["hafner"])


@pytest.mark.django_db
def test_a_declined_sender_waits_thirty_days(people):
    first = invite(people["ana"], people["hafner"])
    invitation_decline(invitation=first, user=people["danijar"], reason="Too busy.")
    with pytest.raises(InvitationError, match="you can invite again on"):
        invite(people["ana"], people["hafner"])
    Invitation.objects.filter(pk=first.pk).update(answered_at=timezone.now() - timedelta(days=31))
    assert invite(people["ana"], people["hafner"]).status == Invitation.Status.PENDING


@pytest.mark.django_db
def test_a_blocked_sender_cannot_invite_again(client, people):
    first = invite(people["ana"], people["hafner"])
    client.force_login(people["danijar"])
    act(client, first, "block")
    assert Invitation.objects.get(pk=first.pk).status == Invitation.Status.BLOCKED
    Invitation.objects.filter(pk=first.pk).update(answered_at=timezone.now() - timedelta(days=365))
    with pytest.raises(InvitationError, match="does not accept invitations from you"):
        invite(people["ana"], people["hafner"])


@pytest.mark.django_db
def test_a_conversation_is_private_to_its_two_people(client, people):
    invitation = invite(people["ana"], people["hafner"])
    invitation_accept(invitation=invitation, user=people["danijar"])
    message_send(invitation=invitation, user=people["ana"], body="Private words.")
    stranger = make_person("stranger@example.org", "Stranger")
    client.force_login(stranger)
    assert client.get(invitation.get_absolute_url()).status_code == 404
    assert act(client, invitation, "message", body="Hello?").status_code == 404
    assert act(client, invitation, "accept").status_code == 404
    staff = UserFactory(is_staff=True)
    staff_login(client, staff)
    assert client.get(invitation.get_absolute_url()).status_code == 404  # until reported
    client.logout()
    assert client.get(invitation.get_absolute_url()).status_code == 302  # to log in

    client.force_login(people["danijar"])
    act(client, invitation, "report", reason="Spam.")
    assert Report.objects.get(kind="abuse").reporter == people["danijar"]
    staff_login(client, staff)
    assert "Private words." in client.get(invitation.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_only_the_person_invited_answers_and_only_after_accepting_people_write(client, people):
    invitation = invite(people["ana"], people["hafner"])
    client.force_login(people["ana"])
    assert act(client, invitation, "accept").status_code == 403
    response = act(client, invitation, "message", body="Are you there?")
    assert Message.objects.count() == 0 and response.status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.PENDING


@pytest.mark.django_db
def test_the_invitation_form_needs_its_csrf_token(people):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["ana"])
    url = reverse("social:invite", args=[people["hafner"].slug])
    assert client.post(url, {"subject": "x", "message": "y"}).status_code == 403
    assert not Invitation.objects.exists()
