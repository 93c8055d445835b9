"""Person names as sources print them, reduced to a key for exact matching."""

import re
import unicodedata

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
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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
