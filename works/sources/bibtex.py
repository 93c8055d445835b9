"""BibTeX: .bib files as people and services export them (Google Scholar, dblp, doi.org, ...).

The file's text is read once and parsed entry by entry; records are yielded as they are parsed.
The only entries held back are those whose ``crossref`` target has not been read yet (BibTeX
and dblp put the cross-referenced ``@proceedings`` after the papers that cite it): such an entry
is yielded as soon as its target arrives, or at the end of the file without the inherited
fields. A broken entry is an Item error with its line; parsing resumes at the next line that
starts with ``@``.
"""

import hashlib
import json
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import unquote

from bzpeer.lib.identifiers import normalize_doi, split_arxiv_id
from bzpeer.lib.names import person_name, strip_accents
from bzpeer.lib.sources import Source
from works.sources.files import FileFormatError, Item, open_text
from works.sources.latex import latex_to_unicode, unescape_identifier
from works.sources.records import (
    AuthorRecord,
    RecordError,
    VenueRecord,
    WorkRecord,
    clean_paragraphs,
    clean_text,
    with_hash,
)

_SNIFF_TYPES = (
    "article|book|booklet|conference|inbook|incollection|inproceedings|manual|mastersthesis|misc"
    "|phdthesis|proceedings|techreport|unpublished|online|thesis|report|collection|dataset"
    "|software|string|preamble|comment"
)
_SNIFF = re.compile(rf"^[ \t]*@[ \t]*(?:{_SNIFF_TYPES})[ \t]*[{{(]", re.IGNORECASE | re.MULTILINE)
_ENTRY_LINE = re.compile(r"^[ \t]*@[ \t]*[A-Za-z][\w:-]*[ \t]*[{(]", re.MULTILINE)
_ENTRY_START = re.compile(r"@[ \t]*([A-Za-z][\w:-]*)\s*([{(])")
_NEXT_ENTRY = re.compile(r"[ \t]*@[ \t]*[A-Za-z][\w:-]*[ \t]*[{(]")
_LINE_AT = re.compile(r"^[ \t]*@", re.MULTILINE)
_NAME = re.compile(r"[A-Za-z_][^\s\"#%'(),={}@]*")  # field and macro names
_NUMBER = re.compile(r"\d+")
_IN_VALUE = re.compile(r'[{}"\\\n]')
_SPACE = re.compile(r"\s*")
_MONTHS = (
    "january february march april may june july august september october november december"
).split()


def sniff(text: str) -> bool:
    """Does this text hold a BibTeX entry (``@article{``, ``@inproceedings(``, ...) at the start
    of a line? JSON and XML never count, even when a string inside them holds BibTeX."""
    start = text.lstrip("\ufeff \t\r\n")[:1]
    return start not in ("{", "[", "<") and bool(_SNIFF.search(text))


def read(path: Path) -> Iterator[Item]:
    """One Item per entry of a .bib file (plain or gzipped), in file order except for entries
    waiting on a later ``crossref`` target. ``@string``, ``@preamble`` and ``@comment`` yield
    nothing, nor does a container (``@proceedings``, ``@book``) that an earlier entry
    cross-references: dblp exports it only as the link target. FileFormatError if the file has
    no ``@entry`` at the start of a line."""
    with open_text(path) as handle:
        text = handle.read().lstrip("\ufeff")
    if not _ENTRY_LINE.search(text):
        raise FileFormatError(f"{path.name}: not a BibTeX file (no @entries)")
    yield from _items(path.name, text)


# -- Parsing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One entry as the file has it: lower-case type and field names, raw values (LaTeX kept,
    ``@string`` macros expanded, ``#`` concatenations joined), ``number`` counting from 1."""

    number: int
    line: int
    type: str
    key: str
    fields: dict[str, str]


@dataclass(frozen=True)
class BrokenEntry:
    """An entry that cannot be parsed, with the reason and (when it got that far) its key."""

    number: int
    line: int
    type: str
    key: str
    message: str


class _SyntaxProblem(Exception):
    """Why the entry being read cannot be parsed, with the line where that shows."""


class Parser:
    """Walks BibTeX text once; ``entries()`` yields each Entry or BrokenEntry as it is read."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.key = ""  # of the entry being read, for the report when it breaks
        self.macros = {name[:3]: name.capitalize() for name in _MONTHS}
        self._newlines = [m.start() for m in re.finditer("\n", text)]

    def line_at(self, pos: int) -> int:
        return bisect_left(self._newlines, pos) + 1

    def entries(self) -> Iterator[Entry | BrokenEntry]:
        number = 0
        while match := _ENTRY_START.search(self.text, self.pos):
            kind, start = match.group(1).lower(), match.start()
            closer = ")" if match.group(2) == "(" else "}"
            self.pos = match.end()
            if kind == "comment":
                self._skip_comment(match.end() - 1)
                continue
            number += kind not in ("string", "preamble")
            self.key = ""
            try:
                entry = self._entry(kind, closer, number, start)
            except _SyntaxProblem as problem:
                yield BrokenEntry(number, self.line_at(start), kind, self.key, str(problem))
                self.pos = self._resume(start)
                continue
            if entry:
                yield entry

    def _entry(self, kind: str, closer: str, number: int, start: int) -> Entry | None:
        """The entry after its ``@type{``; None for @string and @preamble, which yield nothing."""
        if kind == "string":
            self.macros.update(self._fields(closer))
            return None
        if kind == "preamble":
            self._value("preamble")
            self._expect(closer, "after the @preamble")
            return None
        self.key, has_fields = self._key(closer)
        fields = self._fields(closer) if has_fields else {}
        return Entry(number, self.line_at(start), kind, self.key, fields)

    def _problem(self, message: str, pos: int | None = None) -> _SyntaxProblem:
        return _SyntaxProblem(f"{message} (line {self.line_at(self.pos if pos is None else pos)})")

    def _resume(self, start: int) -> int:
        """Where to look for the next entry after a broken one: the next line starting '@'."""
        end_of_line = self.text.find("\n", start)
        if end_of_line == -1:
            return len(self.text)
        following = _LINE_AT.search(self.text, end_of_line + 1)
        return following.start() if following else len(self.text)

    def _skip_space(self) -> str:
        """Skip whitespace; the character after it, or "" at the end."""
        self.pos = _SPACE.match(self.text, self.pos).end()
        return self.text[self.pos : self.pos + 1]

    def _expect(self, char: str, where: str) -> None:
        found = self._skip_space()
        if found != char:
            raise self._unexpected(f"expected {char!r} {where}", found)
        self.pos += 1

    def _unexpected(self, message: str, found: str) -> _SyntaxProblem:
        if not found:
            return self._problem(f"{message}, but the file ends (truncated?)")
        if found == "@":
            return _SyntaxProblem(
                f"{message}: the entry is not closed before the next entry at line "
                f"{self.line_at(self.pos)} (unbalanced braces?)"
            )
        return self._problem(f"{message}, found {found!r}")

    def _key(self, closer: str) -> tuple[str, bool]:
        """The citation key, and whether fields follow it."""
        self._skip_space()
        stop = ",\t\n\r {}" + (")" if closer == ")" else "")
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in stop:
            self.pos += 1
        key = self.text[start : self.pos]
        found = self._skip_space()
        if found in (",", closer):
            self.pos += 1
            return key, found == ","
        raise self._unexpected("expected ',' after the citation key", found)

    def _fields(self, closer: str) -> dict[str, str]:
        """``name = value`` pairs up to the closing delimiter; a repeated field keeps its first
        value, as BibTeX does."""
        fields: dict[str, str] = {}
        while True:
            found = self._skip_space()
            if found == closer:
                self.pos += 1
                return fields
            name = _NAME.match(self.text, self.pos)
            if not name:
                raise self._unexpected("expected a field name", found)
            self.pos = name.end()
            field = name.group().lower()
            self._expect("=", f"after the field name {field!r}")
            fields.setdefault(field, self._value(field))
            found = self._skip_space()
            if found == ",":
                self.pos += 1
            elif found != closer:
                raise self._unexpected(f"expected ',' or {closer!r} after field {field!r}", found)

    def _value(self, field: str) -> str:
        """A value: pieces (braced, quoted, number, macro) joined by ``#``."""
        pieces = []
        while True:
            found = self._skip_space()
            if found in ("{", '"'):
                pieces.append(self._delimited(field))
            elif number := _NUMBER.match(self.text, self.pos):
                pieces.append(number.group())
                self.pos = number.end()
            elif macro := _NAME.match(self.text, self.pos):
                # An undefined macro is empty, as in BibTeX (which warns).
                pieces.append(self.macros.get(macro.group().lower(), ""))
                self.pos = macro.end()
            else:
                raise self._unexpected(f"field {field!r} has no value", found)
            if self._skip_space() != "#":
                return "".join(pieces)
            self.pos += 1

    def _delimited(self, field: str) -> str:
        """The text inside ``{...}`` or ``"..."`` starting at ``pos``; inner braces are kept.

        Braces are counted as BibTeX counts them (a backslash does not escape them). A value
        that runs into a line starting a new entry is reported as unbalanced rather than
        swallowing the entries after it.
        """
        text, start = self.text, self.pos
        quoted = text[start] == '"'
        depth, index = 0, start + 1
        while found := _IN_VALUE.search(text, index):
            char, index = found.group(), found.start()
            if char == "\\" and quoted and text[index + 1 : index + 2] == '"':
                index += 2  # \" is an umlaut, not the end of the string
                continue
            if char == "{":
                depth += 1
            elif char == "}" and depth:
                depth -= 1
            elif char == "}" and not quoted:
                self.pos = index + 1
                return text[start + 1 : index]
            elif char == "}":
                raise self._problem(f"unbalanced braces in field {field!r}: extra '}}'", index)
            elif char == '"' and quoted and not depth:
                self.pos = index + 1
                return text[start + 1 : index]
            elif char == "\n" and _NEXT_ENTRY.match(text, index + 1):
                raise self._problem(
                    f"unbalanced braces or quotes in field {field!r}: it runs into the next "
                    f"entry at line {self.line_at(index + 1)}",
                    start,
                )
            index += 1
        raise self._problem(f"the file ends inside field {field!r} (truncated?)", start)

    def _skip_comment(self, opening: int) -> None:
        """Skip ``@comment{...}``'s balanced body; when it never closes, only the word goes."""
        pair = {"{": 1, "}": -1} if self.text[opening] == "{" else {"(": 1, ")": -1}
        depth = 0
        for index in range(opening, len(self.text)):
            depth += pair.get(self.text[index], 0)
            if depth == 0:
                self.pos = index + 1
                return


# -- Crossref ----------------------------------------------------------------------------------

_CONTAINERS = {"proceedings", "book", "collection", "mvbook", "mvproceedings", "mvcollection"}
_INHERITED = ("booktitle", "year", "month", "day", "date")


class Crossrefs:
    """``crossref`` links within one file. An entry inherits only its container's booktitle
    (the container's ``booktitle`` or else ``title``) and date fields, never DOI, URL, title or
    editors: those belong to the volume, not the paper."""

    def __init__(self):
        self.targets: dict[str, dict[str, str]] = {}
        self.referenced: set[str] = set()
        self.waiting: dict[str, list[Entry]] = {}

    def arrived(self, entry: Entry) -> list[Entry]:
        """Note ``entry`` as a possible target; the held entries that were waiting for it."""
        key = entry.key.lower()
        if entry.type in _CONTAINERS or key in self.referenced:
            fields = entry.fields
            inherited = {**fields, "booktitle": fields.get("booktitle") or fields.get("title", "")}
            self.targets[key] = {f: inherited[f] for f in _INHERITED if inherited.get(f)}
        return self.waiting.pop(key, [])

    def is_link_target(self, entry: Entry) -> bool:
        """A container some earlier entry cross-references: there only for the link."""
        return entry.type in _CONTAINERS and entry.key.lower() in self.referenced

    def hold(self, entry: Entry) -> bool:
        """Keep ``entry`` back if it needs fields from a target not read yet."""
        target = entry.fields.get("crossref", "").strip().lower()
        if not target:
            return False
        self.referenced.add(target)
        lacks = not (entry.fields.get("booktitle") and entry.fields.get("year"))
        if target in self.targets or not lacks:
            return False
        self.waiting.setdefault(target, []).append(entry)
        return True

    def fields(self, entry: Entry) -> dict[str, str]:
        """The entry's fields with what it inherits from its (already read) target."""
        link = entry.fields.get("crossref", "").strip().lower()
        target = self.targets.get(link, {}) if link else {}
        return {**target, **{f: v for f, v in entry.fields.items() if v.strip()}}

    def leftovers(self) -> list[Entry]:
        """Held entries whose target never came, in file order."""
        return sorted((e for held in self.waiting.values() for e in held), key=lambda e: e.number)


def _items(name: str, text: str) -> Iterator[Item]:
    crossrefs = Crossrefs()
    for entry in Parser(text).entries():
        if isinstance(entry, BrokenEntry):
            yield Item(_where(name, entry), error=RecordError(entry.message))
            continue
        for held in crossrefs.arrived(entry):
            yield _item(name, held, crossrefs)
        if crossrefs.is_link_target(entry) or crossrefs.hold(entry):
            continue
        yield _item(name, entry, crossrefs)
    for held in crossrefs.leftovers():
        yield _item(name, held, crossrefs)


def _where(name: str, entry: Entry | BrokenEntry) -> str:
    if entry.type in ("string", "preamble"):
        return f"{name} @{entry.type} (line {entry.line})"
    key = f" {entry.key!r}" if entry.key else ""
    return f"{name} entry {entry.number}{key} (line {entry.line})"


def _item(name: str, entry: Entry, crossrefs: Crossrefs) -> Item:
    where = _where(name, entry)
    try:
        return Item(where, record=bibtex_work(entry.type, crossrefs.fields(entry), entry.key))
    except RecordError as exc:
        return Item(where, error=exc)


# -- Mapping -----------------------------------------------------------------------------------

_KIND_OF_TYPE = {
    **dict.fromkeys(("article", "inproceedings", "conference", "proceedings-paper"), "article"),
    **dict.fromkeys(("book", "mvbook", "collection", "proceedings"), "book"),
    **dict.fromkeys(("incollection", "inbook", "bookinbook"), "book-chapter"),
    **dict.fromkeys(("phdthesis", "mastersthesis", "thesis"), "dissertation"),
    **dict.fromkeys(("techreport", "report"), "report"),
    "dataset": "dataset",
    "preprint": "preprint",
}
_MISC = {"misc", "online", "unpublished", "electronic", "www"}
_ARXIV_VENUE = re.compile(r"^(?:arxiv|corr)\b", re.IGNORECASE)
_ARXIV_IN_TEXT = re.compile(r"arxiv:\s*([\w./-]+)", re.IGNORECASE)
_DOI_LINK = re.compile(r"^https?://(?:dx\.|www\.)?doi\.(?:org|acm\.org)/", re.IGNORECASE)


def bibtex_work(entry_type: str, fields: dict[str, str], key: str = "") -> WorkRecord:
    """A WorkRecord from one entry's type, raw fields and citation key; RecordError without a
    title or a byline (authors, or else editors)."""
    title = _text(fields.get("title"))
    if not title:
        raise RecordError("the entry has no title")
    names, complete = _byline(fields)
    if not names:
        raise RecordError("the entry has no authors or editors")
    year, published = _dates(fields)
    doi = _doi(fields)
    arxiv = _arxiv(fields, doi)
    venue_text = _text(fields.get("journal") or fields.get("booktitle"))
    kind = _kind(entry_type, fields, venue_text, arxiv)
    if kind == "preprint" and (arxiv or _ARXIV_VENUE.match(venue_text)):
        venue = VenueRecord(name="arXiv", kind="repository")
    else:
        venue = VenueRecord(name=venue_text[:300]) if venue_text else None
    return with_hash(
        WorkRecord(
            source=Source.BIBTEX,
            external_id=_external_id(doi, arxiv, title, year, names[0].family, key),
            title=title,
            authors=tuple(n.record() for n in names),
            abstract=clean_paragraphs(latex_to_unicode(fields.get("abstract", ""))),
            kind=kind,
            publication_date=published,
            publication_year=year,
            doi=doi,
            arxiv_id=arxiv[0] if arxiv else None,
            arxiv_version=arxiv[1] if arxiv else None,
            venue=venue,
            byline_complete=complete,
        )
    )


def _text(raw: str | None) -> str:
    return clean_text(latex_to_unicode(raw or ""))


def _kind(entry_type: str, fields: dict[str, str], venue: str, arxiv) -> str:
    """The entry type's kind; anything published in arXiv or CoRR, and a misc-like entry with
    an arXiv id, is a preprint."""
    if _ARXIV_VENUE.match(venue):
        return "preprint"
    if entry_type in _MISC:
        hint = _text(fields.get("howpublished") or fields.get("publisher"))
        return "preprint" if arxiv or _ARXIV_VENUE.match(hint) else "other"
    return _KIND_OF_TYPE.get(entry_type, "other")


def _dates(fields: dict[str, str]) -> tuple[int | None, date | None]:
    """Year from ``year`` (its first four digits: "2019a" is 2019) or biblatex ``date``; a
    full date only when year, month and day are all given and valid."""
    iso = re.match(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", _text(fields.get("date")))
    found = re.search(r"\d{4}", _text(fields.get("year")))
    year = int(found.group()) if found else (int(iso.group(1)) if iso else None)
    month = _month(_text(fields.get("month"))) or (int(iso.group(2)) if iso and iso[2] else None)
    day_text = _text(fields.get("day")) or (iso.group(3) if iso and iso[3] else "")
    if not (year and month and day_text.isdigit()):
        return year, None
    try:
        return year, date(year, month, int(day_text))
    except ValueError:
        return year, None


def _month(text: str) -> int | None:
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    prefix = text[:3].lower()
    names = [name[:3] for name in _MONTHS]
    return names.index(prefix) + 1 if prefix in names else None


def _doi(fields: dict[str, str]) -> str | None:
    """The ``doi`` field, or a doi.org (dx.doi.org, doi.acm.org) link in ``url``."""
    doi = normalize_doi(unescape_identifier(fields.get("doi", "")))
    url = unquote(unescape_identifier(fields.get("url", "")).strip())
    if not doi and _DOI_LINK.match(url):
        doi = normalize_doi(url)
    return doi


def _arxiv(fields: dict[str, str], doi: str | None) -> tuple[str, int | None] | None:
    """From ``eprint`` (with archivePrefix/eprinttype arXiv), an "arXiv:1234.5678" in the venue,
    dblp's CoRR volume "abs/1234.5678", an arXiv DOI, or an arxiv.org URL."""
    eprint = unescape_identifier(fields.get("eprint", "")).strip()
    prefix = _text(fields.get("archiveprefix") or fields.get("eprinttype")).lower()
    candidates = [eprint] if eprint and (prefix == "arxiv" or "arxiv" in eprint.lower()) else []
    for field in ("journal", "booktitle", "howpublished", "note"):
        candidates += _ARXIV_IN_TEXT.findall(_text(fields.get(field)))
    if re.match(r"corr\b", _text(fields.get("journal")), re.IGNORECASE):
        candidates.append(_text(fields.get("volume")).removeprefix("abs/"))
    if doi:
        candidates.append(doi)
    url = unescape_identifier(fields.get("url", "")).strip()
    if "arxiv.org/" in url.lower():
        candidates.append(url)
    for candidate in candidates:
        if parts := split_arxiv_id(candidate.rstrip(".")):
            return parts
    return None


def _external_id(doi, arxiv, title: str, year: int | None, family: str, key: str) -> str:
    """The work's DOI, else "arxiv:" + id, else "key:" + a hash of what identifies the work;
    then "#" and the citation key. Two exports of one paper (doi.org's and dblp's) are two
    records of one work; the same entry in two files is one record."""
    if doi:
        work = doi
    elif arxiv:
        work = f"arxiv:{arxiv[0]}"
    else:
        payload = json.dumps([_fold(title), year or "", _fold(family)])
        work = "key:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
    return f"{work}#{key}"[:255] if key else work


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", strip_accents(text).casefold()).split())


# -- Names -------------------------------------------------------------------------------------

# Each separator is found only outside braces; the braces are matched to track the depth.
_AND = re.compile(r"[{}]|\s+and\s+", re.IGNORECASE)
_COMMA = re.compile(r"[{}]|,")
_BLANK = re.compile(r"[{}]|\s+")


@dataclass(frozen=True)
class _Name:
    printed: str
    display: str
    family: str

    def record(self) -> AuthorRecord:
        return AuthorRecord(printed_name=self.printed[:500], display_name=self.display[:500])


def _byline(fields: dict[str, str]) -> tuple[list[_Name], bool]:
    """The authors (or, without any, the editors) and whether the list is complete: a final
    "and others" means more authors than the file lists."""
    raw = fields.get("author", "").strip() or fields.get("editor", "")
    pieces = [p.strip().strip(",").strip() for p in _split_top(raw, _AND)]
    complete = not any(p.lower() == "others" for p in pieces)
    names = [_name(p) for p in pieces if p and p.lower() != "others"]
    return [n for n in names if n.printed], complete


def _split_top(text: str, separator: re.Pattern) -> list[str]:
    """Split ``text`` where ``separator`` (one of the patterns above) matches outside braces."""
    pieces, depth, start = [], 0, 0
    for found in separator.finditer(text):
        piece = found.group()
        if piece in "{}":
            depth += 1 if piece == "{" else -1
        elif depth == 0:
            pieces.append(text[start : found.start()])
            start = found.end()
    pieces.append(text[start:])
    return pieces


def _name(raw: str) -> _Name:
    """A name printed as "Last, First", "Last, Jr., First" or "First von Last"; a fully braced
    name is an organisation, kept whole."""
    if _fully_braced(raw):
        whole = _text(raw)
        return _Name(whole, whole, whole)
    parts = [_text(p) for p in _split_top(raw, _COMMA) if p.strip()]
    printed = ", ".join(parts)
    if len(parts) == 1:
        return _Name(printed, person_name(printed), _family(raw))
    last, first = parts[0], " ".join(parts[2:] or parts[1:])
    suffix = f", {parts[1]}" if len(parts) > 2 else ""
    return _Name(printed, " ".join(p for p in (first, last) if p) + suffix, last)


def _fully_braced(raw: str) -> bool:
    if not (raw.startswith("{") and raw.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(raw):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return index == len(raw) - 1
    return False


def _family(raw: str) -> str:
    """The family name in "First von Last" is "von Last": from the first lower-case word (the
    last word always belongs to it) to the end, as BibTeX splits names."""
    words = [w for w in _split_top(raw.strip(), _BLANK) if w]
    start = next((i for i, w in enumerate(words[:-1]) if _lower_case(w)), len(words) - 1)
    return _text(" ".join(words[start:]))


def _lower_case(word: str) -> bool:
    if word.startswith("{") and not word.startswith("{\\"):
        return False  # a braced word is protected: it belongs to First or Last
    letters = [c for c in latex_to_unicode(word) if c.isalpha()]
    return bool(letters) and letters[0].islower()
