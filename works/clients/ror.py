"""The ROR REST API, v2: one organisation by its ROR ID. Base URL from ROR_API_URL. ROR allows
2000 requests in 5 minutes to clients that send the Client-Id they registered (ROR_CLIENT_ID),
and 50 in 5 minutes to the others."""

from typing import Any

from django.conf import settings

from works.clients.http import Client, SourceError

PER_SECOND = 5.0  # with a client ID: ROR allows 2000 in 5 minutes, 6.7 a second
PER_SECOND_UNIDENTIFIED = 1 / 6.5  # without one: 50 in 5 minutes, one every 6 seconds


def client() -> Client:
    if settings.ROR_CLIENT_ID:
        headers = {"Client-Id": settings.ROR_CLIENT_ID}
        return Client("ror", settings.ROR_API_URL, PER_SECOND, headers=headers)
    return Client("ror", settings.ROR_API_URL, PER_SECOND_UNIDENTIFIED)


def organization(api: Client, ror_id: str) -> dict[str, Any]:
    """The v2 record of one organisation (NotFound when ROR holds none)."""
    payload = api.get_json(f"v2/organizations/{ror_id}")
    if not isinstance(payload, dict) or "id" not in payload:
        raise SourceError(f"ror answered v2/organizations/{ror_id} with no organisation")
    return payload
