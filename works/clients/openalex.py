"""The OpenAlex API: singletons (an author, a work) and an author's works by cursor paging.
Base URL from OPENALEX_API_URL; OPENALEX_API_KEY and the contact address go with every call."""

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.conf import settings

from works.clients.http import Client, SourceError

PER_PAGE = 200
# OpenAlex allows 10 requests a second per client; stay well under it.
PER_SECOND = 5.0


def client() -> Client:
    params = {}
    if settings.OPENALEX_API_KEY:
        params["api_key"] = settings.OPENALEX_API_KEY
    if settings.SOURCES_CONTACT_EMAIL:
        params["mailto"] = settings.SOURCES_CONTACT_EMAIL
    return Client("openalex", settings.OPENALEX_API_URL, PER_SECOND, params=params)


def entity(api: Client, kind: str, key: str) -> dict[str, Any]:
    """One author, work or institution (``kind``: authors, works, institutions). A merged
    entity's old ID answers with the one it became (OpenAlex redirects it)."""
    payload = api.get_json(f"{kind}/{key}")
    if not isinstance(payload, dict) or "id" not in payload:
        raise SourceError(f"openalex answered {kind}/{key} with no entity")
    return payload


def works_of_author(
    api: Client, author: str, *, since: date | None = None
) -> Iterator[dict[str, Any]]:
    """Every work of an author (``since``: only those OpenAlex changed from that day on), page
    by page (cursor paging, PER_PAGE a page), until a page is empty or has no next cursor."""
    cursor: str | None = "*"
    wanted = f"author.id:{author}"
    if since:
        wanted += f",from_updated_date:{since.isoformat()}"
    while cursor:
        page = api.get_json(
            "works", {"filter": wanted, "per-page": str(PER_PAGE), "cursor": cursor}
        )
        if not isinstance(page, dict) or not isinstance(page.get("results"), list):
            raise SourceError(f"openalex answered a page of {author}'s works with no results")
        yield from page["results"]
        cursor = (page.get("meta") or {}).get("next_cursor") if page["results"] else None
