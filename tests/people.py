"""The people tests share: accounts made as sign-up makes them, signing in through the real
forms, the local ORCID, Jason Priem's real record, and the demo record's cast (``people``).
Its fixtures are registered for every test by tests/conftest.py."""

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
import requests
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from profiles.models import Institution, Researcher
from social.services import invitation_send
from tests.conftest import FIXTURES, run_command
from tests.factories import UserFactory
from tests.orcid_server import FakeOrcid, Person

PASSWORD = "a long and unusual passphrase"
PRIEM = Person("0000-0001-6187-6610", "Jason", "Priem")


def import_priem() -> Researcher:
    """Jason Priem's record from the real OpenAlex samples, at OurResearch (whose staff's
    addresses end in ourresearch.org)."""
    files = (FIXTURES / "W2741809807.json", FIXTURES / "A5023888391.json")
    assert run_command("import_openalex", *files)[0] == 0
    Institution.objects.filter(name="OurResearch").update(email_domains=["ourresearch.org"])
    return Researcher.objects.select_related("institution").get(orcid=PRIEM.orcid)


@pytest.fixture
def priem_record(db):
    return import_priem()


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


@pytest.fixture
def people(demo):
    """Tim owns the demo record; Danijar owns his, open to collaborate; Ana is a reader with
    a week-old account."""
    tim = make_person("tim@example.org", "Timothy Lillicrap")
    danijar = make_person("danijar@example.org", "Danijar Hafner")
    ana = make_person("ana@example.org", "Ana Reader")
    type(ana).objects.filter(pk=ana.pk).update(date_joined=timezone.now() - timedelta(days=8))
    ana.refresh_from_db()
    Researcher.objects.filter(pk=demo.pk).update(owner=tim, claim_level=2)
    Researcher.objects.filter(slug="danijar-hafner").update(
        owner=danijar,
        claim_level=2,
        open_to_collaborate=True,
        collaboration_topics="world models",
        collaboration_capacity="a few hours a month",
    )
    return {
        "tim": tim,
        "danijar": danijar,
        "ana": ana,
        "demo": Researcher.objects.get(pk=demo.pk),
        "hafner": Researcher.objects.get(slug="danijar-hafner"),
    }


def invite(sender, researcher, message="Shall we work on this?", **extra):
    return invitation_send(
        sender=sender, researcher=researcher, subject="World models", message=message, **extra
    )
