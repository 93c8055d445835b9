import pytest
from django.test import Client

from profiles.models import Follow
from tests.factories import ResearcherFactory, UserFactory


@pytest.fixture
def researcher(db):
    return ResearcherFactory()


def follow_url(researcher):
    return f"/researchers/{researcher.slug}/follow/"


def test_anonymous_visitors_are_sent_to_log_in(client, researcher):
    response = client.post(follow_url(researcher))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not Follow.objects.exists()


def test_following_needs_a_post(client, researcher):
    client.force_login(UserFactory())
    assert client.get(follow_url(researcher)).status_code == 405
    assert not Follow.objects.exists()


def test_follow_and_unfollow_keep_the_count_right(client, researcher):
    client.force_login(UserFactory())
    client.post(follow_url(researcher))
    client.post(follow_url(researcher))  # twice is still once
    researcher.refresh_from_db()
    assert researcher.followers_count == 1
    page = client.get(researcher.get_absolute_url()).content.decode()
    assert "Following" in page

    client.post(follow_url(researcher), {"action": "unfollow"})
    client.post(follow_url(researcher), {"action": "unfollow"})
    researcher.refresh_from_db()
    assert researcher.followers_count == 0
    assert not Follow.objects.exists()


def test_htmx_gets_the_follow_box_back(client, researcher):
    client.force_login(UserFactory())
    response = client.post(follow_url(researcher), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div class="follow-box" id="follow-box">')
    assert "<html" not in html
    assert 'name="action" value="unfollow"' in html


def test_a_forged_cross_site_post_is_refused(researcher):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    assert client.post(follow_url(researcher)).status_code == 403
    assert not Follow.objects.exists()
