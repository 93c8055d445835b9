import json

import pytest
from django.urls import reverse

from claims.models import Claim
from profiles.models import Follow, Researcher, User
from social.models import Invitation
from social.services import follow_create, invitation_accept, message_send
from tests.factories import FetchJobFactory
from tests.people import invite, sign_in


@pytest.mark.django_db
def test_a_person_downloads_everything_they_added(client, people):
    ana = people["ana"]
    follow_create(user=ana, researcher=people["hafner"])
    invitation = invite(ana, people["hafner"], message="Shall we?")
    invitation_accept(invitation=invitation, user=people["danijar"])
    message_send(invitation=invitation, user=ana, body="My words.")
    message_send(invitation=invitation, user=people["danijar"], body="His words.")
    FetchJobFactory(user=ana, kind="build", researcher=None, keys=["orcid:0000-0002-1825-0097"])
    FetchJobFactory(user=people["danijar"], researcher=people["hafner"])  # not hers
    client.force_login(ana)
    response = client.get(reverse("pages:your-data-json"))
    assert response["Content-Disposition"] == 'attachment; filename="bzpeer-my-data.json"'
    data = json.loads(response.content)
    assert data["account"]["email"] == "ana@example.org"
    assert data["follows"][0]["researcher"] == "danijar-hafner"
    conversation = data["conversations"][0]
    assert conversation["invitation"] == "Shall we?"
    assert [m["body"] for m in conversation["my_messages"]] == ["My words."]
    assert data["email_settings"]["weekly_digest"] is True
    assert [j["keys"] for j in data["source_reads_asked"]] == [["orcid:0000-0002-1825-0097"]]


@pytest.mark.django_db
def test_deleting_an_account_keeps_the_public_record(client, people):
    danijar = people["danijar"]
    follow_create(user=danijar, researcher=people["demo"])
    Claim.objects.create(researcher=people["hafner"], claimant=danijar, status="approved", level=2)
    sign_in(client, danijar)
    response = client.post(reverse("pages:account-delete"), {"confirm": "delete"})
    assert response.status_code == 302
    assert not User.objects.filter(email="danijar@example.org").exists()
    hafner = Researcher.objects.get(slug="danijar-hafner")
    assert hafner.owner is None and hafner.verification_level == 1
    assert hafner.works_count == 2  # the bibliographic record is as it was
    assert Researcher.objects.get(pk=people["demo"].pk).followers_count == 0
    assert not Follow.objects.exists() and not Claim.objects.exists()
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_deleting_needs_the_password_again(client, people):
    client.force_login(people["ana"])
    response = client.post(reverse("pages:account-delete"), {"confirm": "delete"})
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert User.objects.filter(pk=people["ana"].pk).exists()
