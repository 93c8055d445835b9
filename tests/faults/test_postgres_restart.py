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


def test_requests_get_a_503_within_two_seconds_while_postgresql_is_down_then_recover(
    postgres, tmp_path
):
    postgres.create_database("bzpeer")
    env = site_environment(
        DATABASE_URL=postgres.url("bzpeer"),
        REDIS_URL="",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    # As a deployment does: with DEBUG off, pages need the collected static files' manifest.
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(  # noqa: S603 (a fixed command line)
            [sys.executable, "manage.py", *command, "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=120,
        )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = gunicorn(env, port)
    try:
        wait_for(lambda: fetch(base + "/readyz") == 200, 30, "gunicorn to serve")
        workers = {p.pid for p in psutil.Process(server.pid).children()}
        with Load(base) as load:
            time.sleep(2)
            down = time.monotonic()
            postgres.stop()
            time.sleep(1)
            with pytest.raises(urllib.error.HTTPError) as outage:
                urllib.request.urlopen(base + "/?q=lillicrap", timeout=10)  # noqa: S310
            time.sleep(3)
            up = time.monotonic()
            postgres.start()
            time.sleep(5)
        end = time.monotonic()
        assert fetch(base + "/healthz") == 200
        assert {p.pid for p in psutil.Process(server.pid).children()} == workers
    finally:
        stop(server)

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
