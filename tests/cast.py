"""A shared cast for permission tests: the same five roles in every test.

- ``owner``: signed in with ORCID and claimed ``owner_record``, which carries that iD,
  through the real claim services: a proof, approved at once (claim_level 2); open to
  collaborate;
- ``coauthor``: owns ``coauthor_record`` the same way; both records share ``shared_work``;
- ``stranger``: a signed-in account with a verified email and no record;
- ``staff``: is_staff, TOTP activated, and a session that passed the second factor;
- ``anonymous``: nobody signed in.

Every account is a month old with a verified primary email, so the site's rules for
newcomers (claims need a verified email, invitations a week-old account or a record) do not
get in the way of what a test is about: who may do what.

Registered in tests/conftest.py (``pytest_plugins``), so any test can ask for ``cast``.
"""

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import factory
import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.account.models import EmailAddress
from allauth.mfa.utils import is_mfa_enabled
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.utils import timezone
from factory.django import DjangoModelFactory

from claims.services import claim_approve, claim_submit
from tests.conftest import staff_login
from tests.factories import AuthorshipFactory, ResearcherFactory, UserFactory, WorkFactory

ROLES = ("anonymous", "owner", "coauthor", "stranger", "staff")
PEOPLE = ROLES[1:]


class EmailAddressFactory(DjangoModelFactory):
    """allauth's record of an address; verified and primary unless told otherwise."""

    class Meta:
        model = EmailAddress
        django_get_or_create = ["email"]

    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.user.email)
    verified = True
    primary = True


class PersonFactory(UserFactory):
    """An account as a settled member has it: a month old, its email verified."""

    date_joined = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    email_address = factory.RelatedFactory(EmailAddressFactory, factory_related_name="user")


class OrcidAccountFactory(DjangoModelFactory):
    """An ORCID sign-in connected to ``user``: what ORCID vouched for (its iD and name)."""

    class Meta:
        model = SocialAccount

    user = factory.SubFactory(PersonFactory)
    provider = "orcid"
    uid = factory.Sequence(lambda n: f"0000-0002-{n // 10000 % 10000:04d}-{n % 10000:04d}")
    extra_data = factory.LazyAttribute(
        lambda o: {
            "person": {
                "name": {
                    "given-names": {"value": o.user.name.split()[0]},
                    "family-name": {"value": o.user.name.split()[-1]},
                }
            }
        }
    )


def claim_with_orcid(person, researcher):
    """``person``, signed in with ORCID, claims ``researcher`` (which carries that iD): the
    real service approves such a proof at once."""
    claim = claim_submit(user=person, researcher=researcher, kind="orcid")
    claim.refresh_from_db()
    researcher.refresh_from_db()
    return claim


def claim_with_staff(person, researcher, staff):
    """``person`` claims ``researcher`` with links and a statement; ``staff`` approve it.
    The real services, so the record gets its owner and level as the site gives them."""
    claim = claim_submit(
        user=person, researcher=researcher, kind="other", statement="These are my papers."
    )
    claim_approve(claim=claim, staff=staff, reason="The lab page lists these works.")
    claim.refresh_from_db()
    researcher.refresh_from_db()
    return claim


def sign_in(client: Client, user, *, mfa: bool = False) -> None:
    """What allauth keeps in the session after a password login, then the password confirmed
    again just now, as views behind ``reauthentication_required`` (claims, deleting an
    account) ask. With ``mfa`` (staff), the login passed the second factor too: the suite's
    ``staff_login``."""
    if mfa:
        staff_login(client, user)
    else:
        client.force_login(user)
    session = client.session
    now = time.time()
    records = list(session.get(AUTHENTICATION_METHODS_SESSION_KEY) or []) or [
        {"method": "password", "at": now, "email": user.email}
    ]
    records.append({"method": "password", "at": now, "reauthenticated": True})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


@dataclass
class Cast:
    """The people (User), their records (Researcher), the work both records share, and the
    two approved claims. Typed loosely: the models are moving between apps."""

    owner: Any
    coauthor: Any
    stranger: Any
    staff: Any
    owner_record: Any
    coauthor_record: Any
    shared_work: Any
    owner_claim: Any
    coauthor_claim: Any

    def user(self, role: str):
        """The account playing ``role``; None for anonymous."""
        if role not in ROLES:
            raise ValueError(f"No such role: {role!r} (one of {', '.join(ROLES)})")
        return None if role == "anonymous" else getattr(self, role)

    def client(self, role: str, *, mfa: bool = True, csrf_checks: bool = False) -> Client:
        """A test client signed in as ``role``. Staff sessions passed the second factor
        unless ``mfa=False`` (a password-only session, which reaches no staff power).
        ``csrf_checks``: the client checks CSRF tokens, as a browser's requests are checked."""
        client = Client(enforce_csrf_checks=csrf_checks)
        user = self.user(role)
        if user is None:
            return client
        sign_in(client, user, mfa=user.is_staff and mfa)
        return client

    def others(self, role: str) -> list:
        """Every account in the cast except ``role``'s."""
        return [getattr(self, name) for name in PEOPLE if name != role]


@pytest.fixture
def cast(db) -> Cast:
    staff = PersonFactory(email="staff@example.org", name="Stella Staff", is_staff=True)
    owner = PersonFactory(email="owner@example.org", name="Grace Hopper")
    coauthor = PersonFactory(email="coauthor@example.org", name="Alan Turing")
    stranger = PersonFactory(email="stranger@example.org", name="Sam Stranger")
    owner_orcid = OrcidAccountFactory(user=owner).uid
    coauthor_orcid = OrcidAccountFactory(user=coauthor).uid
    owner_record = ResearcherFactory(
        display_name="Grace Hopper",
        orcid=owner_orcid,
        open_to_collaborate=True,
        collaboration_topics="compilers",
    )
    coauthor_record = ResearcherFactory(
        display_name="Alan Turing", orcid=coauthor_orcid, open_to_collaborate=True
    )
    shared_work = WorkFactory(title="On computable numbers and compilers")
    AuthorshipFactory(work=shared_work, researcher=owner_record, position=1)
    AuthorshipFactory(work=shared_work, researcher=coauthor_record, position=2)
    owner_claim = claim_with_orcid(owner, owner_record)
    coauthor_claim = claim_with_orcid(coauthor, coauthor_record)
    assert staff.is_staff and is_mfa_enabled(staff)
    for claim, person, record in [
        (owner_claim, owner, owner_record),
        (coauthor_claim, coauthor, coauthor_record),
    ]:
        assert claim.status == "approved" and claim.evidence.get().is_proof
        assert (record.owner_id, record.claim_level) == (person.pk, 2)
    return Cast(
        owner=owner,
        coauthor=coauthor,
        stranger=stranger,
        staff=staff,
        owner_record=owner_record,
        coauthor_record=coauthor_record,
        shared_work=shared_work,
        owner_claim=owner_claim,
        coauthor_claim=coauthor_claim,
    )
