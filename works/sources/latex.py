"""LaTeX as bibliographies print it, turned into plain Unicode text.

pylatexenc reads the LaTeX. What is set here is where a bibliography field differs from a LaTeX
document: ``%`` and ``&`` are plain characters in metadata ("95% confidence", "R&D"), a tie is
an ordinary space, ``\\-`` is only a hyphenation hint, and the BibTeX and biblatex commands
(``\\noopsort``, ``\\mkbibquote``, ``\\hyphen``, the TeX logos) mean what BibTeX makes of them.
Math becomes Unicode (``$\\beta$`` is β, ``$\\times$`` is ×); a command nobody defined loses its
name and keeps its argument, so ``\\foo{Word}`` is "Word", never "fooWord".
"""

import re
import unicodedata
from functools import lru_cache

from pylatexenc import latexwalker
from pylatexenc.latex2text import (
    LatexNodes2Text,
    MacroTextSpec,
    SpecialsTextSpec,
    get_default_latex_context_db,
)
from pylatexenc.macrospec import std_macro

_TEXT_CONTEXT = get_default_latex_context_db()
_TEXT_CONTEXT.add_context_category(
    "bibliographies",
    prepend=True,
    macros=[
        MacroTextSpec("-", ""),
        MacroTextSpec("hyphen", "-"),
        MacroTextSpec("url", "%s"),
        MacroTextSpec("noopsort", ""),
        MacroTextSpec("mkbibquote", "\u201c%s\u201d"),
        MacroTextSpec("LaTeX", "LaTeX"),
        MacroTextSpec("TeX", "TeX"),
        MacroTextSpec("BibTeX", "BibTeX"),
        # pylatexenc prints U+02C6, a modifier letter; in a field it is the caret itself.
        MacroTextSpec("textasciicircum", "^"),
    ],
    specials=[SpecialsTextSpec("~", " ")],
)
# The parser must know which of these take an argument, or the argument would be read as
# ordinary text after the command.
_PARSE_CONTEXT = latexwalker.get_default_latex_context_db()
_PARSE_CONTEXT.add_context_category(
    "bibliographies",
    prepend=True,
    macros=[std_macro("noopsort", False, 1), std_macro("mkbibquote", False, 1)],
)
_TO_TEXT = LatexNodes2Text(latex_context=_TEXT_CONTEXT, math_mode="text")

# Text without any of these comes out of pylatexenc unchanged; most names and titles are such.
_LATEX = re.compile(r"[\\{}$~%&]|--|``|''|[!?]`")
_BARE_SPECIAL = re.compile(r"(?<!\\)([%&])")


def latex_to_unicode(text: str) -> str:
    """Decode the LaTeX in one field value; braces and ``$`` go, spacing is otherwise kept.

    Never raises: LaTeX that does not parse (an unclosed brace) is read as far as it goes.
    """
    if not text:
        return ""
    if not _LATEX.search(text):
        return unicodedata.normalize("NFC", text)
    return _decode(text)


@lru_cache(maxsize=4096)
def _decode(text: str) -> str:
    latex = _BARE_SPECIAL.sub(r"\\\1", text)
    decoded = _TO_TEXT.latex_to_text(latex, latex_context=_PARSE_CONTEXT, tolerant_parsing=True)
    return unicodedata.normalize("NFC", decoded)


# A backslash command, or a pair of dollars around something that is not a price.
_LATEX_IN_PROSE = re.compile(r"\\[A-Za-z]|\$[^$\s\d][^$]*\$|\$[^$]*[^\s$]\$(?!\d)")


def latex_in_prose(text: str) -> str:
    """A title or abstract from a source that does not promise LaTeX (arXiv, OpenAlex, where
    authors type it anyway), decoded only when it has a LaTeX command or math: plain prose
    keeps its ``~``, ``--`` and ``%`` as typed."""
    if not text or not _LATEX_IN_PROSE.search(text):
        return text
    return latex_to_unicode(text)


def unescape_identifier(text: str) -> str:
    """A DOI or URL as BibTeX prints it (``10.1007/1188\\_13``, ``{...}``) without the TeX.

    Only backslash escapes and braces go: ``~``, ``%`` and ``--`` are real characters in URLs,
    so this is not LaTeX decoding.
    """
    return re.sub(r"\\([_%&#$~])", r"\1", text or "").replace("{", "").replace("}", "")
