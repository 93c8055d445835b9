"""Redis stopped under a running site: public pages answer from PostgreSQL, signed-in
writes that need the broker get a 503 before anything is written, nothing is lost, and all
comes back when Redis does."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from bzpeer.celery import app
from profiles.models import Follow, Researcher
from social import tasks
from social.models import Notification
from tests.people import PASSWORD, make_person
from tests.processes import queued_tasks


@pytest.fixture
def owned(demo):
    """The demo record, owned by Tim, so that a new follower means an email to Tim."""
    tim = make_person("tim@example.org", "Timothy Lillicrap")
    Researcher.objects.filter(pk=demo.pk).update(owner=tim, claim_level=2)
    return Researcher.objects.get(pk=demo.pk)


@pytest.mark.django_db
def test_public_pages_and_search_answer_while_redis_is_down(client, owned, own_redis):
    work = owned.authorships.first().work
    pages = [
        owned.get_absolute_url(),
        work.get_absolute_url(),
        "/?q=lillicrap",
        reverse("graph:graph-json", args=[owned.slug]),
    ]
    assert all(client.get(page).status_code == 200 for page in pages)  # warms the cache

    own_redis.stop()
    started = time.monotonic()
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
    assert "Timothy Lillicrap" in client.get("/?q=lillicrap").content.decode()
    assert time.monotonic() - started < 3


@pytest.mark.django_db
def test_a_signed_in_write_gets_a_503_page_and_writes_nothing_while_the_broker_is_down(
    client, owned, own_redis
):
    ana = make_person("ana@example.org", "Ana Reader")
    own_redis.stop()
    # Signing in works: the rate limits fail open while their counters are unreachable.
    response = client.post(reverse("account_login"), {"login": ana.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("social:feed")).status_code == 200

    response = client.post(reverse("social:researcher-follow", args=[owned.slug]))
    assert response.status_code == 503
    html = response.content.decode()
    assert "Temporarily unavailable" in html and "Nothing was changed." in html
    assert 'class="site-header"' in html and "Log out" in html  # the site's, signed in
    assert response["Retry-After"]
    assert not Follow.objects.exists() and not Notification.objects.exists()

    own_redis.start()
    cache._down_until = 0.0  # instead of waiting out the few seconds it skips Redis
    response = client.post(reverse("social:researcher-follow", args=[owned.slug]))
    assert response.status_code == 302
    assert Follow.objects.filter(user=ana, researcher=owned).exists()
    cache.set("back", "yes")
    assert cache.get("back") == "yes"


@pytest.mark.django_db(transaction=True)
def test_an_email_whose_task_could_not_be_queued_is_sent_by_the_periodic_sweep(
    owned, own_redis, monkeypatch
):
    """The broker went down between the check and the commit: the follow is kept and shown
    as done (it is), and the sweep sends the email once the broker is back."""
    ana = make_person("ana@example.org", "Ana Reader")
    client = Client(raise_request_exception=False)
    client.force_login(ana)

    def broker_down(*args, **kwargs):
        raise BrokerError("Error 111 connecting. Connection refused.")

    with monkeypatch.context() as patch:
        patch.setattr(tasks.notification_email, "delay", broker_down)
        response = client.post(reverse("social:researcher-follow", args=[owned.slug]))
    assert response.status_code == 302
    assert Follow.objects.filter(user=ana, researcher=owned).exists()
    note = Notification.objects.get(user=owned.owner)
    assert note.emailed_at is None

    assert tasks.notifications_email_unsent.delay().get() == 0  # its own task may still come
    Notification.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    assert tasks.notifications_email_unsent.delay().get() == 1
    assert tasks.notifications_email_unsent.delay().get() == 0
    assert [m.to for m in mail.outbox] == [[owned.owner.email]]


def test_a_publish_to_a_stopped_broker_fails_within_two_seconds(own_redis):
    own_redis.stop()
    started = time.monotonic()
    with pytest.raises(BrokerError), queued_tasks():
        with app.connection_for_write(own_redis.url) as connection:
            tasks.notification_email.apply_async(args=[1], connection=connection)
    assert time.monotonic() - started < 2
