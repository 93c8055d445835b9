import re

import pytest
from django.core import mail
from django.urls import reverse

from social import tasks
from social.models import Notification, NotificationSettings
from social.services import follow_create
from tests.people import invite


def invite_hafner(people):
    return invite(people["ana"], people["hafner"], message="Shall we?")


@pytest.mark.django_db
def test_notifications_show_on_the_site_and_are_marked_read(client, people):
    invite_hafner(people)
    client.force_login(people["danijar"])
    html = client.get(reverse("social:notifications")).content.decode()
    assert "Ana Reader invites you to collaborate: World models" in html
    assert Notification.objects.get().read_at is not None


@pytest.mark.django_db
def test_each_person_chooses_which_emails_they_get(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people["danijar"])
    settings_url = reverse("social:email-settings")
    client.post(
        settings_url,
        {"new_follower": "on", "reply": "on", "claim_decision": "on", "weekly_digest": "on"},
    )  # invitations off
    with django_capture_on_commit_callbacks(execute=True):
        invite_hafner(people)
    assert mail.outbox == []
    assert Notification.objects.filter(user=people["danijar"], kind="invitation").exists()


@pytest.mark.django_db
def test_every_email_has_a_one_click_unsubscribe_link(
    client, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite_hafner(people)
    email = mail.outbox[-1]
    link = re.search(r"https?://[^/\s]+(/notifications/unsubscribe/\S+/)", email.body).group(1)
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in email.extra_headers["List-Unsubscribe"]
    client.logout()  # no login needed
    assert "Stop emails for “A new invitation to collaborate”" in client.get(link).content.decode()
    assert NotificationSettings.objects.wants(people["danijar"], "invitation")  # GET: no change
    client.post(link)
    assert not NotificationSettings.objects.get(user=people["danijar"]).invitation
    assert client.get("/notifications/unsubscribe/forged-token/").status_code == 404


@pytest.mark.django_db
def test_an_email_is_sent_once_however_often_the_task_runs(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite_hafner(people)
    note = Notification.objects.get()
    tasks.notification_email.delay(note.pk)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_weekly_digest_lists_new_work_once_a_week(people, django_capture_on_commit_callbacks):
    follow_create(user=people["ana"], researcher=people["hafner"])
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.weekly_digest_dispatch.delay().get() >= 1
        tasks.weekly_digest_dispatch.delay()
    digests = [m for m in mail.outbox if m.to == ["ana@example.org"]]
    assert len(digests) == 1
    assert "Mastering Atari with Discrete World Models" in digests[0].body
    assert "2 new work(s) by researchers you follow" in digests[0].subject
