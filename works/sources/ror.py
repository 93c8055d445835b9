"""ROR: organisation records in ROR's schema v2, as the API serves them (``/v2/organizations/
{id}``) and as ROR publishes them in its releases and data dumps.

A file holds one record, a JSON array of them (the data dump), or an API search page
(``items``); plain or gzipped. Each becomes an InstitutionEntityRecord: the ``ror_display``
name, the ROR ID, the country of the first location, the kind (the first type, funder only
when it is the only one: many organisations fund research besides what they are), the
homepage (the first link of type website) and the email domains (``domains``), which claims
use to check an institutional address.
"""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bzpeer.lib.identifiers import normalize_ror
from bzpeer.lib.sources import Source
from works.sources.files import FileFormatError, Item, json_item, listed, open_text
from works.sources.records import (
    InstitutionEntityRecord,
    InstitutionRecord,
    RecordError,
    clean_text,
    with_hash,
)

_ID = re.compile(r'"id"\s*:\s*"https://ror\.org/0')
_V2_KEYS = ('"ror_display"', '"geonames_details"')
_DOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")


def sniff(text: str) -> bool:
    """A ROR v2 record, a list of them, or an API page of them: a ``https://ror.org/`` id and
    keys only ROR's schema v2 has. An OpenAlex Institution (which names its ROR ID) has
    neither ``ror_display`` nor ``geonames_details``."""
    start = text.lstrip()
    return (
        start.startswith(("{", "["))
        and bool(_ID.search(start))
        and any(key in start for key in _V2_KEYS)
    )


def read(path: Path) -> Iterator[Item]:
    """Items of a ROR file: ``name`` for one record, ``name [3]`` in a list, ``name items[3]``
    in an API page. FileFormatError, naming the file, for text that is not JSON or for ROR's
    error answer (``{"errors": [...]}``)."""
    try:
        with open_text(path) as handle:
            document = json.load(handle)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            f"{path.name}: not JSON (line {exc.lineno} column {exc.colno}: {exc.msg})"
        ) from exc
    except EOFError as exc:
        raise FileFormatError(f"{path.name}: the gzip stream ends early (truncated file?)") from exc
    yield from organization_items(document, path.name)


def organization_items(document: object, where: str) -> Iterator[Item]:
    """The Items of one parsed ROR answer or file."""
    if isinstance(document, dict) and isinstance(document.get("errors"), list):
        words = "; ".join(clean_text(str(e)) for e in document["errors"])
        raise FileFormatError(f"{where}: ROR answered with an error: {words}")
    for payload, place in listed(document, where, "items"):
        yield _item(payload, place)


def _item(payload: object, where: str) -> Item:
    return json_item(where, ror_institution, payload)


def ror_institution(payload: dict[str, Any]) -> InstitutionEntityRecord:
    """One v2 record. RecordError for a record without a ROR ID or a name, or in schema v1
    (a ``name`` string instead of ``names``)."""
    ror = normalize_ror(payload.get("id"))
    if not ror:
        raise RecordError(f"record has no ROR ID (id {payload.get('id')!r})")
    names = payload.get("names")
    if not isinstance(names, list):
        raise RecordError(f"{ror} is not a ROR v2 record (no names)")
    name = _display_name(names)
    if not name:
        raise RecordError(f"{ror} has no name")
    types = [t for t in payload.get("types") or [] if isinstance(t, str)]
    kind = next((t for t in types if t != "funder"), types[0] if types else "")
    locations = payload.get("locations") or []
    country = (locations[0].get("geonames_details") or {}).get("country_code") if locations else ""
    return with_hash(
        InstitutionEntityRecord(
            source=Source.ROR,
            external_id=ror,
            institution=InstitutionRecord(
                name=name[:300], ror=ror, country_code=(country or "")[:2].upper(), kind=kind[:40]
            ),
            homepage=_website(payload.get("links") or [])[:200],
            email_domains=_domains(payload.get("domains") or []),
        )
    )


def _display_name(names: list[Any]) -> str:
    """The ``ror_display`` name, else the first label, else the first name of any type."""
    for wanted in ("ror_display", "label", None):
        for entry in names:
            if isinstance(entry, dict) and (wanted is None or wanted in (entry.get("types") or [])):
                if value := clean_text(entry.get("value")):
                    return value
    return ""


def _website(links: list[Any]) -> str:
    for link in links:
        if isinstance(link, dict) and link.get("type") == "website":
            return clean_text(link.get("value"))
    return ""


def _domains(domains: list[Any]) -> tuple[str, ...]:
    """Lower-case host names, each once, in ROR's order; anything else is left out."""
    cleaned = (d.strip().lower() for d in domains if isinstance(d, str))
    return tuple(dict.fromkeys(d for d in cleaned if len(d) <= 253 and _DOMAIN.fullmatch(d)))
