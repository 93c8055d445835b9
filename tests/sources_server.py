"""Local scholarly sources: real HTTP servers on 127.0.0.1 that answer each API's paths and
query parameters with real recorded responses from tests/fixtures, with ETags, and the faults
a test scripts (429 with Retry-After, 500, a slow answer, a malformed body, a redirect):
OpenAlex (singletons, ``/works?filter=author.id:…`` with cursor paging, its rate-limit
headers), Crossref (``/works/{doi}``, its plain-text 404), arXiv (``/query?id_list=…``), ORCID
(``/v3.0/{id}/record``, ``/v3.0/{id}/works/{put-code},…`` in bulk, its 404), ROR
(``/v2/organizations/{id}``, its 404s) and DataCite (``/dois/{doi}``, its JSON:API 404).
The fixtures at the end start one each and point the settings at it; tests/conftest.py
registers them for every test."""

import abc
import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tests.conftest import FIXTURES
from tests.orcid_server import unknown_put_code
from works.clients import arxiv, http

ENTITIES = {
    "authors/A5023888391": "A5023888391.json",
    "authors/A5317838346": "A5317838346.json",
    "works/W2741809807": "W2741809807.json",
    "institutions/I27837315": "I27837315.json",
    # OpenAlex answers an author by their ORCID iD (an external ID) as by its own ID.
    "authors/orcid:0000-0001-6187-6610": "A5023888391.json",
}
# Priem's works, as the recorded /works list pages (the second, last one is empty).
AUTHOR_PAGES = {"A5023888391": ["works_cursor_page_1.json", "works_cursor_page_2_last.json"]}
RATE_HEADERS = {"X-RateLimit-Limit": "100000", "X-RateLimit-Remaining": "99999"}


@dataclass
class Fault:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    delay: float = 0.0


@dataclass
class Seen:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    at: float


class FakeSource(abc.ABC):
    """A server, the requests it saw and the faults scripted for it; each source answers."""

    content_type = "application/json"
    headers: dict[str, str] = {}  # noqa: RUF012 (read only)

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.faults: dict[str, list[Fault]] = {}  # path: faults to answer first, in order
        self.redirects: dict[str, str] = {}  # a merged entity's path: the kept one's
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def seen(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    @abc.abstractmethod
    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict, str]:
        """(status, headers, body) for a request no fault took."""

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the http.server name)
                parts = urlsplit(self.path)
                path, query = parts.path.strip("/"), parse_qs(parts.query)
                fake.requests.append(Seen(path, query, dict(self.headers), time.monotonic()))
                queued = fake.faults.get(path)
                if queued:
                    fault = queued.pop(0)
                    time.sleep(fault.delay)
                    status, headers, body = fault.status, fault.headers, fault.body
                    if body is None:
                        status_ok, _, body = fake.answer(path, query)
                        status = status if fault.status != 200 else status_ok
                else:
                    status, headers, body = fake.answer(path, query)
                tag = '"' + hashlib.sha256(body.encode()).hexdigest()[:16] + '"'
                if status == 200 and self.headers.get("If-None-Match") == tag:
                    status, body = 304, ""
                payload = body.encode()
                try:
                    self.send_response(status)
                    for name, value in {**fake.headers, **headers}.items():
                        self.send_header(name, value)
                    if status in (200, 304):
                        self.send_header("ETag", tag)
                    self.send_header("Content-Type", headers.get("Content-Type", fake.content_type))
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout a test asked for)

            def log_message(self, *args):
                pass

        return Handler


class FakeOpenAlex(FakeSource):
    headers = RATE_HEADERS

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict, str]:
        if path in self.redirects:
            return 301, {"Location": f"{self.url}/{self.redirects[path]}"}, ""
        if path in ENTITIES:
            return 200, {}, (FIXTURES / ENTITIES[path]).read_text()
        if path == "works" and "filter" in query:
            # author.id:A…, optionally with from_updated_date:YYYY-MM-DD (works changed since).
            wanted = dict(part.partition(":")[::2] for part in query["filter"][0].split(","))
            author, since = wanted.get("author.id", ""), wanted.get("from_updated_date")
            pages = AUTHOR_PAGES.get(author)
            if not pages:
                return (
                    200,
                    {},
                    json.dumps({"meta": {"count": 0, "next_cursor": None}, "results": []}),
                )
            first = json.loads((FIXTURES / pages[0]).read_text())
            if since:
                first["results"] = [
                    w for w in first["results"] if w.get("updated_date", "")[:10] >= since
                ]
            cursor = query.get("cursor", ["*"])[0]
            if cursor == "*":
                return 200, {}, json.dumps(first)
            if cursor == first["meta"]["next_cursor"]:
                return 200, {}, (FIXTURES / pages[1]).read_text()
            return 400, {}, json.dumps({"error": "Invalid query parameters error."})
        return 404, {}, json.dumps({"error": "Not Found", "message": f"{path} does not exist"})


CROSSREF = {"10.1038/srep16696": "crossref/work_10.1038_srep16696.json"}


class FakeCrossref(FakeSource):
    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict, str]:
        doi = path.removeprefix("works/").lower()
        if doi in CROSSREF:
            return 200, {}, (FIXTURES / CROSSREF[doi]).read_text()
        return 404, {"Content-Type": "text/plain"}, "Resource not found."


# Recorded {url, status_code, body} answers; "abc" is arXiv's error feed for a malformed id.
ARXIV = {"astro-ph/0601001": "arxiv_astro-ph_0601001.json", "abc": "arxiv_error_400.json"}
# What arXiv answers for an id it does not hold: a feed without entries.
EMPTY_FEED = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/</id>
  <title>arXiv Search Results</title>
  <updated>2026-04-12T22:59:06Z</updated>
  <opensearch:totalResults>0</opensearch:totalResults>
</feed>
"""


# Entries answered whole; 2311.16162's restates its DataCite record (tests/fixtures/cross/).
FEEDS = {
    "1111.2011": "id_list_1111.2011v2.atom.xml",
    "2311.16162": "cross/2311.16162.arxiv.atom.xml",
}


class FakeArxiv(FakeSource):
    content_type = "application/atom+xml"

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict, str]:
        wanted = query.get("id_list", [""])[0]
        if wanted in FEEDS:
            return 200, {}, (FIXTURES / FEEDS[wanted]).read_text()
        if wanted in ARXIV:
            recorded = json.loads((FIXTURES / ARXIV[wanted]).read_text())
            return recorded["status_code"], {}, recorded["body"]
        return 200, {}, EMPTY_FEED


# Scott Chamberlain's /person and /works, recorded; his /record is those two under ORCID's
# record keys (as record-full-3.0.json shows them), since the recording has no /record.
CHAMBERLAIN = "0000-0003-1444-9135"
# Sebastian Kreutzer's two works in full, recorded one at a time (/work/{put-code}): the fake
# answers a bulk read of them with those bodies in the bulk envelope ORCID documents, and his
# /record (not recorded) with the two as works summaries (the summary's fields, taken from the
# work in full) and his name as ORCID prints it for the source of his own work 40038622.
KREUTZER = "0000-0002-0734-2199"
FULL_WORKS = {KREUTZER: ["77226586", "40038622"]}
SUMMARY_FIELDS = (
    "created-date",
    "last-modified-date",
    "source",
    "put-code",
    "path",
    "title",
    "external-ids",
    "url",
    "type",
    "publication-date",
    "journal-title",
    "visibility",
)
BULK_LIMIT = 100
# ORCID's answers, from ORCID-Source (WorkManagerReadOnlyImpl.findWorkBulk, api_en.properties):
# the works it holds first, in no promised order (a query without ORDER BY; here by put-code,
# not as asked), then error 9034 (tests/orcid_server.py) for each put-code it does not hold,
# which names the put-code only in its message; more than 100 put-codes is this 400 for the
# whole call.
TOO_MANY_PUT_CODES = {
    "response-code": 400,
    "developer-message": "org.orcid.core.exception.ExceedMaxNumberOfPutCodesException Full "
    "validation error: Too many put codes specified: maximum is 100",
    "user-message": "Too many put codes supplied",
    "error-code": 9042,
    "more-info": "https://members.orcid.org/api/resources/troubleshooting",
}


def full_work(orcid: str, put_code: str) -> dict:
    return json.loads((FIXTURES / f"orcid/{orcid}_work_{put_code}.json").read_text())


def orcid_record(orcid: str, person: dict, works: dict) -> dict:
    return {
        "orcid-identifier": {
            "uri": f"https://orcid.org/{orcid}",
            "path": orcid,
            "host": "orcid.org",
        },
        "person": person,
        "activities-summary": {"works": works, "path": f"/{orcid}/activities"},
        "path": f"/{orcid}",
    }


def chamberlain_record() -> dict:
    person = json.loads((FIXTURES / f"orcid/{CHAMBERLAIN}_person.json").read_text())
    works = json.loads((FIXTURES / f"orcid/{CHAMBERLAIN}_works.json").read_text())
    return orcid_record(CHAMBERLAIN, person, works)


def kreutzer_record() -> dict:
    works = [full_work(KREUTZER, code) for code in FULL_WORKS[KREUTZER]]
    summaries = [{k: w[k] for k in SUMMARY_FIELDS if k in w} for w in works]
    name = works[1]["source"]["source-name"]["value"]  # he is the source of 40038622
    person = {
        "name": {"given-names": None, "family-name": None, "credit-name": {"value": name}},
        "other-names": {"other-name": []},
        "path": f"/{KREUTZER}/person",
    }
    groups = [{"work-summary": [summary]} for summary in summaries]
    return orcid_record(KREUTZER, person, {"group": groups, "path": f"/{KREUTZER}/works"})


class FakeOrcidApi(FakeSource):
    """Put-codes in ``withheld``, and any it holds no recorded work for, are answered as ORCID
    answers put-codes it does not hold."""

    def __init__(self) -> None:
        super().__init__()
        self.withheld: set[str] = set()

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict, str]:
        records = {CHAMBERLAIN: chamberlain_record, KREUTZER: kreutzer_record}
        version, orcid, *rest = [*path.split("/", 3), "", ""][:4]
        if version == "v3.0" and orcid in records:
            if rest == ["record", ""]:
                return 200, {}, json.dumps(records[orcid]())
            if rest[0] == "works" and rest[1]:
                return self._bulk(orcid, rest[1].split(","))
        return 404, {}, (FIXTURES / "orcid/not_found_404.json").read_text()

    def _bulk(self, orcid: str, codes: list[str]) -> tuple[int, dict, str]:
        if len(codes) > BULK_LIMIT:
            return 400, {}, json.dumps(TOO_MANY_PUT_CODES)
        held = [c for c in FULL_WORKS.get(orcid, []) if c not in self.withheld]
        found = sorted((c for c in codes if c in held), key=int)
        errors = [unknown_put_code(c) for c in codes if c not in found]
        works = [{"work": full_work(orcid, code)} for code in found]
        return 200, {}, json.dumps({"bulk": [*works, *errors]})


ROR = {name.stem: name.name for name in (FIXTURES / "ror").glob("*.json")}
ROR_ID = re.compile(r"0[0-9a-hjkmnp-tv-z]{6}\d{2}")


class FakeRor(FakeSource):
    """ROR's v2 API. Its 404s say what rorapi/common/views.py (ror-community/ror-api) says:
    ``{"errors": [...]}``, for an ID it does not hold and for text that is no ROR ID."""

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict, str]:
        wanted = path.removeprefix("v2/organizations/")
        if wanted in ROR:
            return 200, {}, (FIXTURES / "ror" / ROR[wanted]).read_text()
        if ROR_ID.fullmatch(wanted):
            error = f"ROR ID 'https://ror.org/{wanted}' does not exist"
        else:
            error = f"'{wanted}' is not a valid ROR ID"
        return 404, {}, json.dumps({"errors": [error]}, separators=(",", ":"))


DATACITE = {
    "10.48550/arxiv.2311.16162": "10.48550_arxiv.2311.16162.json",
    "10.5281/zenodo.1196821": "10.5281_zenodo.1196821.json",
    "10.4230/lipics.tqc.2013.93": "10.4230_lipics.tqc.2013.93.json",
}


class FakeDataCite(FakeSource):
    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict, str]:
        doi = unquote(path.removeprefix("dois/")).lower()
        if doi in DATACITE:
            return 200, {}, (FIXTURES / "datacite" / DATACITE[doi]).read_text()
        return 404, {}, (FIXTURES / "datacite" / "not_found_404.json").read_text()


CONTACT = "sources@bzpeer.example.org"


@pytest.fixture
def quick(monkeypatch):
    """Waits a test can afford: the backoff and the read timeout, shortened."""
    monkeypatch.setattr(http, "BACKOFF", 0.05)
    monkeypatch.setattr(http, "READ_TIMEOUT", 0.5)


@pytest.fixture
def openalex(settings):
    server = FakeOpenAlex().start()
    settings.OPENALEX_API_URL = server.url
    settings.OPENALEX_API_KEY = "test-key"
    settings.SOURCES_CONTACT_EMAIL = CONTACT
    yield server
    server.stop()


@pytest.fixture
def fake_crossref(settings):
    server = FakeCrossref().start()
    settings.CROSSREF_API_URL = server.url
    settings.SOURCES_CONTACT_EMAIL = CONTACT
    yield server
    server.stop()


@pytest.fixture
def fake_arxiv(settings, monkeypatch):
    server = FakeArxiv().start()
    settings.ARXIV_API_URL = server.url
    # arXiv's one request in three seconds is the same code as OpenAlex's rate, tested apart.
    monkeypatch.setattr(arxiv, "PER_SECOND", 20.0)
    yield server
    server.stop()


@pytest.fixture
def fake_orcid_api(settings):
    server = FakeOrcidApi().start()
    settings.ORCID_API_URL = server.url
    yield server
    server.stop()


@pytest.fixture
def fake_datacite(settings):
    server = FakeDataCite().start()
    settings.DATACITE_API_URL = server.url
    settings.SOURCES_CONTACT_EMAIL = CONTACT
    yield server
    server.stop()


@pytest.fixture
def fake_ror(settings):
    server = FakeRor().start()
    settings.ROR_API_URL = server.url
    settings.ROR_CLIENT_ID = "test-client-id"  # ROR's faster rate, for clients it knows
    yield server
    server.stop()
