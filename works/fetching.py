"""Records read live from the sources, as the importer's Items, so a record fetched is the
same as one imported from a file (works.importer.run_fetch): ``openalex:A…`` (an author and
all their works, by cursor), ``openalex:W…`` (a work)."""

from collections.abc import Iterator

from bzpeer.lib.identifiers import normalize_openalex_id
from works.clients import openalex
from works.clients.http import NotFound, SourceError
from works.sources.files import FetchError, Item
from works.sources.openalex import openalex_item

KEYS = "openalex:A… (an author and their works), openalex:W… (a work)"


def fetch(key: str) -> Iterator[Item]:
    """The Items of one key; FetchError when the key is not one BZPEER reads, the source
    holds no such record, or it does not answer as it should."""
    scheme, _, value = key.strip().partition(":")
    if scheme != "openalex":
        raise FetchError(f"{key}: not a key BZPEER fetches ({KEYS})")
    normalized = normalize_openalex_id(value[:200])
    if normalized is None or normalized[0] not in ("A", "W"):
        raise FetchError(f"{key}: not a key BZPEER fetches ({KEYS})")
    try:
        yield from _openalex(key, normalized)
    except NotFound as exc:
        raise FetchError(f"{key}: OpenAlex holds no such record") from exc
    except SourceError as exc:
        raise FetchError(f"{key}: {exc}") from exc


def _openalex(key: str, identifier: str) -> Iterator[Item]:
    api = openalex.client()
    if identifier.startswith("W"):
        yield openalex_item(openalex.entity(api, "works", identifier), key)
        return
    author = openalex.entity(api, "authors", identifier)
    yield openalex_item(author, key)
    for n, work in enumerate(openalex.works_of_author(api, identifier)):
        yield openalex_item(work, f"{key} works[{n}]")
