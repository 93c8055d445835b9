"""ORCID sign-in is offered only where the site has ORCID credentials: without a client ID,
ORCID would be asked to sign people in for no client at all."""

import pytest
from django.urls import reverse

from profiles.models import Researcher
from tests.people import make_person

SIGN_IN = "Sign in with ORCID"


@pytest.mark.django_db
def test_without_credentials_no_page_offers_orcid_sign_in(client, priem_record, settings):
    assert settings.SOCIALACCOUNT_PROVIDERS["orcid"]["APPS"] == []  # the tests' environment
    client.force_login(make_person("jason@example.org", "Jason Priem"))
    claim_page = client.get(reverse("claims:claim-start", args=[priem_record.slug]))
    assert claim_page.status_code == 200
    assert SIGN_IN not in claim_page.content.decode()
    assert "An email address at the record's institution" in claim_page.content.decode()
    assert SIGN_IN not in client.get(reverse("pages:home")).content.decode()
    client.logout()
    assert "orcid/login" not in client.get(reverse("account_login")).content.decode()


@pytest.mark.django_db
def test_with_credentials_the_pages_offer_it(client, priem_record, fake_orcid):
    client.force_login(make_person("jason@example.org", "Jason Priem"))
    claim_page = client.get(reverse("claims:claim-start", args=[priem_record.slug]))
    assert SIGN_IN in claim_page.content.decode()
    assert SIGN_IN in client.get(reverse("pages:home")).content.decode()
    assert Researcher.objects.count() > 0
