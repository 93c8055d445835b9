"""BibTeX text as entries: bibtexparser splits it into blocks, and each entry's values are
resolved here: ``@string`` macros (and the month names BibTeX predefines), ``#`` concatenation
and the braces or quotes around a value. bibtexparser 2 resolves a macro only when it is a
field's whole value, and leaves ``nips # { } # systems`` as it is.

bibtexparser is handed the text one piece at a time, each piece starting at a line that starts
with ``@type{`` or ``@type(``. It ends any unclosed block at such a line itself, so the pieces
give the blocks the whole text would; entries come out while the rest is still unread, and an
entry left open before the next one is told apart from a file cut short.
"""

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

import bibtexparser
from bibtexparser import model
from bibtexparser.exceptions import BlockAbortedException

# bibtexparser logs each broken block with a line counted within the piece it was given; the
# reader reports the block itself, with its line in the file.
logging.getLogger("bibtexparser").setLevel(logging.ERROR)

MONTHS = (
    "january february march april may june july august september october november december"
).split()

# A block starts where a line starts with "@" and goes on "type{" or "type(". bibtexparser wants
# the type right after the "@" and in word characters, and skips "@ article{" or
# "@proceedings-paper{" without a word: such a type is respelled for it and restored after.
_BLOCK_LINE = re.compile(r"^[^\S\n]*@(?:[ \t]*[A-Za-z][\w:-]*|\w*)[ \t]*[{(]", re.MULTILINE)
_TYPE = re.compile(r"[^\S\n]*@([ \t]*[A-Za-z][\w:-]*)")
_WORD = re.compile(r"\w+")
_BLOCK_HEAD = re.compile(r"\s*@\s*(\w*)\s*[{(]\s*([^,\s{}()]*)")
_SPACE = re.compile(r"\s*")
_NUMBER = re.compile(r"\d+")
_NAME = re.compile(r"[A-Za-z_][^\s\"#%'(),={}@]*")  # macro names
# bibtexparser's convention, kept so that a value ends where it ended it: a backslash escapes
# the delimiter after it (\" is an umlaut inside a quoted value, not its end).
_DELIMITER = re.compile(r'(?<!\\)[{}"]')


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
    """A block that cannot be read, with the reason and (when it got that far) its key."""

    number: int
    line: int
    type: str
    key: str
    message: str


class _SyntaxProblem(Exception):
    """Why a value cannot be read, with its line."""


class Parser:
    """Walks BibTeX text once: ``entries()`` yields each Entry or BrokenEntry as it is read;
    ``pos`` is how far into ``text`` it has read."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.macros = {name[:3]: name.capitalize() for name in MONTHS}
        self._number = 0

    def entries(self) -> Iterator[Entry | BrokenEntry]:
        """Entries and broken blocks in file order; ``@string`` defines a macro for what
        follows, ``@preamble`` and comments yield nothing. A repeated field keeps its first
        value, as in BibTeX."""
        line = 1
        for start, end in self._pieces():
            piece, types = _plain_type(self.text[start:end])
            next_line = line + piece.count("\n")
            self.pos = end
            for block in bibtexparser.parse_string(piece, parse_stack=[]).blocks:
                at_end = end == len(self.text)
                read = self._block(block, types, line, None if at_end else next_line)
                if read:
                    yield read
            line = next_line

    def _pieces(self) -> Iterator[tuple[int, int]]:
        start = 0
        for match in _BLOCK_LINE.finditer(self.text):
            if match.start() > start:
                yield start, match.start()
            start = match.start()
        yield start, len(self.text)

    def _block(
        self, block: model.Block, types: dict[str, str], line: int, next_line: int | None
    ) -> Entry | BrokenEntry | None:
        """The Entry or BrokenEntry for one block of a piece starting at ``line``; None for
        blocks that yield nothing. ``types`` maps respelled types back; ``next_line`` is where
        the next piece starts (None at the end of the text)."""
        # Without the block behind a duplicate, the duplicate is reported as a broken entry.
        duplicate = model.DuplicateBlockKeyBlock | model.DuplicateFieldKeyBlock
        if isinstance(block, duplicate) and block.ignore_error_block is not None:
            block = block.ignore_error_block
        at = line + (block.start_line or 0)
        if isinstance(block, model.ParsingFailedBlock):
            return self._broken(block, types, at, next_line)
        if isinstance(block, model.String):
            try:
                self.macros[block.key.lower()] = self._value(block.value, block.key, at)
            except _SyntaxProblem as problem:
                return BrokenEntry(self._number, at, "string", block.key, str(problem))
            return None
        if not isinstance(block, model.Entry):
            return None
        self._number += 1
        kind = types.get(block.entry_type, block.entry_type)
        fields: dict[str, str] = {}
        try:
            for field in block.fields:
                name = field.key.lower()
                if name not in fields:
                    fields[name] = self._value(field.value, name, line + field.start_line)
        except _SyntaxProblem as problem:
            return BrokenEntry(self._number, at, kind, block.key, str(problem))
        return Entry(self._number, at, kind, block.key, fields)

    def _broken(
        self, block: model.ParsingFailedBlock, types: dict[str, str], at: int, next_line: int | None
    ) -> BrokenEntry | None:
        head = _BLOCK_HEAD.match(block.raw or "")
        kind, key = (head.group(1).lower(), head.group(2)) if head else ("", "")
        kind = types.get(kind, kind)
        if kind == "comment":
            return None
        if kind not in ("string", "preamble"):
            self._number += 1
        error = block.error
        reason = getattr(error, "abort_reason", None) or str(error)
        what = f"@{kind}" if kind in ("string", "preamble") else "entry"
        if isinstance(error, BlockAbortedException) and reason.startswith("Unexpectedly reached"):
            if next_line is None:
                message = f"the file ends inside the {what} (truncated?)"
            else:
                message = (
                    f"the {what} is not closed before the next entry at line {next_line} "
                    "(unbalanced braces or quotes?)"
                )
        else:
            where = at + (block.raw or "").count("\n")
            message = f"{reason.strip().rstrip('.')} (line {where})"
        return BrokenEntry(self._number, at, kind, key, message)

    def _value(self, raw: str, field: str, line: int) -> str:
        """A value's pieces (braced, quoted, number, macro) joined by ``#``, without their
        delimiters. An undefined macro is empty, as in BibTeX (which warns)."""
        pieces = []
        pos = _skip_space(raw, 0)
        while True:
            if pos == len(raw):
                raise _SyntaxProblem(f"field {field!r} has no value (line {line})")
            if raw[pos] in '{"':
                end = _closing(raw, pos)
                if end < 0:
                    raise _SyntaxProblem(f"unbalanced braces in field {field!r} (line {line})")
                pieces.append(raw[pos + 1 : end - 1])
            elif found := _NUMBER.match(raw, pos) or _NAME.match(raw, pos):
                end = found.end()
                text = found.group()
                pieces.append(text if text.isdigit() else self.macros.get(text.lower(), ""))
            else:
                raise _SyntaxProblem(
                    f"field {field!r} has an unreadable value at {raw[pos:][:20]!r} (line {line})"
                )
            pos = _skip_space(raw, end)
            if pos == len(raw):
                return "".join(pieces)
            if raw[pos] != "#":
                raise _SyntaxProblem(
                    f"expected '#' or the end of field {field!r}, found {raw[pos]!r} (line {line})"
                )
            pos = _skip_space(raw, pos + 1)


def _skip_space(text: str, pos: int) -> int:
    """Where the white space starting at ``pos`` ends (``_SPACE`` matches even nothing)."""
    found = _SPACE.match(text, pos)
    return found.end() if found else pos


def _plain_type(piece: str) -> tuple[str, dict[str, str]]:
    """``piece`` with its first block's type spelled as bibtexparser reads types ("@ article{"
    as "@article{", "@proceedings-paper{" as "@proceedings_paper{"), and the real type of each
    spelling changed."""
    head = _TYPE.match(piece)
    if not head or _WORD.fullmatch(head.group(1)):
        return piece, {}
    kind = head.group(1).strip().lower()
    plain = re.sub(r"\W", "_", kind)
    return piece[: head.start(1)] + plain + piece[head.end(1) :], {plain: kind}


def _closing(raw: str, start: int) -> int:
    """The index after the brace or quote closing the one at ``start``; -1 if none does."""
    quoted = raw[start] == '"'
    depth = 0
    for found in _DELIMITER.finditer(raw, start + 1):
        char = found.group()
        if char == "{":
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif char == "}":
            return -1 if quoted else found.end()
        elif quoted and not depth:
            return found.end()
    return -1
