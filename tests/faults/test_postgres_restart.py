"""PostgreSQL restarted under load, behind gunicorn: requests during the outage get a 503
within two seconds, and once it is back the same gunicorn workers serve again."""

import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from tests.processes import ROOT, PostgresServer, free_port, site_environment, stop, wait_for

PAGES = ["/?q=lillicrap", "/readyz", "/researchers/nobody/"]
# After PostgreSQL is back, every request succeeds within this.
RECOVERY_SECONDS = 2
# PostgreSQL stays down at least this long: longer than the pools' reconnect_timeout (two
# seconds, bzpeer/settings.py), so requests also meet pools that have given up reconnecting.
OUTAGE_SECONDS = 3
# How many answers each phase needs (the clients cycle through PAGES), and how long the
# site is watched once it has recovered.
ANSWERS = 30
WATCHED_AFTER_RECOVERY = 1
# How often the test looks at the answers while it waits for them.
POLL = 0.05


@dataclass
class Answer:
    started: float
    seconds: float
    status: int


def fetch(url: str) -> int:
    """The answer's status; 0 for no answer (nothing listening, or a connection cut)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (local)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


class Load:
    """A few clients requesting pages without pause, each answer noted."""

    def __init__(self, base: str, clients: int = 4) -> None:
        self.base = base
        self.answers: list[Answer] = []
        self.running = True
        self.threads = [threading.Thread(target=self.client, args=(i,)) for i in range(clients)]

    def client(self, number: int) -> None:
        while self.running:
            page = PAGES[(number + len(self.answers)) % len(PAGES)]
            started = time.monotonic()
            status = fetch(self.base + page)
            self.answers.append(Answer(started, time.monotonic() - started, status))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.running = False
        for thread in self.threads:
            thread.join(timeout=20)

    def between(self, start: float, end: float) -> list[Answer]:
        return [a for a in self.answers if start <= a.started < end]


@pytest.fixture
def static_root(tmp_path):
    """As a deployment does: with DEBUG off, pages need the collected static files' manifest.
    Collecting them touches no database, so they are collected while PostgreSQL starts and
    the site's tables are made; the value waits for it and gives STATIC_ROOT."""
    root = tmp_path / "static"
    collectstatic = manage(
        site_environment(REDIS_URL="", STATIC_ROOT=str(root)), "collectstatic", "--noinput"
    )
    try:
        yield lambda: finish(collectstatic) or root
    finally:
        stop(collectstatic)


@pytest.fixture
def postgres():
    with tempfile.TemporaryDirectory(prefix="bzpeer-pg-") as folder:
        server = PostgresServer(Path(folder))
        server.start()
        try:
            yield server
        finally:
            try:
                server.stop()
            except subprocess.CalledProcessError:
                pass  # already stopped


def gunicorn(env: dict, port: int) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (a fixed command line)
        [sys.executable, "-m", "gunicorn", "bzpeer.wsgi", "--workers", "3"]
        + ["--bind", f"127.0.0.1:{port}", "--timeout", "30", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )


def manage(env: dict, *command: str) -> subprocess.Popen:
    """``manage.py`` with ``command``, started; finish() waits for it."""
    return subprocess.Popen(  # noqa: S603 (a fixed command line)
        [sys.executable, "manage.py", *command, "-v", "0"], cwd=ROOT, env=env
    )


def finish(process: subprocess.Popen) -> None:
    returncode = process.wait(timeout=120)
    if returncode:
        raise subprocess.CalledProcessError(returncode, process.args)


def test_requests_get_a_503_within_two_seconds_while_postgresql_is_down_then_recover(
    static_root, postgres
):
    postgres.create_database("bzpeer")
    env = site_environment(
        DATABASE_URL=postgres.url("bzpeer"),
        REDIS_URL="",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
    )
    migrate = manage(env, "migrate", "--noinput")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = None
    try:
        # gunicorn starts once the static files are collected, beside the migrations, and is
        # asked for nothing before they are done.
        env["STATIC_ROOT"] = str(static_root())
        server = gunicorn(env, port)
        finish(migrate)
        wait_for(lambda: fetch(base + "/readyz") == 200, 30, "gunicorn to serve", POLL)
        workers = {p.pid for p in psutil.Process(server.pid).children()}
        with Load(base) as load:
            # Answers from before the cut, the last of them begun half a second before it.
            wait_for(
                lambda: len(load.between(0, time.monotonic() - 0.5)) >= ANSWERS,
                30,
                "answers before PostgreSQL stops",
                POLL,
            )
            down = time.monotonic()
            postgres.stop()
            with pytest.raises(urllib.error.HTTPError) as outage:
                urllib.request.urlopen(base + "/?q=lillicrap", timeout=10)  # noqa: S310
            wait_for(
                lambda: (
                    time.monotonic() >= down + OUTAGE_SECONDS
                    and len(load.between(down + 0.5, time.monotonic() - 1)) >= ANSWERS // 3
                ),
                30,
                "answers while PostgreSQL is down",
                POLL,
            )
            up = time.monotonic()
            postgres.start()
            wait_for(
                lambda: (
                    time.monotonic() >= up + RECOVERY_SECONDS + WATCHED_AFTER_RECOVERY
                    and len(load.between(up + RECOVERY_SECONDS, time.monotonic())) >= ANSWERS
                ),
                30,
                "answers once PostgreSQL is back",
                POLL,
            )
        end = time.monotonic()
        assert fetch(base + "/healthz") == 200
        assert {p.pid for p in psutil.Process(server.pid).children()} == workers
    finally:
        for process in (migrate, server):
            if process is not None:
                stop(process)

    timeline = [(round(a.started - down, 2), a.status, round(a.seconds, 3)) for a in load.answers]
    before = load.between(0, down - 0.5)
    # Around the cut and the return either answer is right: a request waits in gunicorn's
    # queue for up to a second before a worker takes it.
    during = load.between(down + 0.5, up - 1)
    after = load.between(up + RECOVERY_SECONDS, end)
    assert before and all(a.status in (200, 404) for a in before), timeline
    assert during and all(a.status == 503 for a in during), timeline
    assert max(a.seconds for a in load.answers) < 2, timeline
    assert after and all(a.status in (200, 404) for a in after), timeline
    assert outage.value.code == 503 and outage.value.headers["Retry-After"]
    assert "Temporarily unavailable" in outage.value.read().decode()
