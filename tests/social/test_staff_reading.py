"""Conversations are private: staff read one only once it is reported, from a session that
passed two-factor authentication, and the admin quotes no unreported one."""

import pytest

from claims.services import conversation_report
from social.models import Invitation, Notification
from social.services import invitation_accept, message_send
from tests.conftest import staff_login
from tests.people import invite, make_person


@pytest.mark.django_db
def test_reported_conversations_are_read_by_staff_only_after_two_factor(client, people):
    invitation = invite(people["ana"], people["hafner"])
    invitation_accept(invitation=invitation, user=people["danijar"])
    message_send(invitation=invitation, user=people["ana"], body="Private words.")
    conversation_report(invitation=invitation, user=people["danijar"], reason="Spam.")
    staff = make_person("staff@example.org", "Staff", staff=True)
    client.force_login(staff)
    assert client.get(invitation.get_absolute_url()).status_code == 404
    staff_login(client, staff)
    assert "Private words." in client.get(invitation.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_admin_shows_no_private_message_of_an_unreported_conversation(client, people):
    invitation = invite(people["ana"], people["hafner"], message="Secret plans for 2027.")
    invitation_accept(invitation=invitation, user=people["danijar"])
    message_send(invitation=invitation, user=people["danijar"], body="My private reply.")
    assert Notification.objects.filter(body__contains="Secret plans").exists()
    superuser = make_person("root@example.org", "Root", staff=True)
    type(superuser).objects.filter(pk=superuser.pk).update(is_superuser=True)
    staff_login(client, superuser)
    for model in ("notification", "invitation", "message"):
        page = client.get(f"/admin/social/{model}/").content.decode()
        assert "Secret plans" not in page and "My private reply" not in page, model
        assert "World models" not in page, model
    notification = Notification.objects.filter(kind="invitation").get()
    assert client.get(f"/admin/social/notification/{notification.pk}/change/").status_code == 302

    Invitation.objects.filter(pk=invitation.pk).update(reported=True)
    assert "World models" in client.get("/admin/social/invitation/").content.decode()
