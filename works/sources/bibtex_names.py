"""The ``author`` (or ``editor``) list of a BibTeX entry as names.

bibtexparser splits the list at each "and" outside braces, and each name into First, von, Last
and Jr as BibTeX does ("de Vries, Harm" and "Harm de Vries" are the same parts; a fully braced
name, ``{Barnes and Noble, Inc.}``, is one Last part: an organisation, kept whole). Here the
parts become the name as printed, the name to display and the family name.
"""

import re
from dataclasses import dataclass

from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from bzpeer.lib.names import person_name
from works.sources.latex import latex_to_unicode
from works.sources.records import AuthorRecord, clean_text

# "and others" as people write it: "A and et al.", "A et al.", "{et al.}".
_ET_AL = re.compile(r"(?:^|\s)\{?et\.?\s+al\.?\}?$", re.IGNORECASE)


@dataclass(frozen=True)
class Name:
    printed: str
    display: str
    family: str

    def record(self) -> AuthorRecord:
        return AuthorRecord(printed_name=self.printed[:500], display_name=self.display[:500])


def byline(fields: dict[str, str]) -> tuple[list[Name], bool]:
    """The authors (or, without any, the editors) from raw field values, and whether the list
    is complete: a final "and others" means more authors than the file lists."""
    raw = fields.get("author", "").strip() or fields.get("editor", "")
    names, complete = [], True
    for piece in split_multiple_persons_names(raw):
        # "Yang, Zhilin, and Cohen, ...": a stray comma before "and" is a typo, not a Jr part.
        piece = piece.strip().strip(",").strip()
        if (cut := _ET_AL.sub("", piece)) != piece:
            complete, piece = False, cut.strip().strip(",").strip()
        if piece.lower() == "others":
            complete = False
        elif piece and (name := _name(piece)).printed:
            names.append(name)
    return names, complete


def _name(raw: str) -> Name:
    parts = parse_single_name_into_parts(raw, strict=False)
    first, von, last, jr = (
        _text(" ".join(words)) for words in (parts.first, parts.von, parts.last, parts.jr)
    )
    printed = ", ".join(p for p in (p.strip() for p in _text(raw).split(",")) if p)
    display = " ".join(p for p in (first, von, last) if p) + (f", {jr}" if jr else "")
    return Name(printed, person_name(display), " ".join(p for p in (von, last) if p))


def _text(raw: str) -> str:
    return clean_text(latex_to_unicode(raw))
