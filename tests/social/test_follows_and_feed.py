import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from profiles.models import Researcher
from social.models import Notification
from social.services import follow_create, follow_delete
from tests.conftest import run_command
from tests.factories import ResearcherFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_follows_count_exactly_fifty():
    researcher = ResearcherFactory()
    users = UserFactory.create_batch(50)
    barrier = threading.Barrier(50)
    errors = []

    def follow(user):
        try:
            barrier.wait()
            follow_create(user=user, researcher=researcher)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=follow, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Researcher.objects.get(pk=researcher.pk).followers_count == 50


@pytest.mark.django_db
def test_the_owner_hears_of_a_new_follower_once(people, django_capture_on_commit_callbacks):
    ana, demo = people["ana"], people["demo"]
    with django_capture_on_commit_callbacks(execute=True):
        follow_create(user=ana, researcher=demo)
        follow_delete(user=ana, researcher=demo)
        follow_create(user=ana, researcher=demo)
    note = Notification.objects.get(user=people["tim"])
    assert note.text == "Ana Reader follows your record Timothy Lillicrap."
    assert [m.to for m in mail.outbox] == [["tim@example.org"]]
    assert "ana@example.org" not in mail.outbox[0].body  # emails are never shown


@pytest.mark.django_db
def test_following_and_followers_pages(client, people):
    ana, demo = people["ana"], people["demo"]
    follow_create(user=ana, researcher=demo)
    client.force_login(ana)
    assert "Timothy Lillicrap" in client.get(reverse("social:following")).content.decode()
    followers = reverse("social:researcher-followers", args=[demo.slug])
    assert client.get(followers).status_code == 403  # only the owner sees who follows
    client.force_login(people["tim"])
    html = client.get(followers).content.decode()
    assert "Ana Reader" in html and "ana@example.org" not in html


@pytest.mark.django_db
def test_the_feed_has_the_followed_researchers_work_newest_first(client, people, tmp_path):
    ana, hafner = people["ana"], people["hafner"]
    client.force_login(ana)
    assert "Nothing yet" in client.get(reverse("social:feed")).content.decode()
    follow_create(user=ana, researcher=hafner)
    titles = [w.title for w in client.get(reverse("social:feed")).context["page"].object_list]
    assert titles == [
        "Mastering Atari with Discrete World Models",
        "Dream to Control: Learning Behaviors by Latent Imagination",
    ]
    # A new work of his arrives with the next import.
    path = tmp_path / "new.bib"
    path.write_text(
        "@article{n, title={A new world model}, author={Hafner, Danijar}, "
        "journal={Test Journal}, year={2026}, month={jan}}"
    )
    assert run_command("import_bibtex", path)[0] == 0
    page = client.get(reverse("social:feed")).context["page"]
    assert page.object_list[0].title == "A new world model"


@pytest.mark.django_db
def test_the_feed_needs_a_login(client):
    assert client.get(reverse("social:feed")).status_code == 302
