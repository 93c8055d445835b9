"""The formats BZPEER imports, one module each, and telling them apart by content."""

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from works.sources import arxiv, bibtex, crossref, datacite, openalex, orcid, ror
from works.sources.files import FileFormatError, Item, head


class Format(Protocol):
    """What each source module provides: a content check and a record reader."""

    def sniff(self, text: str) -> bool: ...

    def read(self, path: Path) -> Iterator[Item]: ...


# Most specific first: an arXiv feed inside a recorded JSON response must not pass for JSON.
FORMATS: dict[str, Format] = {
    "arXiv Atom feed": arxiv,
    "ORCID record": orcid,
    "ROR record": ror,
    "DataCite REST API answer": datacite,
    "Crossref REST API message": crossref,
    "OpenAlex JSON": openalex,
    "BibTeX": bibtex,
}


def detect(path: Path) -> Format:
    """The source module that reads this file, judged by its content, not its name."""
    try:
        text = head(path)
    except OSError as exc:
        raise FileFormatError(f"{path}: {exc.strerror or exc}") from exc
    except EOFError as exc:
        raise FileFormatError(f"{path.name}: truncated gzip file") from exc
    for module in FORMATS.values():
        if module.sniff(text):
            return module
    raise FileFormatError(f"{path.name}: unknown format; expected one of: {', '.join(FORMATS)}")


def read_any(path: Path) -> Iterator[Item]:
    yield from detect(path).read(path)
