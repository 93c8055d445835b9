"""Accounts: rate limits on the real client address, two-factor authentication (required
of staff), re-authentication before sensitive changes, and no account enumeration."""

import re

import pytest
from allauth.mfa.utils import decrypt
from django.urls import reverse

from tests.conftest import staff_login, totp_code
from tests.factories import UserFactory
from tests.people import PASSWORD, make_person


def emailed_login_code(email: str) -> str:
    from django.core import mail

    message = [m for m in mail.outbox if email in m.to][-1]
    return re.search(r"^\s*([A-Z0-9-]{6,12})\s*$", message.body, re.MULTILINE).group(1)


def without_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


@pytest.mark.django_db
def test_staff_without_two_factor_are_sent_to_turn_it_on(client):
    staff = UserFactory(is_staff=True, two_factor=False)
    client.force_login(staff)
    for url in ("/staff/claims/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("mfa_activate_totp")), url


@pytest.mark.django_db
def test_staff_with_two_factor_reach_staff_pages(client):
    staff_login(client, UserFactory(is_staff=True))
    assert client.get("/staff/claims/").status_code == 200


@pytest.mark.django_db
def test_anyone_can_turn_on_two_factor_and_then_logs_in_with_a_code(client):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    person = make_person("ada@example.org", "Ada Lovelace")
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    response = client.post(
        reverse("account_login"), {"login": "ada@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    code = totp_code(secret)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)
    stored = Authenticator.objects.get(user=person, type="totp").data["secret"]
    assert decrypt(stored) == secret
    assert client.get(reverse("mfa_index")).status_code == 200


@pytest.mark.django_db
def test_rate_limits_follow_the_real_address_behind_the_proxy(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    person = make_person("tim@example.org", "Timothy Lillicrap")
    url = reverse("account_login")
    attacker = "198.51.100.7"
    for attempt in range(10):
        # The attacker rotates the part of X-Forwarded-For they control; the proxy appends
        # the address it saw, and that is the one counted.
        forged = f"10.0.{attempt}.1, {attacker}"
        client.post(
            url, {"login": person.email, "password": "wrong"}, headers={"x-forwarded-for": forged}
        )
    blocked = client.post(
        url,
        {"login": person.email, "password": PASSWORD},
        headers={"x-forwarded-for": f"10.9.9.9, {attacker}"},
    )
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts. Try again later." in blocked.content.decode()

    # The real person, elsewhere, is not locked out of their own account: after that many
    # failures their password is not enough, and a code emailed to them finishes the sign-in.
    owner = type(client)()
    response = owner.post(
        url,
        {"login": person.email, "password": PASSWORD},
        headers={"x-forwarded-for": "192.0.2.55"},
    )
    assert response.status_code == 302
    assert response.url == reverse("account_confirm_login_code")
    assert "_auth_user_id" not in owner.session
    code = emailed_login_code(person.email)
    response = owner.post(response.url, {"code": code}, headers={"x-forwarded-for": "192.0.2.55"})
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(person.pk)


@pytest.mark.django_db
def test_log_in_does_not_tell_whether_an_email_has_an_account(client):
    make_person("tim@example.org", "Timothy Lillicrap")
    url = reverse("account_login")
    known = client.post(url, {"login": "tim@example.org", "password": "wrong one"})
    unknown = client.post(url, {"login": "nobody@example.org", "password": "wrong one"})
    assert known.status_code == unknown.status_code == 200
    known_html = without_tokens(known.content.decode()).replace("tim@example.org", "EMAIL")
    unknown_html = without_tokens(unknown.content.decode()).replace("nobody@example.org", "EMAIL")
    assert known_html == unknown_html


@pytest.mark.django_db
def test_sign_up_and_password_reset_do_not_tell_either(client):
    make_person("tim@example.org", "Timothy Lillicrap")
    for url, field in (
        (reverse("account_signup"), None),
        (reverse("account_reset_password"), "email"),
    ):
        responses = []
        for email in ("tim@example.org", "new-person@example.org"):
            data = {"email": email}
            if field is None:
                data |= {"password1": PASSWORD, "password2": PASSWORD}
            fresh = type(client)()
            responses.append(fresh.post(url, data))
        assert responses[0].status_code == responses[1].status_code == 302, url
        assert responses[0].url == responses[1].url, url


@pytest.mark.django_db
def test_changing_email_needs_a_fresh_password(client):
    person = make_person("tim@example.org", "Timothy Lillicrap")
    client.force_login(person)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "other@example.org"}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))


@pytest.mark.django_db
def test_guessing_one_accounts_password_from_many_addresses_gets_nowhere(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    person = make_person("tim@example.org", "Timothy Lillicrap")
    url = reverse("account_login")
    for attempt in range(settings.LOGIN_FAILURES_BEFORE_CODE):
        client.post(
            url,
            {"login": person.email, "password": f"guess {attempt}"},
            headers={"x-forwarded-for": f"203.0.113.{attempt}"},
        )
    # The right password, from yet another address: not enough any more.
    response = client.post(
        url,
        {"login": person.email, "password": PASSWORD},
        headers={"x-forwarded-for": "203.0.113.99"},
    )
    assert response.url == reverse("account_confirm_login_code")
    assert "_auth_user_id" not in client.session
    response = client.post(response.url, {"code": "WRONG-CODE"})
    assert "_auth_user_id" not in client.session
    response = client.post(
        reverse("account_confirm_login_code"), {"code": emailed_login_code(person.email)}
    )
    assert client.session["_auth_user_id"] == str(person.pk)

    # Signed in: the count starts again, and the next sign-in needs the password only.
    client.logout()
    response = client.post(url, {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(person.pk)
