"""A small local stand-in for ORCID's OAuth 2 and public API, for tests.

It speaks the parts of ORCID's protocol that sign-in uses: the authorization endpoint
(redirects back with a one-time code and the state it was given), the token endpoint (trades
the code for an access token; the JSON carries the person's `orcid` and `name`), and the v3.0
record endpoint (the person's record, in the shape of ORCID's own sample record) and the bulk
read of its works in full (``/v3.0/{id}/works/{put-codes}``). The person
who "signs in" is whoever the test sets as `server.person`.
"""

import copy
import json
import secrets
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

SAMPLE = Path(__file__).parent / "fixtures" / "orcid" / "record-full-3.0.json"

# What ORCID answers in a bulk read for a put-code it does not hold (ORCID-Source's
# findWorkBulk and api_en.properties): the put-code is named only in the message.
UNKNOWN_PUT_CODE = {
    "response-code": 400,
    "developer-message": "400 Bad Request: The put code provided is not valid. Full validation "
    "error: '{code}' is not a valid put code",
    "user-message": "There was an error when updating the record. Please try again. If the "
    "error persists, please contact ${clientName} for assistance.",
    "error-code": 9034,
    "more-info": "https://members.orcid.org/api/resources/troubleshooting",
}


def unknown_put_code(code: str) -> dict:
    message = UNKNOWN_PUT_CODE["developer-message"].format(code=code)
    return {"error": {**UNKNOWN_PUT_CODE, "developer-message": message}}


@dataclass
class Person:
    orcid: str
    given: str
    family: str


class FakeOrcid:
    def __init__(self, client_id: str, client_secret: str):
        self.client_id, self.client_secret = client_id, client_secret
        self.person: Person | None = None
        self.codes: dict[str, Person] = {}
        self.tokens: dict[str, Person] = {}
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "FakeOrcid":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def record(self, person: Person) -> dict:
        record = copy.deepcopy(json.loads(SAMPLE.read_text()))
        record["orcid-identifier"] = {
            "uri": f"https://orcid.org/{person.orcid}",
            "path": person.orcid,
            "host": "orcid.org",
        }
        record["path"] = f"/{person.orcid}"
        name = record["person"]["name"]
        name["given-names"] = {"value": person.given}
        name["family-name"] = {"value": person.family}
        name["path"] = person.orcid
        record["person"]["emails"] = {"email": [], "path": f"/{person.orcid}/email"}
        return record

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def _json(self, status: int, payload: dict) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802 (the stdlib's name)
                url = urlparse(self.path)
                fake.requests.append(f"GET {url.path}")
                if url.path == "/oauth/authorize":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    if query.get("client_id") != fake.client_id or fake.person is None:
                        return self._json(400, {"error": "invalid_client"})
                    code = secrets.token_urlsafe(8)
                    fake.codes[code] = fake.person
                    target = (
                        query["redirect_uri"]
                        + "?"
                        + urlencode({"code": code, "state": query.get("state", "")})
                    )
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                    return None
                if url.path.startswith("/v3.0/") and "/works/" in url.path:
                    # The sample record's works in full: the sample has none to give, so
                    # ORCID's answer for put-codes it does not hold, one entry each.
                    codes = url.path.rsplit("/", 1)[1].split(",")
                    return self._json(200, {"bulk": [unknown_put_code(c) for c in codes]})
                if url.path.startswith("/v3.0/") and url.path.endswith("/record"):
                    orcid = url.path.split("/")[2]
                    people = {p.orcid: p for p in fake.tokens.values()}
                    if orcid not in people:
                        return self._json(404, {"response-code": 404})
                    return self._json(200, fake.record(people[orcid]))
                return self._json(404, {"error": "not found"})

            def do_POST(self):  # noqa: N802
                url = urlparse(self.path)
                fake.requests.append(f"POST {url.path}")
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if url.path != "/oauth/token":
                    return self._json(404, {"error": "not found"})
                person = fake.codes.pop(form.get("code", ""), None)
                if (
                    person is None
                    or form.get("client_id") != fake.client_id
                    or form.get("client_secret") != fake.client_secret
                    or form.get("grant_type") != "authorization_code"
                ):
                    return self._json(400, {"error": "invalid_grant"})
                token = secrets.token_urlsafe(16)
                fake.tokens[token] = person
                return self._json(
                    200,
                    {
                        "access_token": token,
                        "token_type": "bearer",
                        "refresh_token": secrets.token_urlsafe(16),
                        "expires_in": 631138518,
                        "scope": "/authenticate",
                        "name": f"{person.given} {person.family}",
                        "orcid": person.orcid,
                    },
                )

        return Handler
