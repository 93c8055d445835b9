import os

import pytest

from tests.conftest import need
from tests.people import PASSWORD, import_priem

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser(chromium_path_session):
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (fixtures) are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path_session, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def chromium_path_session():
    import shutil
    from pathlib import Path

    path = shutil.which("chromium") or "/usr/bin/chromium"
    need(Path(path).exists(), "Chromium is not installed")
    return path


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def pending_site(live_server, transactional_db):
    """The demo imported, its graph slices not built yet: a worker has not run."""
    import io

    from django.core.management import call_command

    from tests.conftest import DEMO_FEED

    call_command("import_arxiv", str(DEMO_FEED), stdout=io.StringIO())
    return live_server


# Runs before any script of every document: Content-Security-Policy violations are kept on
# window, where a test reads them before it leaves the page.
CSP_WATCH_SCRIPT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(
    event.effectiveDirective + " blocked " + (event.blockedURI || "inline") + " at " +
    (event.sourceFile || document.location.href) + ":" + event.lineNumber
  );
}, true);
"""


class CspWatch:
    """Stands in for the browser: every context it opens records Content-Security-Policy
    violations, from the documents' securitypolicyviolation events and from Chromium's
    console, which also reports those of a document left before it was read."""

    def __init__(self, browser):
        self.browser = browser
        self.console: list[str] = []
        self.contexts = []

    def new_context(self, **kwargs):
        context = self.browser.new_context(**kwargs)
        context.add_init_script(CSP_WATCH_SCRIPT)
        context.on("console", self._console)
        self.contexts.append(context)
        return context

    def new_page(self, **kwargs):
        page = self.new_context(**kwargs).new_page()
        page.set_default_timeout(10_000)
        return page

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def violations(self, page) -> list[str]:
        """What the policy blocked so far: on this page's document, and anywhere in the
        console. Reading the console's list empties it."""
        found = [f"{page.url}: {v}" for v in page.evaluate("window.__cspViolations || []")]
        found += self.console
        self.console = []
        return found

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def csp_browser(browser):
    watch = CspWatch(browser)
    yield watch
    watch.close()
    assert watch.console == [], "Content-Security-Policy violations left unread"


@pytest.fixture
def reader_and_collaborator(pending_site):
    """Ana, a reader with an account over a week old, and Danijar, who owns his record and is
    open to collaborate on world models."""
    from datetime import timedelta

    from django.utils import timezone

    from profiles.models import Researcher
    from tests.people import make_person

    ana = make_person("ana@example.org", "Ana Reader")
    type(ana).objects.filter(pk=ana.pk).update(date_joined=timezone.now() - timedelta(days=10))
    danijar = make_person("danijar@example.org", "Danijar Hafner")
    Researcher.objects.filter(slug="danijar-hafner").update(
        owner=danijar, claim_level=2, open_to_collaborate=True, collaboration_topics="world models"
    )
    return ana, danijar


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Wait until a JavaScript expression is true in the page. Playwright's own
    wait_for_function polls with eval inside the page, which the site's CSP refuses;
    page.evaluate is not subject to it."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(f"!!({expression})"):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


@pytest.fixture
def priem_site(live_server, transactional_db):
    import_priem()
    return live_server


def log_in(browser, base, email):
    page = browser.new_context().new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{base}/")
    return page
