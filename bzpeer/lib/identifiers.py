"""Normalising the persistent identifiers of people and works.

Each ``normalize_*`` function takes what a source prints (a URL, a prefixed id, odd case) and
returns the one form BZPEER stores, or ``None`` when the text is not that kind of identifier.
"""

import re

_DOI = re.compile(r"(10\.\d{4,9}/\S+)", re.IGNORECASE)
_ORCID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])", re.IGNORECASE)
_OPENALEX = re.compile(r"(?:^|/)([WAISTPFC])(\d+)$", re.IGNORECASE)
# New-style ids (2007 on): 0704.0001, 1501.00001; old style: hep-th/9901001, math.GT/0309136.
_ARXIV_NEW = re.compile(r"(\d{4}\.\d{4,5})(?:v(\d+))?$")
_ARXIV_OLD = re.compile(r"([a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v(\d+))?$")
ARXIV_DOI_PREFIX = "10.48550/arxiv."
# A ROR ID: "0", six Crockford base32 characters, a two-digit checksum (https://ror.org/02jx3x895).
_ROR = re.compile(r"(?:(?:https?://)?ror\.org/)?(0[0-9a-hjkmnp-tv-z]{6})(\d{2})", re.IGNORECASE)
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def normalize_doi(text: str | None) -> str | None:
    """``https://doi.org/10.1000/ABC`` -> ``10.1000/abc``: lower case, no resolver prefix."""
    if not text:
        return None
    match = _DOI.search(text.strip())
    if not match:
        return None
    return match.group(1).rstrip(".,;").lower()


def orcid_checksum_ok(digits: str) -> bool:
    """ISO 7064 MOD 11-2, as ORCID specifies for the last character."""
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[-1].upper() == ("X" if check == 10 else str(check))


def normalize_orcid(text: str | None) -> str | None:
    """``https://orcid.org/0000-0002-1825-0097`` -> ``0000-0002-1825-0097`` (checksum verified)."""
    if not text:
        return None
    if len(text) == 37 and text.startswith("https://orcid.org/"):
        text = text[18:]  # the common case; the pattern below still checks the digits
    match = _ORCID.search(text.strip())
    if not match:
        return None
    digits = "".join(match.groups()).upper()
    if not orcid_checksum_ok(digits):
        return None
    return "-".join(match.groups()).upper()


def normalize_ror(text: str | None) -> str | None:
    """``https://ror.org/02jx3x895`` -> ``02jx3x895`` (checksum verified: ISO 7064 MOD 97-10 of
    the base32 number, as ROR computes it)."""
    if not text:
        return None
    match = _ROR.fullmatch(text.strip().rstrip("/"))
    if not match:
        return None
    body, check = match.group(1).lower(), match.group(2)
    number = 0
    for char in body[1:]:
        number = number * 32 + _CROCKFORD.index(char)
    return body + check if 98 - number * 100 % 97 == int(check) else None


def normalize_openalex_id(text: str | None, kind: str | None = None) -> str | None:
    """``https://openalex.org/W2741809807`` -> ``W2741809807``; ``kind`` checks the letter."""
    if not text:
        return None
    if text.startswith("https://openalex.org/") and text[21:22].isalpha() and text[22:].isdigit():
        letter = text[21].upper()  # the common case, without a regular expression
        return f"{letter}{text[22:]}" if not kind or letter == kind else None
    match = _OPENALEX.search(text.strip())
    if not match:
        return None
    letter = match.group(1).upper()
    if kind and letter != kind:
        return None
    return f"{letter}{match.group(2)}"


def split_arxiv_id(text: str | None) -> tuple[str, int | None] | None:
    """``http://arxiv.org/abs/2010.02193v4`` -> ``("2010.02193", 4)``; the version may be None."""
    if not text:
        return None
    text = text.strip()
    if text.lower().startswith(ARXIV_DOI_PREFIX):
        text = text[len(ARXIV_DOI_PREFIX) :]
    text = re.sub(r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/", "", text)
    text = re.sub(r"^arxiv:", "", text, flags=re.IGNORECASE).removesuffix(".pdf")
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        match = pattern.fullmatch(text)
        if match:
            version = int(match.group(2)) if match.group(2) else None
            return match.group(1), version
    return None


def normalize_arxiv_id(text: str | None) -> str | None:
    """An arXiv identifier without its version: ``arXiv:2010.02193v4`` -> ``2010.02193``."""
    parts = split_arxiv_id(text)
    return parts[0] if parts else None


def work_key(text: str | None) -> tuple[str, str] | None:
    """How BZPEER finds a work someone names by DOI or arXiv ID: ``("doi", "10.…")``, or
    ``("arxiv", "2010.02193")`` for an arXiv ID and for arXiv's own 10.48550 DOIs (works hold
    those as their arXiv ID); None for neither."""
    doi = normalize_doi(text)
    if doi and not doi.startswith("10.48550/"):
        return "doi", doi
    arxiv = normalize_arxiv_id(text)
    return ("arxiv", arxiv) if arxiv else None


def arxiv_doi(arxiv_id: str) -> str:
    """The DataCite DOI arXiv registers for every article."""
    return f"{ARXIV_DOI_PREFIX}{arxiv_id.lower()}"
