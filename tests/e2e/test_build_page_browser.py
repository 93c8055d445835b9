"""A newcomer signs in with ORCID (the local ORCID), asks BZPEER to build their page, and sees
the job go by and their works arrive without reloading, a real Celery worker doing the reading
from the local ORCID and OpenAlex."""

import copy

import pytest

from tests.e2e.conftest import log_in
from tests.people import PASSWORD, PRIEM, make_person
from tests.processes import site_worker
from tests.sources_server import FakeOpenAlex


@pytest.fixture
def sources_for_worker(settings, fake_orcid, live_server):
    """The local ORCID (sign-in and public API) let in by the CSP as the real one is, and
    OpenAlex: a worker reads both."""
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = ["'self'", fake_orcid.url]
    settings.CONTENT_SECURITY_POLICY = policy
    openalex = FakeOpenAlex().start()
    try:
        with site_worker(ORCID_API_URL=fake_orcid.url, OPENALEX_API_URL=openalex.url):
            yield fake_orcid
    finally:
        openalex.stop()


def test_sign_in_with_orcid_build_my_page_and_see_my_works_arrive(
    browser, live_server, sources_for_worker
):
    base = live_server.url
    make_person("jason@example.org", "Jason Priem")
    page = log_in(browser, base, "jason@example.org")
    sources_for_worker.person = PRIEM
    page.get_by_role("button", name="Sign in with ORCID").click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith(base.rstrip("/")) or "reauth" in url)
    if "reauthenticate" in page.url:
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name=f"Your ORCID iD {PRIEM.orcid}").wait_for()

    page.get_by_role("button", name="Build my page from ORCID").click()
    page.wait_for_url("**/jobs/*/")
    status = page.get_by_role("status")
    # The job's state updates in place (htmx polls) until the page is ready.
    page.get_by_text("Your page is ready").wait_for(timeout=60_000)
    assert "Jason Priem" in status.inner_text()
    page.get_by_role("link", name="Open your page").click()
    page.wait_for_url("**/researchers/jason-priem/")
    assert page.get_by_text("Claimed by you.").is_visible()
    assert page.get_by_text("The state of OA: a large-scale analysis").first.is_visible()
    assert "Verification L2" in page.locator(".chips").first.inner_text()
