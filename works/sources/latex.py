"""LaTeX as BibTeX files print it, turned into plain Unicode text.

Covers what real bibliographies use: accents in every spelling (``\\'e``, ``\\'{e}``,
``{\\'e}``, ``\\'{\\i}``), the special letters (``\\o``, ``\\ss``, ``\\aa``, ...), escaped
specials, dashes, ties, TeX quotes, Greek letters in math, and text-formatting commands
(dropped, their argument kept). Braces are dropped last: ``{DNA}`` keeps its case because
nothing here changes case. A command not listed loses its backslash and keeps its name, so the
reader still sees it.
"""

import re
import unicodedata

# Accent command -> the Unicode combining mark it puts on the next letter.
_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "c": "\u0327",
    "v": "\u030c",
    "u": "\u0306",
    "H": "\u030b",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
    "t": "\u0361",
}

_LETTERS = {
    "i": "ı",
    "j": "ȷ",
    "o": "ø",
    "O": "Ø",
    "l": "ł",
    "L": "Ł",
    "ss": "ß",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "dh": "ð",
    "DH": "Ð",
    "th": "þ",
    "TH": "Þ",
    "textendash": "–",
    "textemdash": "—",
    "ldots": "…",
    "dots": "…",
    "textquoteright": "’",
    "textquoteleft": "‘",
    "LaTeX": "LaTeX",
    "TeX": "TeX",
    "BibTeX": "BibTeX",
}

_LETTERS.update(
    zip(
        "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma "
        "tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega".split(),
        "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΦΨΩ",
        strict=True,
    )
)

# Commands that only style their argument: the command goes, the argument stays.
_STYLES = {
    "emph",
    "textit",
    "textbf",
    "textsc",
    "texttt",
    "textrm",
    "textsf",
    "textup",
    "textsl",
    "textnormal",
    "text",
    "mathrm",
    "mathbf",
    "mathit",
    "mathsf",
    "mathtt",
    "mathcal",
    "mathbb",
    "mbox",
    "hbox",
    "url",
    "em",
    "it",
    "bf",
    "sc",
    "rm",
    "tt",
    "sf",
    "relax",
    "noopsort",
    "protect",
}

_SYMBOLS = {
    "&": "&",
    "%": "%",
    "_": "_",
    "#": "#",
    " ": " ",
    ",": " ",
    ";": " ",
    "\\": " ",
    "-": "",
    "/": "",
    "@": "",
}

_WORD = re.compile(r"[A-Za-z]+")
_DASHES = re.compile(r"-{2,3}")
_SPECIAL = re.compile(r"[\\~`'-]")
# \{ \} \$ stand for themselves: private-use placeholders survive the final brace removal.
_KEPT = {"{": "\ue000", "}": "\ue001", "$": "\ue002"}


def latex_to_unicode(text: str) -> str:
    """Decode the LaTeX in one field value; braces and ``$`` go, whitespace is left alone."""
    decoded = _decode(text or "")
    for char, placeholder in _KEPT.items():
        decoded = decoded.replace(char, "").replace(placeholder, char)
    return unicodedata.normalize("NFC", decoded)


def unescape_identifier(text: str) -> str:
    """A DOI or URL as BibTeX prints it (``10.1007/1188\\_13``, ``{...}``) without the TeX.

    Only backslash escapes and braces go: ``~`` and ``--`` are real characters in URLs.
    """
    return re.sub(r"\\([_%&#$~])", r"\1", text or "").replace("{", "").replace("}", "")


def _decode(text: str) -> str:
    out: list[str] = []
    index = 0
    while special := _SPECIAL.search(text, index):
        out.append(text[index : special.start()])
        index = special.start()
        char = text[index]
        if char == "\\":
            piece, index = _command(text, index + 1)
            out.append(piece)
        elif char == "~":
            out.append(" ")
            index += 1
        elif char == "-" and (run := _DASHES.match(text, index)):
            out.append("–" if len(run.group()) == 2 else "—")
            index = run.end()
        elif text.startswith(("``", "''"), index):
            out.append("“" if char == "`" else "”")
            index += 2
        else:
            out.append(char)
            index += 1
    out.append(text[index:])
    return "".join(out)


def _command(text: str, index: int) -> tuple[str, int]:
    """The text for the command whose name starts at ``index``, and the index after it."""
    if index >= len(text):
        return "", index
    word = _WORD.match(text, index)
    name = word.group() if word else text[index]
    end = word.end() if word else index + 1
    if name in _ACCENTS:
        return _accent(_ACCENTS[name], text, end)
    if name in _KEPT:
        return _KEPT[name], end
    if not word:
        return _SYMBOLS.get(name, name), end
    if name in _LETTERS:
        return _LETTERS[name], _skip_spaces(text, end)
    if name in _STYLES:
        return "", _skip_spaces(text, end)
    return name, end


def _accent(mark: str, text: str, index: int) -> tuple[str, int]:
    """Put ``mark`` on the letter after an accent command: ``e``, ``{e}``, ``\\i``, ``{\\i}``."""
    index = _skip_spaces(text, index)  # TeX skips spaces before an argument: \' e is é
    if index >= len(text):
        return "", index
    if text[index] == "{":
        close = _group_end(text, index)
        argument, index = text[index + 1 : close], close + 1
    elif text[index] == "\\":
        word = _WORD.match(text, index + 1)
        close = word.end() if word else index + 2
        argument, index = text[index:close], _skip_spaces(text, close)
    else:
        argument, index = text[index], index + 1
    # An accent on a dotless i or j means the ordinary letter: \'{\i} is i-acute.
    argument = re.sub(r"\\([ij])(?![A-Za-z])\s*", r"\1", argument.strip())
    letters = latex_to_unicode(argument)
    if not letters:
        return "", index
    return letters[0] + mark + letters[1:], index


def _group_end(text: str, start: int) -> int:
    """Index of the brace closing the group opened at ``start`` (the end if it never closes)."""
    depth = 0
    index = start
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return index
        index += 1
    return len(text)


def _skip_spaces(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\n":
        index += 1
    return index
