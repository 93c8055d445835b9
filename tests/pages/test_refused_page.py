"""A page someone may not open (another person's followers, another's record to edit) is a
page of the site saying why, not a bare 403."""

import pytest
from django.urls import reverse

from tests.factories import ResearcherFactory
from tests.people import make_person


@pytest.mark.django_db
def test_another_persons_followers_page_says_why_it_is_refused(client):
    owner = make_person("owner@example.org", "Grace Hopper")
    record = ResearcherFactory(display_name="Grace Hopper", owner=owner, claim_level=2)
    client.force_login(make_person("reader@example.org", "A Reader"))
    for name in ("social:researcher-followers", "profiles:researcher-edit"):
        response = client.get(reverse(name, args=[record.slug]))
        body = response.content.decode()
        assert response.status_code == 403
        assert "This is not yours to see or change" in body
        assert "Only the researcher who claimed this record" in body
        assert "signed in as reader@example.org" in body
        assert 'href="/"' in body  # the site's own layout, with its way back
