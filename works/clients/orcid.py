"""ORCID's public API, v3.0, as JSON: a person's whole record (person, employments, works
summaries), and works in full (with their contributors) by put-code, in bulk. Base URL from
ORCID_API_URL."""

from collections.abc import Sequence

from django.conf import settings

from works.clients.http import Client

PER_SECOND = 8.0  # ORCID's public API allows 24 a second, with bursts of 40
BULK_SIZE = 100  # put-codes in one bulk read: ORCID refuses more (error 9042)


def client() -> Client:
    return Client(
        "orcid", settings.ORCID_API_URL, PER_SECOND, headers={"Accept": "application/json"}
    )


def record(api: Client, orcid: str) -> str:
    return api.get_text(f"v3.0/{orcid}/record")


def works_in_detail(api: Client, orcid: str, put_codes: Sequence[str]) -> list[str]:
    """The bulk answers (``/works/{put-code},...``) for these put-codes, BULK_SIZE a call,
    in order; none for no put-codes."""
    return [
        api.get_text(f"v3.0/{orcid}/works/{','.join(put_codes[start : start + BULK_SIZE])}")
        for start in range(0, len(put_codes), BULK_SIZE)
    ]
