"""A full ORCID work's byline: its contributors as authors, with the record's owner on the
entry that is theirs.

A work in full (``/work/{put-code}``, a bulk entry) lists contributors: a credit name, an
iD when the contributor has one, a sequence and a role. They become the work's authors in
order (a contributor marked ``first`` first), leaving out roles that are not authorship. The
owner of the record is the entry with their iD, else the first unidentified one whose name
fits theirs (bzpeer.lib.names); that entry takes their iD and name, and the owner is never
listed twice. No one is named by an identifier: a contributor without a credit name is left
out, and nothing here applies when nothing names the owner.

Only a list that has the owner on it and names someone else is taken as the work's byline
(complete). Otherwise the contributors an iD identifies, and the owner, are added to the
work's byline as an ORCID summary's owner is: people named only by a list that leaves the
owner out are not guessed at.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from bzpeer.lib.names import fits_any, name_key
from works.sources.orcid_shapes import Contributor, Summary
from works.sources.records import AuthorRecord

# ORCID's contributor roles that are not authorship of the work.
NOT_AUTHORS = frozenset({"editor", "chair-or-translator", "assignee", "support-staff"})


@dataclass(frozen=True)
class Owner:
    """The person whose record it is: their iD and the names they go by, display name first
    (none when the response names them nowhere)."""

    orcid: str
    names: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.names[0] if self.names else ""


def owner_named(orcid: str, names: Iterable[str], works: Iterable[Summary]) -> Owner:
    """The owner with ``names`` (the person's, when the response has them), else with the
    credit name of their own contributor entry in one of ``works``."""
    known = tuple(dict.fromkeys(n for n in names if n))
    if not known:
        credited = (c.name for w in works for c in w.contributors if c.orcid == orcid and c.name)
        known = tuple(name for name in [next(credited, "")] if name)
    return Owner(orcid, known)


def byline(
    contributors: tuple[Contributor, ...], owner: Owner
) -> tuple[tuple[AuthorRecord, ...], bool]:
    """The authors the contributors give, and whether they are the whole byline (see the
    module docstring); no authors when the contributors add no one to the owner."""
    if not owner.name:
        return (), False
    listed = sorted(
        (c for c in contributors if c.role not in NOT_AUTHORS),
        key=lambda c: c.sequence != "first",  # stable: the order given, "first" first
    )
    mine = _owner_entry(listed, owner)
    authors = []
    for index, contributor in enumerate(listed):
        if index == mine:
            authors.append(_owner_author(owner, contributor.name))
        elif contributor.name and contributor.orcid != owner.orcid:
            authors.append(
                AuthorRecord(
                    printed_name=contributor.name[:500],
                    display_name=contributor.name[:255],
                    orcid=contributor.orcid,
                )
            )
    if mine is not None and len(authors) > 1:
        return tuple(authors), True
    identified = tuple(a for a in authors if a.orcid and a.orcid != owner.orcid)
    if not identified:
        return (), False
    printed = listed[mine].name if mine is not None else ""
    return (*identified, _owner_author(owner, printed)), False


def _owner_entry(listed: list[Contributor], owner: Owner) -> int | None:
    """The owner's entry: the first with their iD, else the first unidentified one whose
    name fits theirs, one printed exactly as one of their names first."""
    for index, contributor in enumerate(listed):
        if contributor.orcid == owner.orcid:
            return index
    fitting = [
        i
        for i, c in enumerate(listed)
        if c.orcid is None and c.name and fits_any(c.name, owner.names, given_required=True)
    ]
    keys = {name_key(name) for name in owner.names}
    exact = [i for i in fitting if name_key(listed[i].name) in keys]
    chosen = exact or fitting
    return chosen[0] if chosen else None


def _owner_author(owner: Owner, printed: str) -> AuthorRecord:
    """The owner's entry: printed as the work credits them, else by their name."""
    return AuthorRecord(
        printed_name=(printed or owner.name)[:500], display_name=owner.name[:255], orcid=owner.orcid
    )
