import re

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail

from tests.conftest import totp_code
from tests.factories import UserFactory
from tests.people import PASSWORD


def test_sign_up_verify_claim_by_email_and_staff_approve(browser, priem_site):
    base = priem_site.url
    person = browser.new_context()
    page = person.new_page()
    page.set_default_timeout(10_000)

    # Sign up and verify the address from the email.
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Email").fill("jason@ourresearch.org")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again):").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    # Give the account its name, then claim the record with the institutional address;
    # confirm the password when asked.
    page.get_by_role("link", name="Your account").click()
    page.get_by_label("Your name").fill("Jason Priem")
    page.get_by_role("button", name="Save").click()
    page.goto(f"{base}/researchers/jason-priem/")
    page.get_by_role("link", name="Claim this record").click()
    assert "“Jason Priem”" in page.content()
    page.get_by_role("button", name="Send for review").first.click()
    # Claiming asks for the password again; the claim goes through once it is confirmed.
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/claims/*/")
    assert "Pending review" in page.locator("main").inner_text()

    # Staff log in with their second factor and approve.
    secret = generate_totp_secret()
    staff_user = UserFactory(
        email="staff@example.org", password=PASSWORD, is_staff=True, two_factor=False
    )
    TOTP.activate(staff_user, secret)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(
        user=staff_user, email=staff_user.email, verified=True, primary=True
    )
    staff = browser.new_context().new_page()
    staff.set_default_timeout(10_000)
    staff.goto(f"{base}/accounts/login/?next=/staff/claims/")
    staff.get_by_label("Email").fill("staff@example.org")
    staff.get_by_label("Password").fill(PASSWORD)
    staff.get_by_role("button", name="Sign In").click()
    staff.wait_for_url("**/accounts/2fa/authenticate/**")
    staff.get_by_label("Code").fill(totp_code(secret))
    staff.get_by_role("button", name="Sign In").click()
    staff.wait_for_url("**/staff/claims/")
    staff.get_by_role("link", name="Jason Priem").click()
    assert "Verified address jason@ourresearch.org at OurResearch" in staff.content()
    staff.get_by_label("Reason (the claimant reads it)").fill("Address and works agree.")
    staff.get_by_role("button", name="Approve").click()
    staff.wait_for_url("**/staff/claims/")

    # The claimant sees the record claimed, at the new level.
    page.goto(f"{base}/researchers/jason-priem/")
    snapshot = page.locator("section", has=page.get_by_role("heading", name="Trust snapshot"))
    text = snapshot.inner_text()
    assert "Claimed author" in text
    assert "Verification L2" in text
    assert "Claimed by you." in page.locator("main").inner_text()
    assert "was approved" in mail.outbox[-1].subject
