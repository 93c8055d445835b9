"""Records read live from the sources, as the importer's Items, so a record fetched is the
same as one imported from a file (works.importer.run_fetch): ``openalex:A…`` (an author and
all their works, by cursor), ``openalex:W…`` (a work), ``openalex:I…`` (an institution),
``ror:0…`` (an organisation's ROR record: name, country, kind, homepage, email domains),
``doi:10.…`` (Crossref, and DataCite for the DOIs Crossref does not hold; arXiv's own 10.48550
DOIs from DataCite, their registrar, as the arXiv entry they name), ``arxiv:…`` (an arXiv
entry), ``orcid:0000-…`` (a person's ORCID record: the person, their employment, their works,
each read in full, by put-code in bulk, for its contributors), ``openalex:orcid:0000-…`` (the
OpenAlex author with that ORCID iD, and their works).

``since`` (a date) asks only for what changed from that day where the source can say
(OpenAlex's ``from_updated_date``). A source that is down or refusing (5xx, 429, no answer)
raises SourceDown, a FetchError that a job may retry later."""

from collections.abc import Callable, Iterator
from datetime import date
from functools import partial

from bzpeer.lib.identifiers import (
    ARXIV_DOI_PREFIX,
    normalize_arxiv_id,
    normalize_doi,
    normalize_openalex_id,
    normalize_orcid,
    normalize_ror,
)
from works.clients import arxiv, crossref, datacite, openalex, orcid, ror
from works.clients.http import NotFound, SourceError
from works.sources.arxiv import feed_items
from works.sources.crossref import message_items
from works.sources.datacite import doi_items
from works.sources.files import FetchError, FileFormatError, Item
from works.sources.openalex import openalex_item
from works.sources.orcid import response_items
from works.sources.ror import organization_items

KEYS = (
    "openalex:A… (an author and their works), openalex:W… (a work), openalex:I… (an "
    "institution), openalex:orcid:0000-… (an author by ORCID iD), ror:0… or "
    "ror:https://ror.org/0… (an organisation), doi:10.… (Crossref, else DataCite), arxiv:… "
    "(arXiv), orcid:0000-… (an ORCID record)"
)


class SourceDown(FetchError):
    """The source is down or refusing for now: asking again later may work."""


def fetch(key: str, *, since: date | None = None) -> Iterator[Item]:
    """The Items of one key; FetchError when the key is not one BZPEER reads, the source
    holds no such record, or it does not answer as it should (SourceDown when it may later)."""
    scheme, _, value = key.strip().partition(":")
    value = value.strip()[:300]
    reader, missing = _reader(key, scheme.lower(), value, since)
    try:
        yield from reader()
    except NotFound as exc:
        raise FetchError(f"{key}: {missing}") from exc
    except SourceError as exc:
        if exc.status is None or exc.status == 429 or exc.status >= 500:
            raise SourceDown(f"{key}: {exc}") from exc
        raise FetchError(f"{key}: {exc}") from exc
    except FileFormatError as exc:
        raise FetchError(f"{key}: {exc}") from exc


def _reader(
    key: str, scheme: str, value: str, since: date | None
) -> tuple[Callable[[], Iterator[Item]], str]:
    """How to read the key, and what to say when the source holds no such record."""
    if scheme == "openalex":
        if value.lower().startswith("orcid:") and (by_orcid := normalize_orcid(value[6:])):
            return partial(
                _openalex, key, f"orcid:{by_orcid}", since
            ), "OpenAlex holds no such record"
        identifier = normalize_openalex_id(value)
        if identifier and identifier[0] in ("A", "W", "I"):
            return partial(_openalex, key, identifier, since), "OpenAlex holds no such record"
    elif scheme == "ror" and (ror_id := normalize_ror(value)):
        return partial(_ror, key, ror_id), "ROR holds no such record"
    elif scheme == "doi" and (doi := normalize_doi(value)):
        if doi.startswith(ARXIV_DOI_PREFIX):
            return partial(_datacite, key, doi), "DataCite holds no such record"
        return partial(_crossref_else_datacite, key, doi), "neither Crossref nor DataCite holds it"
    elif scheme == "arxiv" and (arxiv_id := normalize_arxiv_id(value)):
        return partial(_arxiv, key, arxiv_id), "arXiv holds no such record"
    elif scheme == "orcid" and (orcid_id := normalize_orcid(value)):
        return partial(_orcid, key, orcid_id), "ORCID holds no such record"
    raise FetchError(f"{key}: not a key BZPEER fetches ({KEYS})")


def _openalex(key: str, identifier: str, since: date | None) -> Iterator[Item]:
    api = openalex.client()
    if identifier[0] in ("W", "I"):
        kind = "works" if identifier[0] == "W" else "institutions"
        yield openalex_item(openalex.entity(api, kind, identifier), key)
        return
    author = openalex.entity(api, "authors", identifier)
    yield openalex_item(author, key)
    # By ORCID iD, the author's own ID is in the answer (merged authors answer the kept one).
    author_id = normalize_openalex_id(str(author["id"])) or identifier
    for n, work in enumerate(openalex.works_of_author(api, author_id, since=since)):
        yield openalex_item(work, f"{key} works[{n}]")


def _ror(key: str, ror_id: str) -> Iterator[Item]:
    yield from organization_items(ror.organization(ror.client(), ror_id), key)


def _crossref_else_datacite(key: str, doi: str) -> Iterator[Item]:
    """Crossref registers most DOIs; a DOI it answers 404 for may be DataCite's (data sets,
    software, preprints, theses). NotFound when neither holds it."""
    try:
        answer = crossref.work(crossref.client(), doi)
    except NotFound:
        yield from _datacite(key, doi)
        return
    yield from message_items(answer, key)


def _datacite(key: str, doi: str) -> Iterator[Item]:
    yield from doi_items(datacite.doi(datacite.client(), doi), key)


def _orcid(key: str, orcid_id: str) -> Iterator[Item]:
    api = orcid.client()
    yield from response_items(
        orcid.record(api, orcid_id),
        key,
        details=lambda put_codes: orcid.works_in_detail(api, orcid_id, put_codes),
    )


def _arxiv(key: str, arxiv_id: str) -> Iterator[Item]:
    items = list(feed_items(key, arxiv.entries(arxiv.client(), [arxiv_id])))
    if not any(item.record for item in items) and not any(item.error for item in items):
        raise NotFound(f"arxiv holds no {arxiv_id}")
    yield from items
