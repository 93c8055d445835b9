import re
from urllib.parse import urlparse

import pytest
import requests
from allauth.account.models import EmailAddress
from django.urls import reverse

from profiles.models import Institution, Researcher
from tests.conftest import FIXTURES, run_command
from tests.factories import UserFactory
from tests.orcid_server import FakeOrcid, Person

PASSWORD = "a long and unusual passphrase"
PRIEM = Person("0000-0001-6187-6610", "Jason", "Priem")


@pytest.fixture
def priem_record(db):
    """Jason Priem's record from the real OpenAlex samples, at OurResearch."""
    assert (
        run_command(
            "import_openalex", FIXTURES / "W2741809807.json", FIXTURES / "A5023888391.json"
        )[0]
        == 0
    )
    Institution.objects.filter(name="OurResearch").update(email_domains=["ourresearch.org"])
    return Researcher.objects.select_related("institution").get(orcid=PRIEM.orcid)


def make_person(email: str, name: str = "", *, verified: bool = True, staff: bool = False):
    user = UserFactory(email=email, name=name, password=PASSWORD, is_staff=staff)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def sign_in(client, user) -> None:
    """Log in through the real form, then confirm the password as claims ask."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


@pytest.fixture
def fake_orcid(settings):
    server = FakeOrcid("test-client", "test-secret").start()
    settings.ORCID_URL = server.url
    settings.ORCID_API_URL = server.url
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "orcid": {
            **settings.SOCIALACCOUNT_PROVIDERS["orcid"],
            "APPS": [{"client_id": "test-client", "secret": "test-secret"}],
        },
    }
    yield server
    server.stop()


def orcid_sign_in(client, fake, person: Person, next_url: str):
    """The OAuth 2 authorization-code flow, end to end, against the local ORCID."""
    fake.person = person
    start = client.post(reverse("orcid_login"), {"process": "connect", "next": next_url})
    assert start.status_code == 302 and start["Location"].startswith(fake.url), start
    authorize = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert authorize.status_code == 302
    callback = urlparse(authorize.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def outbox_link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)
