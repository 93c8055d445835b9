"""ORCID's public API, v3.0: a person's whole record (person, employments, works summaries), as
JSON. Base URL from ORCID_API_URL."""

from django.conf import settings

from works.clients.http import Client

PER_SECOND = 8.0  # ORCID's public API allows 24 a second, with bursts of 40


def client() -> Client:
    return Client(
        "orcid", settings.ORCID_API_URL, PER_SECOND, headers={"Accept": "application/json"}
    )


def record(api: Client, orcid: str) -> str:
    return api.get_text(f"v3.0/{orcid}/record")
