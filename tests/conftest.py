import io
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

# Fixtures shared by every folder: the people of the tests (accounts, sign-in, the local ORCID).
pytest_plugins = ["tests.people", "tests.cast", "tests.sources_server"]

FIXTURES = Path(__file__).parent / "fixtures"
DEMO_FEED = Path(__file__).parent.parent / "works" / "demo" / "lillicrap.atom.xml"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# What a process started by a test needs when DEBUG is off (the settings refuse less).
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "test-only-" + "not-a-secret-" * 4,
    "SITE_URL": "http://127.0.0.1:8000",
    "SECURE_SSL_REDIRECT": "false",
}


def need(condition: bool, reason: str) -> None:
    """Skip a test whose service is missing on a developer's machine; in CI, fail instead."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def run_command(name: str, *args) -> tuple[int, str, str]:
    """Run a management command; returns (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(name, *map(str, args), stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return code, out.getvalue(), err.getvalue()


def run_benchmark(*args) -> list[str]:
    """Run a benchmark command in its own process, as make does; returns its output lines.
    The command works in a throwaway database of its own."""
    import subprocess
    import sys

    env = {**os.environ, **PRODUCTION_ENV}
    done = subprocess.run(  # noqa: S603 (a fixed command line)
        [sys.executable, "manage.py", *map(str, args)],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.fixture
def fixture_path():
    return lambda name: FIXTURES / name


@pytest.fixture
def demo(db):
    """The demo researcher, imported through the real arXiv importer."""
    from graph.services import slice_build
    from profiles.models import Researcher

    call_command("import_arxiv", str(DEMO_FEED), stdout=io.StringIO())
    researcher = Researcher.objects.get(slug="timothy-lillicrap")
    slice_build(researcher_id=researcher.pk)  # what a worker does after the import
    researcher.refresh_from_db()
    return researcher


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters and cached pages do not leak from one test into the next."""
    from django.conf import settings
    from django.core.cache import cache

    yield
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        import redis

        client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
    else:
        cache.clear()


def staff_login(client, user) -> None:
    """Sign a staff member in as the site requires of staff: a password and a second factor
    (what allauth keeps in the session after the TOTP step). The real steps, through the
    forms, are tested in tests/bzpeer/test_staff_boundary.py."""
    import time

    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    client.force_login(user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


def totp_code(secret: str) -> str:
    """The authenticator app's current code. Near the end of its 30-second window the code
    would expire before the form is sent (allauth allows no drift), so wait for the next."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))
