"""The Content-Security-Policy blocks nothing the site itself does, in Chromium."""

import copy
import re
from urllib.parse import urlparse

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from graph.services import slice_build
from profiles.models import Researcher
from tests.conftest import totp_code
from tests.e2e.conftest import log_in, wait_until
from tests.people import (
    PASSWORD,
    PRIEM,
    make_person,
)


@pytest.fixture
def orcid_in_policy(settings, fake_orcid):
    """The local ORCID is let in as the settings let in the real one."""
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = ["'self'", fake_orcid.url]
    settings.CONTENT_SECURITY_POLICY = policy
    return fake_orcid


def arrive(page, path: str) -> None:
    """Wait for the page whose path matches the pattern, confirming the password on the way
    if the site asks for it."""
    reauthenticate = "/accounts/reauthenticate/"

    def at(*patterns):
        return lambda url: any(re.fullmatch(p, urlparse(url).path) for p in patterns)

    page.wait_for_url(at(path, reauthenticate))
    if urlparse(page.url).path == reauthenticate:
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_url(at(path))


def staff_log_in(csp_browser, base: str, next_path: str):
    """A staff member signs in with a password and a second factor, and lands on next_path."""
    secret = generate_totp_secret()
    staff = make_person("staff@example.org", "Staff Member")
    TOTP.activate(staff, secret)
    type(staff).objects.filter(pk=staff.pk).update(is_staff=True, is_superuser=True)
    page = csp_browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{base}{next_path}")
    return page


def test_the_profile_and_the_graph_explorer_raise_no_violation(csp_browser, pending_site):
    base = pending_site.url
    page = csp_browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/researchers/timothy-lillicrap/")
    assert "Building this graph slice" in page.locator("#graph-section").inner_text()

    # The section polls itself through htmx and is swapped in when the slice is ready.
    slice_build(researcher_id=Researcher.objects.get(slug="timothy-lillicrap").pk)
    page.get_by_text("Close collaborators (0)").wait_for(timeout=15_000)
    wait_until(page, "window.bzpeerGraph && window.bzpeerGraph.mini")
    assert csp_browser.violations(page) == []

    page.reload()
    wait_until(page, "window.bzpeerGraph && window.bzpeerGraph.mini")
    page.get_by_role("link", name="Open full explorer").click()
    wait_until(page, "window.bzpeerGraph.explorer")
    page.locator(".legend-item input[value=work]").uncheck()  # the explorer redraws
    wait_until(page, "window.bzpeerGraph.explorer.nodes('[kind = \"work\"]').length === 0")
    assert csp_browser.violations(page) == []

    page.goto(f"{base}/researchers/timothy-lillicrap/graph/")
    wait_until(page, "window.bzpeerGraph && window.bzpeerGraph.explorer")
    assert page.locator("#explorer-canvas canvas").count() > 0
    assert csp_browser.violations(page) == []


def test_the_claim_flow_raises_no_violation(
    csp_browser,
    priem_site,
    orcid_in_policy,
):
    base = priem_site.url
    make_person("jason@example.org", "Jason Priem")
    page = log_in(csp_browser, base, "jason@example.org")
    assert csp_browser.violations(page) == []

    page.goto(f"{base}/researchers/jason-priem/")
    page.get_by_role("link", name="Claim this record").click()
    arrive(page, "/researchers/jason-priem/claim/")
    assert csp_browser.violations(page) == []

    # Signing in with ORCID posts to the site, which sends the browser on to ORCID and back.
    orcid_in_policy.person = PRIEM
    page.get_by_role("button", name="Sign in with ORCID").click()
    arrive(page, "/researchers/jason-priem/claim/orcid/")
    assert csp_browser.violations(page) == []
    page.get_by_role("button", name="Claim this record").click()
    arrive(page, "/claims/[^/]+/")
    assert csp_browser.violations(page) == []

    # Someone else disputes it with an institutional address; staff review the dispute.
    make_person("j.priem@ourresearch.org", "Jason Priem")
    other = log_in(csp_browser, base, "j.priem@ourresearch.org")
    other.goto(f"{base}/researchers/jason-priem/")
    other.get_by_role("link", name="dispute the claim").click()
    arrive(other, "/researchers/jason-priem/claim/")
    other.get_by_role("button", name="Send for review").first.click()
    arrive(other, "/claims/[^/]+/")
    assert csp_browser.violations(other) == []

    staff = staff_log_in(csp_browser, base, "/staff/claims/")
    assert csp_browser.violations(staff) == []
    staff.get_by_role("link", name="Jason Priem").click()
    staff.wait_for_url("**/staff/claims/*/")
    assert csp_browser.violations(staff) == []


def test_the_invite_flow_and_a_conversation_raise_no_violation(
    csp_browser, pending_site, reader_and_collaborator
):
    base = pending_site.url

    a = log_in(csp_browser, base, "ana@example.org")
    a.goto(f"{base}/researchers/danijar-hafner/")
    a.get_by_role("button", name="Follow researcher 0").click()
    a.get_by_role("button", name="Following 1").wait_for()
    a.get_by_role("link", name="Invite to collaborate").click()
    a.wait_for_url("**/researchers/danijar-hafner/invite/")
    assert csp_browser.violations(a) == []
    a.get_by_label("Subject").fill("World models together")
    a.get_by_label("Message").fill("Would you like to work on this?")
    a.get_by_role("button", name="Send invitation").click()
    a.wait_for_url("**/conversations/*/")
    assert csp_browser.violations(a) == []

    b = log_in(csp_browser, base, "danijar@example.org")
    b.goto(f"{base}/notifications/")
    assert csp_browser.violations(b) == []
    b.get_by_role(
        "link", name="Ana Reader invites you to collaborate: World models together"
    ).click()
    b.get_by_role("button", name="Accept and open the conversation").click()
    b.get_by_label("Your message").fill("Gladly: next week?")
    b.get_by_role("button", name="Send").click()
    b.get_by_text("Gladly: next week?").wait_for()
    assert csp_browser.violations(b) == []

    b.goto(f"{base}/conversations/")
    assert csp_browser.violations(b) == []


def test_the_watch_sees_what_the_policy_blocks(csp_browser, live_server, transactional_db):
    page = csp_browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>main {}</style>')")
    wait_until(page, "window.__cspViolations.length > 0")
    found = csp_browser.violations(page)
    assert any("style-src-elem blocked inline" in v for v in found), found
    assert any("Content Security Policy" in v for v in found), found


def test_two_factor_set_up_and_the_account_pages_raise_no_violation(
    csp_browser, live_server, transactional_db
):
    base = live_server.url
    make_person("ana@example.org", "Ana Reader")
    page = log_in(csp_browser, base, "ana@example.org")
    page.goto(f"{base}/accounts/email/")
    assert csp_browser.violations(page) == []

    page.goto(f"{base}/accounts/2fa/totp/activate/")
    arrive(page, "/accounts/2fa/totp/activate/")
    qr = page.locator("img[src^='data:']")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    secret = qr.get_attribute("alt")
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/**")
    assert csp_browser.violations(page) == []


def test_the_admin_raises_no_violation(csp_browser, pending_site):
    page = staff_log_in(csp_browser, pending_site.url, "/admin/")
    assert csp_browser.violations(page) == []

    changelists = page.eval_on_selector_all(
        "#content-main th[scope=row] a", "links => links.map(a => a.href)"
    )
    assert changelists
    for changelist in changelists:
        page.goto(changelist)
        assert csp_browser.violations(page) == []
        first = page.locator("#result_list tbody th a").first
        if first.count():
            first.click()
            page.locator("#content-main form").wait_for()
            assert csp_browser.violations(page) == []


def test_the_api_docs_render_from_the_sites_own_files_without_a_violation(
    csp_browser, pending_site
):
    page = csp_browser.new_page()
    page.goto(f"{pending_site.url}/api/v1/docs/")
    page.locator(".swagger-ui .info .title").get_by_text("BZPEER API").wait_for()
    page.get_by_text("/api/v1/researchers/{slug}/works/").first.wait_for()
    assert csp_browser.violations(page) == []
