"""Person names as sources print them, reduced to a key for exact matching."""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_NON_WORD = re.compile(r"[^\w]+")
# arXiv bylines of team papers print "DeepMind Interactive Agents Team: Josh Abramson".
_GROUP_PREFIX = re.compile(r"^[^:]{3,}\b(?:team|group|consortium|collaboration)\s*:\s*", re.I)


# Latin letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
    }
)


def strip_accents(text: str) -> str:
    """``"Łukasz Ødegård"`` -> ``"Lukasz Odegard"``."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """``"Peter C. Humphreys"`` and ``"peter c humphreys"`` share the key ``peter c humphreys``.

    Case, accents, punctuation and spacing are ignored; word order and initials are kept, so
    this only finds names printed the same way. Looser matching is for the claims code.
    """
    text = strip_accents(person_name(name)).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def person_name(printed: str) -> str:
    """The person's name in a byline entry: drops a team prefix, tidies spacing."""
    return " ".join(_GROUP_PREFIX.sub("", printed).split())


_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "phd", "md"}
_PARTICLES = {
    "van",
    "von",
    "der",
    "den",
    "de",
    "del",
    "della",
    "di",
    "da",
    "du",
    "le",
    "la",
    "dos",
    "das",
    "ter",
    "ten",
    "bin",
    "al",
    "el",
    "st",
    "zu",
    "vander",
    "vanden",
}
_TOKEN_SPLIT = re.compile(r"[\s.\-‐]+")


@dataclass(frozen=True)
class ParsedName:
    """A person's name reduced for matching: lower-case ASCII tokens, family name apart."""

    given: tuple[str, ...]
    family: str

    @property
    def match_key(self) -> str:
        """The family name and first initial: the bucket where name variants meet."""
        return f"{self.family}|{self.given[0][0] if self.given else ''}"


def _split(text: str) -> tuple[str, str]:
    """(given names, family name) of a name as written: "Family, Given" or "Given Family",
    where the family name takes its particles ("van der Pol") and drops a suffix ("Jr.")."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 2 and parts[1].strip(".").casefold() in _SUFFIXES:
        parts = [parts[0]]  # "First Last, Jr."
    if len(parts) > 1:
        return parts[-1], parts[0]
    tokens = text.split()
    while len(tokens) > 1 and tokens[-1].strip(".").casefold() in _SUFFIXES:
        tokens.pop()
    if not tokens:
        return "", ""
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].casefold() in _PARTICLES:
        start -= 1
    return " ".join(tokens[:start]), " ".join(tokens[start:])


def name_parts(name: str) -> tuple[str, str]:
    """(given names, family name) as printed, for citations: ``"Timothy P. Lillicrap"`` and
    ``"Lillicrap, Timothy P."`` give ``("Timothy P.", "Lillicrap")``."""
    return _split(person_name(name))


@lru_cache(maxsize=65536)
def parse_name(name: str) -> ParsedName:
    """``"Lillicrap, Timothy P."``, ``"T. P. Lillicrap"`` and ``"Timothy Lillicrap"`` parse
    to the family name ``lillicrap`` with given names ``timothy p``, ``t p`` and ``timothy``."""
    given, family = _split(strip_accents(person_name(name)).casefold())
    if not family:
        return ParsedName((), "")
    return ParsedName(tuple(_words(given)), " ".join(_words(family)))


def fits_any(name: str, names: Iterable[str], *, given_required: bool = False) -> bool:
    """Could ``name`` be one of ``names`` (names_compatible)? A name without a family name,
    or with ``given_required`` without a given name, fits nothing."""
    parsed = parse_name(name or "")
    if not parsed.family or (given_required and not parsed.given):
        return False
    return any(names_compatible(parsed, parse_name(other)) for other in names if other)


def _words(text: str) -> list[str]:
    return [w for w in (_NON_WORD.sub("", t) for t in _TOKEN_SPLIT.split(text)) if w]


def names_compatible(a: ParsedName, b: ParsedName) -> bool:
    """Could these two names belong to one person? Same family name, and given names that do
    not contradict: "T." fits "Timothy", "Greg" fits "Gregory", a missing middle name fits."""
    if not a.family or a.family != b.family:
        return False
    return all(_given_fits(x, y) for x, y in zip(a.given, b.given, strict=False))


def _given_fits(x: str, y: str) -> bool:
    if x == y:
        return True
    if len(x) == 1 or len(y) == 1:
        return x[0] == y[0]
    shorter, longer = sorted((x, y), key=len)
    return len(shorter) >= 3 and longer.startswith(shorter)


@lru_cache(maxsize=16384)
def name_keys(name: str) -> dict[str, str]:
    """The two lookup keys a researcher row stores for its display name, ready to pass as
    model fields: ``name_key`` (same printing) and ``match_key`` (family name and initial)."""
    return {"name_key": name_key(name)[:255], "match_key": parse_name(name).match_key[:255]}


def title_key(title: str) -> str:
    """A work's title reduced for matching: case, accents, punctuation and spacing ignored."""
    text = strip_accents(title).casefold()
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())
