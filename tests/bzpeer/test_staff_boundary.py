"""Staff powers need a staff account and a session that passed two-factor authentication:
the admin has no password form of its own, and staff reading at public URLs is behind the
same rule."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from claims.models import Claim
from claims.services import claim_submit
from profiles.models import Researcher
from tests.conftest import staff_login, totp_code
from tests.people import PASSWORD, make_person


def other_claim(researcher) -> Claim:
    tim = make_person("tim@example.org", "Timothy Lillicrap")
    return claim_submit(user=tim, researcher=researcher, kind="other", statement="Mine.")


def staff_with_totp():
    staff = make_person("staff@example.org", "Staff Person", staff=True)
    secret = generate_totp_secret()
    staff.authenticator_set.all().delete()
    TOTP.activate(staff, secret)
    return staff, secret


@pytest.mark.django_db
def test_the_admin_login_is_the_sites_login_with_its_limits_and_two_factor_step(client):
    staff, _ = staff_with_totp()
    response = client.get("/admin/login/?next=/admin/profiles/researcher/")
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=/admin/profiles/researcher/"

    # Its password form is gone: forty wrong passwords and then the right one sign nobody in.
    for _ in range(40):
        client.post("/admin/login/", {"username": staff.email, "password": "wrong"})
    client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").url.startswith("/admin/login/")


@pytest.mark.django_db
def test_staff_signed_in_with_a_password_alone_reach_no_staff_power(client, demo):
    claim = other_claim(demo)
    staff, _ = staff_with_totp()
    client.force_login(staff)  # a session that never passed the second factor
    for url in ("/staff/claims/", "/admin/", "/admin/claims/claim/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("mfa_reauthenticate")), url
    review = reverse("claims:staff-review", args=[claim.public_id])
    client.post(review, {"action": "approve", "reason": "Looks fine."})
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.PENDING
    assert Researcher.objects.get(pk=demo.pk).owner_id is None
    # Nor can they read claims at the claimant's own address.
    assert client.get(claim.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_staff_who_pass_the_second_factor_review_and_decide(client, demo):
    claim = other_claim(demo)
    staff, secret = staff_with_totp()
    response = client.post(
        f"{reverse('account_login')}?next=/staff/claims/",
        {"login": staff.email, "password": PASSWORD},
    )
    assert response.url == reverse("mfa_authenticate")
    assert client.get("/staff/claims/").status_code == 302  # not signed in yet
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.url == "/staff/claims/"
    assert "Timothy Lillicrap" in client.get("/staff/claims/").content.decode()
    assert client.get(claim.get_absolute_url()).status_code == 200
    assert client.get("/admin/").status_code == 200
    review = reverse("claims:staff-review", args=[claim.public_id])
    client.post(review, {"action": "approve", "reason": "Links check out."})
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.APPROVED


@pytest.mark.django_db
def test_a_password_session_passes_the_second_factor_again_to_become_staff(client, demo):
    staff, secret = staff_with_totp()
    client.force_login(staff)
    response = client.get("/staff/claims/")
    assert response.url == f"{reverse('mfa_reauthenticate')}?next=%2Fstaff%2Fclaims%2F"
    response = client.post(response.url, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/staff/claims/").status_code == 200


@pytest.mark.django_db
def test_staff_pages_send_signed_out_people_to_the_sites_login(client):
    response = client.get("/staff/claims/")
    assert response.url == f"{reverse('account_login')}?next=/staff/claims/"
    client.force_login(make_person("nosy@example.org", "Nosy Parker"))
    assert client.get("/staff/claims/").status_code == 403
    assert client.get("/admin/login/").status_code == 403


@pytest.mark.django_db
def test_ownership_cannot_be_set_by_hand_in_the_admin(client, demo):
    superuser = make_person("root@example.org", "Root", staff=True)
    type(superuser).objects.filter(pk=superuser.pk).update(is_superuser=True)
    someone = make_person("someone@example.org", "Some One")
    staff_login(client, superuser)
    url = reverse("admin:profiles_researcher_change", args=[demo.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    assert "owner" not in form.fields and "claim_level" not in form.fields
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "owner": someone.pk,
            "claim_level": 3,
            "other_names": "",
            "sources": "arxiv",
            "changes-TOTAL_FORMS": 0,
            "changes-INITIAL_FORMS": 0,
        }
    )
    client.post(url, data)
    demo.refresh_from_db()
    assert demo.owner_id is None and demo.claim_level == 0
