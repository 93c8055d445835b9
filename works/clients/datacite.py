"""The DataCite REST API: a DOI's metadata, as a JSON:API document (``data.attributes``), for
the DOIs DataCite registers (arXiv's 10.48550 DOIs, Zenodo's, most data repositories'). Base
URL from DATACITE_API_URL. DataCite allows 1000 requests in 5 minutes to clients that name a
contact address (the User-Agent's mailto) and 500 to the others."""

from typing import Any
from urllib.parse import quote

from django.conf import settings

from works.clients.http import Client, SourceError

PER_SECOND = 3.0  # with a contact address: 1000 in 5 minutes, 3.3 a second
PER_SECOND_UNIDENTIFIED = 1.5  # without: 500 in 5 minutes, 1.7 a second


def client() -> Client:
    rate = PER_SECOND if settings.SOURCES_CONTACT_EMAIL else PER_SECOND_UNIDENTIFIED
    headers = {"Accept": "application/vnd.api+json"}
    return Client("datacite", settings.DATACITE_API_URL, rate, headers=headers)


def doi(api: Client, value: str) -> dict[str, Any]:
    """The answer for one DOI (NotFound when DataCite holds none)."""
    path = f"dois/{quote(value, safe='/')}"
    payload = api.get_json(path)
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(payload, dict) or not isinstance(data, dict) or data.get("type") != "dois":
        raise SourceError(f"datacite answered {path} with no DOI")
    return payload
