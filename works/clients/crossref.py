"""The Crossref REST API: a work by its DOI, in the polite pool (the contact address with every
call). Base URL from CROSSREF_API_URL."""

from typing import Any
from urllib.parse import quote

from django.conf import settings

from works.clients.http import Client

PER_SECOND = 5.0  # the polite pool's single-record limit is 10 a second


def client() -> Client:
    params = {"mailto": settings.SOURCES_CONTACT_EMAIL} if settings.SOURCES_CONTACT_EMAIL else {}
    return Client("crossref", settings.CROSSREF_API_URL, PER_SECOND, params=params)


def work(api: Client, doi: str) -> Any:
    """The ``work`` message of one DOI (NotFound when Crossref holds none)."""
    return api.get_json(f"works/{quote(doi, safe='/')}")
