import io

import pytest
from django.core.management import call_command


@pytest.fixture
def demo_site(pending_site):
    call_command("build_graphs", stdout=io.StringIO())  # as make run does
    return pending_site


def test_a_visitor_reads_the_demo_profile(page, demo_site):
    page.goto(f"{demo_site.url}/researchers/timothy-lillicrap/")

    assert page.title() == "Timothy Lillicrap · BZPEER"
    assert page.get_by_role("heading", level=1).inner_text() == "Timothy Lillicrap"
    snapshot = page.locator("section", has=page.get_by_role("heading", name="Trust snapshot"))
    text = snapshot.inner_text()
    assert "Trust 25 - Emerging" in text
    assert "Verification L1" in text
    assert "Unclaimed author" in text
    for line in ("13\nworks", "0\nfollowers", "4\ntopics", "0\nclose collaborators"):
        assert line in text
    assert page.get_by_text("Affiliation not imported").first.is_visible()

    works = page.locator("li.work")
    assert works.count() == 13
    first = "Intra-agent speech permits zero-shot task acquisition"
    assert works.first.locator("h3").inner_text() == first
    assert "Timothy Lillicrap" in works.first.locator(".work__authors").inner_text()

    # "Why this score" opens in place and lists the components.
    page.get_by_text("Why this score").click()
    assert page.get_by_role("row", name="Verification L1").is_visible()

    # A coauthor's name leads to their own page.
    page.get_by_role("link", name="Danijar Hafner").first.click()
    page.wait_for_url("**/researchers/danijar-hafner/")
    assert page.get_by_role("heading", level=1).inner_text() == "Danijar Hafner"


def test_log_in_to_claim_goes_to_the_login_page_and_back(page, demo_site):
    page.goto(f"{demo_site.url}/researchers/timothy-lillicrap/")
    page.get_by_role("link", name="Log in to claim").click()
    page.wait_for_url("**/accounts/login/?next=/researchers/timothy-lillicrap/")
    assert page.get_by_role("heading", name="Sign In").is_visible()


def test_searching_from_the_home_page_finds_the_demo_researcher(page, demo_site):
    page.goto(f"{demo_site.url}/")
    page.get_by_label("Researcher name").fill("lillicrap")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Timothy Lillicrap").click()
    page.wait_for_url("**/researchers/timothy-lillicrap/")


def test_a_signed_in_person_follows_in_place(page, demo_site):
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    user = UserFactory(email="reader@example.org", password="a long and unusual passphrase")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    page.goto(f"{demo_site.url}/accounts/login/?next=/researchers/timothy-lillicrap/")
    page.get_by_label("Email").fill("reader@example.org")
    page.get_by_label("Password").fill("a long and unusual passphrase")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/researchers/timothy-lillicrap/")

    page.evaluate("window.__marker = 'same page'")
    page.get_by_role("button", name="Follow researcher 0").click()
    following = page.get_by_role("button", name="Following 1")
    following.wait_for()
    assert page.evaluate("window.__marker") == "same page"  # swapped in place, no reload
    assert "1\nfollowers" in page.locator(".stats").inner_text()

    page.reload()
    assert "1\nfollowers" in page.locator(".stats").inner_text()
    page.get_by_role("button", name="Following 1").click()
    page.get_by_role("button", name="Follow researcher 0").wait_for()
