import re

import pytest
from django.core import mail

from profiles.models import User
from tests.factories import UserFactory

PASSWORD = "a long and unusual passphrase"


@pytest.mark.django_db
def test_sign_up_sends_a_verification_email_and_verifying_logs_in(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "ada@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.filter(email="ada@example.org").exists()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    client.post(link.group(1))

    home = client.get("/").content.decode()
    assert "ada@example.org" in home
    assert "Log out" in home


@pytest.mark.django_db
def test_an_unverified_account_cannot_log_in(client):
    UserFactory(email="bo@example.org", password=PASSWORD)
    response = client.post("/accounts/login/", {"login": "bo@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/confirm-email/")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_verified_account_logs_in_and_out(client):
    from allauth.account.models import EmailAddress

    user = UserFactory(email="cy@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post("/accounts/login/", {"login": "cy@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_login_page_uses_the_site_layout(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'class="site-header"' in html
    assert "Sign In" in html
