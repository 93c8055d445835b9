from datetime import timedelta

import pytest
from django.utils import timezone

from profiles.models import Researcher
from social.services import invitation_send
from tests.claims.conftest import make_person


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
