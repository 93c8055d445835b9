"""DataCite: DOIs as the REST API serves them (``GET /dois/{doi}``), a JSON:API document whose
``data.attributes`` hold the DataCite metadata. A file holds one answer, a list page (``data``
a list) or JSON Lines of either; plain or gzipped. Each DOI becomes a WorkRecord.

Decisions an importer should know:

* ``external_id`` is the normalised DOI; a DOI without a title is an error item.
* arXiv's own DOIs (``10.48550/arXiv.*``, DataCite is arXiv's registrar) become ``arxiv_id``
  and leave ``doi`` empty, as from Crossref and OpenAlex, and read as arXiv's feed reads: the
  venue arXiv, v1's date as first posted, the arXiv categories as topics. So the work is the
  one an arXiv import makes, found again by its arXiv ID. Another DOI takes an arXiv ID from
  its identifiers, or from a related identifier whose relation makes it the same work (its
  preprint, a version of it), never from one it only cites or supplements.
* Authors are the creators, in order, printed "Given Family" (an organisation by its name),
  with their ORCID iDs and affiliations (names) where DataCite has them.
* The year is ``publicationYear``; the date the Issued date when it has year, month and day.
* Types are ``resourceTypeGeneral`` (and, for the generic ``Text``, the free-text type) as one
  of records.KINDS; the abstract is the first description of type Abstract.
"""

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from bzpeer.lib.identifiers import ARXIV_DOI_PREFIX, normalize_doi, normalize_orcid, split_arxiv_id
from bzpeer.lib.names import person_name
from bzpeer.lib.sources import Source
from works.sources.arxiv_categories import category_name
from works.sources.crossref_markup import inline_text, plain_abstract
from works.sources.files import FileFormatError, Item, json_item, json_lines, open_text
from works.sources.records import (
    AuthorRecord,
    InstitutionRecord,
    RecordError,
    TopicRecord,
    VenueRecord,
    WorkRecord,
    clean_paragraphs,
    clean_text,
    with_hash,
)

_DOIS = re.compile(r'"type"\s*:\s*"dois"')
_DATA = re.compile(r'^\{\s*"data"\s*:')
_KINDS = {
    "JournalArticle": "article",
    "ConferencePaper": "article",
    "DataPaper": "article",
    "Preprint": "preprint",
    "Book": "book",
    "BookChapter": "book-chapter",
    "Dataset": "dataset",
    "Dissertation": "dissertation",
    "Report": "report",
    "PeerReview": "peer-review",
    "Standard": "standard",
}
_TEXT_KINDS = {
    "article": "article",
    "journal article": "article",
    "preprint": "preprint",
    "report": "report",
    "technical report": "report",
    "thesis": "dissertation",
    "dissertation": "dissertation",
}
# Relations that make the related identifier this same work (a version, a preprint of it).
_SAME_WORK = {
    "IsIdenticalTo",
    "IsVariantFormOf",
    "IsOriginalFormOf",
    "IsVersionOf",
    "HasVersion",
    "IsPreprintOf",
    "HasPreprint",
}
_ARXIV_CODE = re.compile(r"\(([a-z-]+(?:\.[A-Za-z-]+)?)\)\s*$")


def sniff(text: str) -> bool:
    """A DataCite API answer (or lines of them): a JSON:API ``data`` of type ``dois``."""
    start = text.lstrip()[:4000]
    return bool(_DATA.match(start)) and bool(_DOIS.search(start))


def read(path: Path) -> Iterator[Item]:
    """Items of a DataCite file: ``name`` for one answer, ``name data[3]`` in a list page,
    ``name line 12`` in JSON Lines. FileFormatError, naming the file, for text that is not
    JSON or for DataCite's error answer (``{"errors": [...]}``)."""
    try:
        with open_text(path) as handle:
            first, second = handle.readline(), handle.readline()
            if _parses(first) and (second.strip() or handle.read(1).strip()):
                handle.seek(0)
                for where, payload in json_lines(path.name, handle):
                    if isinstance(payload, RecordError):
                        yield Item(where, error=payload)
                    else:
                        yield from doi_items(payload, where)
                return
            handle.seek(0)
            document = json.load(handle)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            f"{path.name}: not JSON (line {exc.lineno} column {exc.colno}: {exc.msg})"
        ) from exc
    except EOFError as exc:
        raise FileFormatError(f"{path.name}: the gzip stream ends early (truncated file?)") from exc
    yield from doi_items(document, path.name)


def _parses(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (json.JSONDecodeError, RecursionError):
        return False


def doi_items(document: object, where: str) -> Iterator[Item]:
    """The Items of one parsed DataCite answer (FileFormatError when it is none)."""
    data = document.get("data") if isinstance(document, dict) else None
    if isinstance(document, dict) and isinstance(document.get("errors"), list):
        words = "; ".join(
            clean_text(str(e.get("title") if isinstance(e, dict) else e))
            for e in document["errors"]
        )
        raise FileFormatError(f"{where}: DataCite answered with an error: {words}")
    if isinstance(data, list):
        for index, payload in enumerate(data):
            yield _item(payload, f"{where} data[{index}]")
    elif isinstance(data, dict):
        yield _item(data, where)
    else:
        raise FileFormatError(f'{where}: not a DataCite answer (no "data" with a DOI)')


def _item(payload: object, where: str) -> Item:
    return json_item(where, datacite_work, payload)


def datacite_work(data: dict[str, Any]) -> WorkRecord:
    """One ``data`` object of type ``dois``. RecordError, naming the DOI, for one without a
    DOI or a title, or with a creator who has no name."""
    attributes = data.get("attributes")
    if not isinstance(attributes, dict):
        raise RecordError("not a DataCite DOI (no attributes)")
    doi = normalize_doi(attributes.get("doi") or data.get("id"))
    if not doi:
        raise RecordError(f"record has no DOI (id {data.get('id')!r})")
    title = _title(attributes.get("titles") or [])
    if not title:
        raise RecordError(f"DOI {doi} has no title")
    own_arxiv = split_arxiv_id(doi) if doi.startswith(ARXIV_DOI_PREFIX) else None
    arxiv_id = own_arxiv[0] if own_arxiv else _arxiv_id(attributes)
    year = attributes.get("publicationYear")
    year = int(year) if isinstance(year, int | str) and str(year).isdigit() else None
    dates = [d for d in attributes.get("dates") or [] if isinstance(d, dict)]
    return with_hash(
        WorkRecord(
            source=Source.DATACITE,
            external_id=doi,
            title=title,
            authors=_authors(attributes.get("creators") or [], doi),
            abstract=_abstract(attributes.get("descriptions") or []),
            kind=datacite_kind(attributes.get("types") or {}),
            publication_date=_date(dates, "Issued"),
            publication_year=year,
            first_posted=_date(dates, "Submitted", "v1") if own_arxiv else None,
            doi=None if own_arxiv else doi,
            arxiv_id=arxiv_id,
            venue=_venue(attributes, arxiv=bool(own_arxiv)),
            topics=_arxiv_topics(attributes.get("subjects") or []) if own_arxiv else (),
        )
    )


def datacite_kind(types: dict[str, Any]) -> str:
    """A DataCite ``types`` object as one of records.KINDS; others are 'other'."""
    general = types.get("resourceTypeGeneral") or ""
    if general == "Text":
        return _TEXT_KINDS.get(clean_text(types.get("resourceType")).lower(), "other")
    return _KINDS.get(general, "other")


def _title(titles: list[Any]) -> str:
    """The main title (one without a ``titleType``), else the first one."""
    entries = [t for t in titles if isinstance(t, dict) and clean_text(t.get("title"))]
    main = next((t for t in entries if not t.get("titleType")), entries[0] if entries else None)
    return clean_text(inline_text(main["title"])) if main else ""


def _authors(creators: list[Any], doi: str) -> tuple[AuthorRecord, ...]:
    authors = []
    for position, creator in enumerate(creators, start=1):
        printed = _printed_name(creator) if isinstance(creator, dict) else ""
        if not printed:
            raise RecordError(f"DOI {doi}: creator {position} has no name")
        orcids = (
            normalize_orcid(i.get("nameIdentifier"))
            for i in creator.get("nameIdentifiers") or []
            if isinstance(i, dict) and (i.get("nameIdentifierScheme") or "").upper() == "ORCID"
        )
        names = (
            clean_text(a.get("name") if isinstance(a, dict) else a)
            for a in creator.get("affiliation") or []
        )
        authors.append(
            AuthorRecord(
                printed_name=printed[:500],
                display_name=person_name(printed)[:255],
                orcid=next((o for o in orcids if o), None),
                institutions=tuple(
                    InstitutionRecord(name=name[:300]) for name in dict.fromkeys(names) if name
                ),
            )
        )
    return tuple(authors)


def _printed_name(creator: dict[str, Any]) -> str:
    """A person printed as "Given Family"; an organisation by its ``name``, and so a person
    DataCite has no name parts for (its "Family, Given" turned round)."""
    given, family = clean_text(creator.get("givenName")), clean_text(creator.get("familyName"))
    if given and family and creator.get("nameType") != "Organizational":
        return f"{given} {family}"
    name = clean_text(creator.get("name"))
    if creator.get("nameType") == "Personal" and name.count(",") == 1:
        family, given = (part.strip() for part in name.split(","))
        return clean_text(f"{given} {family}")
    return name


def _abstract(descriptions: list[Any]) -> str:
    for entry in descriptions:
        if isinstance(entry, dict) and entry.get("descriptionType") == "Abstract":
            text = entry.get("description")
            if isinstance(text, str) and text.strip():
                return plain_abstract(text) if "<" in text else clean_paragraphs(text)
    return ""


def _date(dates: list[dict[str, Any]], kind: str, information: str | None = None) -> date | None:
    """The first date of this ``dateType`` (and ``dateInformation``) that has year, month and
    day; DataCite dates are often a year alone, or ranges, which say no day."""
    for entry in dates:
        if entry.get("dateType") != kind or (
            information and entry.get("dateInformation") != information
        ):
            continue
        text = clean_text(entry.get("date"))
        try:
            return date.fromisoformat(text[:10]) if len(text) >= 10 else None
        except ValueError:
            return None
    return None


def _arxiv_id(attributes: dict[str, Any]) -> str | None:
    """An arXiv ID this DOI is: among its identifiers, or related as the same work."""
    for entry in attributes.get("identifiers") or []:
        if isinstance(entry, dict) and (entry.get("identifierType") or "").lower() == "arxiv":
            if parts := split_arxiv_id(entry.get("identifier")):
                return parts[0]
    for entry in attributes.get("relatedIdentifiers") or []:
        if isinstance(entry, dict) and entry.get("relationType") in _SAME_WORK:
            if parts := split_arxiv_id(entry.get("relatedIdentifier")):
                return parts[0]
    return None


def _venue(attributes: dict[str, Any], *, arxiv: bool) -> VenueRecord | None:
    """Where it appeared: the container's title (a journal, a proceedings series), else the
    publisher (arXiv, a data repository)."""
    container = attributes.get("container") or {}
    if name := clean_text(container.get("title") if isinstance(container, dict) else ""):
        kind = "journal" if container.get("type") == "Journal" else ""
        return VenueRecord(name=name[:300], kind=kind)
    publisher = attributes.get("publisher")
    name = clean_text(publisher.get("name") if isinstance(publisher, dict) else publisher)
    if not name:
        return None
    return VenueRecord(name=name[:300], kind="repository" if arxiv else "")


def _arxiv_topics(subjects: list[Any]) -> tuple[TopicRecord, ...]:
    """arXiv's categories, which DataCite lists as "Digital Libraries (cs.DL)"."""
    codes = (
        match.group(1)
        for s in subjects
        if isinstance(s, dict) and s.get("subjectScheme") == "arXiv"
        if (match := _ARXIV_CODE.search(clean_text(s.get("subject"))))
    )
    return tuple(TopicRecord("arxiv", code, category_name(code)) for code in dict.fromkeys(codes))
