"""Concurrent virtual visitors against a running site, every request timed and checked.

Anonymous visitors browse: home, a profile and its second page of works, a work, a search,
the trust page, the graph data. Signed-in visitors browse the same way and now and then follow
or unfollow the profile they are on; each keeps what it follows, so the follower counts the
site should show at the end are known exactly.
"""

import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn
from urllib.parse import urlencode

import requests

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 30
# Follows are meant for people, and may be rate-limited per user at a pace no person keeps up
# (around one a second); a visitor waits at least this long between two of them.
FOLLOW_GAP_SECONDS = 2.0
POPULAR_COUNT = 5


@dataclass(frozen=True)
class Site:
    """What visitors ask for. ``works`` maps a researcher's slug to its works' public ids;
    ``sessions`` are (user id, session key) of the signed-in visitors."""

    base_url: str
    slugs: list[str]
    works: dict[str, list[str]]
    queries: list[str]
    sessions: list[tuple[int, str]]


@dataclass
class Sample:
    kind: str
    ms: float
    error: str | None
    url: str


@dataclass
class Visitor:
    number: int
    session: tuple[int, str] | None
    samples: list[Sample] = field(default_factory=list)
    following: set[str] = field(default_factory=set)
    # A follow that failed may or may not have been applied: its outcome is unknown.
    uncertain: set[str] = field(default_factory=set)
    follows: int = 0
    unfollows: int = 0


@dataclass
class Outcome:
    visitors: list[Visitor]
    seconds: float

    @property
    def samples(self) -> list[Sample]:
        return [sample for visitor in self.visitors for sample in visitor.samples]

    def expected_follows(self) -> set[tuple[int, str]]:
        """(user id, slug) pairs that should be in the database, uncertain ones aside."""
        return {
            (visitor.session[0], slug)
            for visitor in self.visitors
            if visitor.session
            for slug in visitor.following
        }

    def uncertain_follows(self) -> set[tuple[int, str]]:
        return {
            (visitor.session[0], slug)
            for visitor in self.visitors
            if visitor.session
            for slug in visitor.uncertain
        }


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of ``values`` (``share`` from 0 to 100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share / 100 * len(ordered)) - 1)]


def drive(
    site: Site,
    *,
    visitors: int,
    seconds: float,
    think: float = 0.0,
    seed: int = 1,
    progress: Callable[[int, int, float], None] | None = None,
    progress_every: float = 5.0,
) -> Outcome:
    """Run ``visitors`` threads for ``seconds``; the first ``len(site.sessions)`` are signed
    in. ``progress(requests, errors, elapsed)`` is called every ``progress_every`` seconds.
    Returns when every visitor has finished its request in flight."""
    crowd = [
        Visitor(n, site.sessions[n] if n < len(site.sessions) else None) for n in range(visitors)
    ]
    started = time.monotonic()
    deadline = started + seconds
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=_visit,
            args=(
                site,
                visitor,
                deadline,
                stop,
                think,
                random.Random(seed * 10_007 + visitor.number),  # noqa: S311 (not secret)
            ),
            name=f"visitor-{visitor.number}",
            daemon=True,
        )
        for visitor in crowd
    ]
    for thread in threads:
        thread.start()
    try:
        while any(thread.is_alive() for thread in threads):
            time.sleep(min(progress_every, max(0.05, deadline - time.monotonic())))
            if progress and time.monotonic() < deadline:
                samples = [s for visitor in crowd for s in visitor.samples[:]]
                errors = sum(1 for s in samples if s.error)
                progress(len(samples), errors, time.monotonic() - started)
            if time.monotonic() > deadline + READ_TIMEOUT + CONNECT_TIMEOUT + 5:
                break  # a visitor stuck past its timeouts; its thread is a daemon
    finally:
        stop.set()  # on Ctrl-C too: visitors end after their request in flight
    return Outcome(crowd, time.monotonic() - started)


def _visit(
    site: Site,
    visitor: Visitor,
    deadline: float,
    stop: threading.Event,
    think: float,
    rng: random.Random,
) -> None:
    http = requests.Session()
    if visitor.session:
        http.cookies.set("sessionid", visitor.session[1])
    next_follow = time.monotonic() + rng.uniform(0, FOLLOW_GAP_SECONDS)

    def get(kind: str, path: str) -> requests.Response | None:
        if think:
            time.sleep(rng.uniform(0, 2 * think))
        if stop.is_set() or time.monotonic() >= deadline:
            raise _TimeUp
        return _request(http, visitor, kind, "GET", site.base_url + path)

    try:
        while True:
            slug = _next_researcher(site, visitor, rng)
            get("home", "/")
            get("profile", f"/researchers/{slug}/")
            if visitor.session and time.monotonic() >= next_follow:
                _toggle_follow(site, http, visitor, slug)
                next_follow = time.monotonic() + FOLLOW_GAP_SECONDS * rng.uniform(1, 1.5)
            get("works", f"/researchers/{slug}/?page=2")
            if site.works.get(slug):
                get("work", f"/works/{rng.choice(site.works[slug])}/")
            get("search", "/?" + urlencode({"q": rng.choice(site.queries)}))
            get("trust", f"/researchers/{slug}/trust/")
            get("graph", f"/researchers/{slug}/graph.json")
    except _TimeUp:
        pass
    finally:
        http.close()


class _TimeUp(Exception):
    pass


def _next_researcher(site: Site, visitor: Visitor, rng: random.Random) -> str:
    """Anyone, for an anonymous visitor. A signed-in one often goes back to someone it
    follows (and so unfollows), and often to one of a few popular researchers, so that many
    people follow the same one at the same time."""
    if visitor.session:
        roll = rng.random()
        followed = sorted(visitor.following)
        if followed and roll < 0.4:
            return rng.choice(followed)
        if roll < 0.7:
            return rng.choice(site.slugs[:POPULAR_COUNT])
    return rng.choice(site.slugs)


def _toggle_follow(site: Site, http: requests.Session, visitor: Visitor, slug: str) -> None:
    """Follow ``slug``, or unfollow it if followed, as the profile's htmx button does."""
    if slug in visitor.uncertain:
        return
    token = http.cookies.get("csrftoken")
    if not token:
        return  # the profile page it came from failed; the next one sets the cookie
    unfollow = slug in visitor.following
    url = f"{site.base_url}/researchers/{slug}/follow/"
    response = _request(
        http,
        visitor,
        "unfollow" if unfollow else "follow",
        "POST",
        url,
        data={"action": "unfollow"} if unfollow else {},
        headers={
            "X-CSRFToken": token,
            "HX-Request": "true",
            "Referer": f"{site.base_url}/researchers/{slug}/",
        },
        expect_200=True,
    )
    if response is None:
        visitor.uncertain.add(slug)
        return
    shows_following = 'value="unfollow"' in response.text
    if shows_following == unfollow:
        visitor.samples[-1].error = "the follow box shows the state from before"
        visitor.uncertain.add(slug)
        return
    if unfollow:
        visitor.following.discard(slug)
        visitor.unfollows += 1
    else:
        visitor.following.add(slug)
        visitor.follows += 1


def _request(
    http: requests.Session,
    visitor: Visitor,
    kind: str,
    method: str,
    url: str,
    *,
    expect_200: bool = False,
    **kwargs: Any,
) -> requests.Response | None:
    """One timed request; a status outside 2xx/3xx (or not 200 with ``expect_200``) or a
    failure to answer is an error. Returns the response unless it was an error."""
    started = time.perf_counter()
    try:
        response = http.request(
            method, url, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), allow_redirects=False, **kwargs
        )
    except requests.RequestException as exc:
        ms = (time.perf_counter() - started) * 1000
        visitor.samples.append(Sample(kind, ms, type(exc).__name__, url))
        return None
    ms = (time.perf_counter() - started) * 1000
    bad = response.status_code != 200 if expect_200 else not 200 <= response.status_code < 400
    visitor.samples.append(Sample(kind, ms, f"HTTP {response.status_code}" if bad else None, url))
    return None if bad else response


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def gunicorn(env: dict[str, str], port: int, *, workers: int = 4) -> Iterator[Path]:
    """Serve ``bzpeer.wsgi`` on 127.0.0.1:``port`` with ``env`` until the block ends, however
    it ends; yields the path of the server's log (removed afterwards). Raises RuntimeError,
    with the log's end, if the server never answers."""
    log = Path(tempfile.mkstemp(prefix="bzpeer-gunicorn-", suffix=".log")[1])
    with log.open("w") as log_file:
        server = subprocess.Popen(  # noqa: S603 (a fixed command line)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "bzpeer.wsgi",
                f"--workers={workers}",
                f"--bind=127.0.0.1:{port}",
                "--graceful-timeout=10",
                "--timeout=60",
            ],
            cwd=Path(__file__).resolve().parent.parent.parent,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            # Its own session: a Ctrl-C reaches this process, which then stops the server in
            # order (its workers leave the embedded PostgreSQL cleanly).
            start_new_session=True,
        )
    # Being told to stop (a SIGTERM) ends the block like a Ctrl-C, so the server stops too.
    in_main_thread = threading.current_thread() is threading.main_thread()
    if in_main_thread:
        previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        _wait_until_up(server, port, log)
        yield log
    finally:
        _stop(server)
        log.unlink(missing_ok=True)
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt


def _wait_until_up(
    server: subprocess.Popen[bytes], port: int, log: Path, timeout: float = 60
) -> None:
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{tail(log)}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{tail(log)}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # graceful: workers finish their request
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
