"""HTTP to the scholarly sources, and nothing else: every call has connect and read timeouts,
a User-Agent naming the site and its contact, retries with backoff on 429 and 5xx that honour
Retry-After, a per-source rate shared by every process (in the cache, Redis when set), and
conditional requests (ETag / Last-Modified) where the source answers them.

A source that is down or refuses answers SourceError; what the caller does with it (skip a key,
retry a task later) is the caller's business.
"""

import email.utils
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
ATTEMPTS = 4
BACKOFF = 1.0  # seconds before the second attempt; doubles after each
LONGEST_WAIT = 60.0  # a Retry-After longer than this is a refusal, not a wait
RETRIED = {429, 500, 502, 503, 504}
CONDITIONAL_FOR = 24 * 60 * 60  # seconds a validator and its body are kept
REMEMBERED_SIZE = 512 * 1024  # larger answers are asked for in full each time


class SourceError(Exception):
    """The source did not give what was asked: down, refusing, or answering nonsense."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class NotFound(SourceError):
    """The source holds no such record (404 or 410)."""


@dataclass
class Client:
    """One source's HTTP: ``name`` (for the rate and the cache keys), its base URL, and at
    most ``per_second`` requests a second across every process."""

    name: str
    base_url: str
    per_second: float
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        contact = settings.SOURCES_CONTACT_EMAIL
        self.session.headers.update(self.headers)
        self.session.headers["User-Agent"] = (
            f"BZPEER/1.0 (+{settings.SITE_URL}; mailto:{contact})"
            if contact
            else f"BZPEER/1.0 (+{settings.SITE_URL})"
        )

    def get_json(self, path: str, params: dict[str, str] | None = None) -> Any:
        """The JSON at ``path``; SourceError (NotFound for 404/410) when it cannot be had."""
        text = self.get_text(path, params)
        try:
            return json.loads(text)
        except ValueError as exc:
            raise SourceError(f"{self.name} answered {path} with something not JSON") from exc

    def get_text(self, path: str, params: dict[str, str] | None = None) -> str:
        url = f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"
        query = {**self.params, **(params or {})}
        asked = f"{url}?{sorted(query.items())}".encode()
        remembered_key = f"sources:{self.name}:conditional:{hashlib.sha256(asked).hexdigest()}"
        remembered = cache.get(remembered_key)
        headers = {}
        if remembered:
            if remembered.get("etag"):
                headers["If-None-Match"] = remembered["etag"]
            if remembered.get("modified"):
                headers["If-Modified-Since"] = remembered["modified"]
        response = self._send(url, query, headers)
        if response.status_code == 304 and remembered:
            return str(remembered["body"])
        if response.status_code in (404, 410):
            raise NotFound(f"{self.name} holds no {path}", status=response.status_code)
        if response.status_code >= 400:
            said = what_it_said(response.text)
            raise SourceError(
                f"{self.name} answered {path} with {response.status_code}"
                + (f": {said}" if said else ""),
                status=response.status_code,
            )
        etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        if (etag or modified) and len(response.text) <= REMEMBERED_SIZE:
            body = {"etag": etag, "modified": modified, "body": response.text}
            cache.set(remembered_key, body, CONDITIONAL_FOR)
        return str(response.text)

    def _send(self, url: str, query: dict[str, str], headers: dict[str, str]) -> requests.Response:
        wait = BACKOFF
        for attempt in range(1, ATTEMPTS + 1):
            self._take_turn()
            try:
                response = self.session.get(
                    url, params=query, headers=headers, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT)
                )
            except requests.RequestException as exc:
                if attempt == ATTEMPTS:
                    raise SourceError(f"{self.name} did not answer: {exc}") from exc
                self.sleep(wait)
                wait *= 2
                continue
            if response.status_code not in RETRIED or attempt == ATTEMPTS:
                return response
            asked = retry_after(response.headers.get("Retry-After"))
            if asked is not None and asked > LONGEST_WAIT:
                raise SourceError(
                    f"{self.name} asks us to wait {asked:.0f} s", status=response.status_code
                )
            self.sleep(asked if asked is not None else wait)
            wait *= 2
        raise AssertionError("unreachable")  # the loop returns or raises

    def _take_turn(self) -> None:
        """Wait for this source's next free slot of 1/per_second seconds, claimed in the cache
        by one process only, and send at the slot's end: two requests are never closer than
        a slot, whichever processes send them."""
        gap = 1.0 / self.per_second
        while True:
            slot = int(time.time() / gap)
            if cache.add(f"sources:{self.name}:slot:{slot}", 1, timeout=int(gap) + 2):
                self.sleep(max(0.0, (slot + 1) * gap - time.time()))
                return
            self.sleep(max(0.0, (slot + 1) * gap - time.time()) + 0.001)


def retry_after(value: str | None) -> float | None:
    """Retry-After in seconds: a number of seconds, or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


SAID_LENGTH = 300


def what_it_said(body: str) -> str:
    """The source's own words in an error answer, shortened: ``message`` or ``error`` of a
    JSON body (OpenAlex, Crossref), the first of DataCite's ``errors``, or a short plain-text
    body; nothing for an HTML page."""
    text = body.strip()
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        payload = None
    said = ""
    if isinstance(payload, dict):
        errors = payload.get("errors")
        first = errors[0] if isinstance(errors, list) and errors else None
        for value in (
            payload.get("message"),
            payload.get("error"),
            first.get("title") if isinstance(first, dict) else first,
        ):
            if isinstance(value, str) and value.strip():
                said = value
                break
    elif payload is None and not text.startswith("<"):
        said = text
    said = " ".join(said.split())
    return said if len(said) <= SAID_LENGTH else said[: SAID_LENGTH - 1] + "…"
