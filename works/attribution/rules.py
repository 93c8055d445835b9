"""Who an author is: the attribution rules, as plain functions over plain values.

The rules, strongest first, for each author on a work's byline:

1. the same ORCID iD, then the same OpenAlex author ID (never when the other identifier
   conflicts);
2. a compatible name on the same work, as another source printed it ("T. P. Lillicrap" where
   arXiv printed "Timothy Lillicrap");
3. a compatible name and a shared coauthor with someone else on this byline;
4. in a source that identifies nobody (arXiv, BibTeX), the same full name printed the same way
   in that source;
5. otherwise a new researcher.

Two researchers whose identifiers conflict are never joined. Each rule returns a ``Decision``
and touches nothing; the resolver acts on it, and the journal keeps every decision that names
a rule. A researcher here is anything with a researcher's columns (``orcid``, ``openalex_id``,
``display_name``, ``name_key``, ``sources``), saved or not, compared by identity.
"""

from collections.abc import Callable, Container, Iterable, Sequence
from typing import Any, NamedTuple, TypeVar

from bzpeer.lib.names import ParsedName, name_key, names_compatible, parse_name
from bzpeer.lib.sources import Source
from works.models import AttributionDecision

Rule = AttributionDecision.Rule
_T = TypeVar("_T")

# Sources whose records identify no person: an exact full name is the best they can say.
NAME_ONLY_SOURCES = {Source.ARXIV, Source.BIBTEX}
# A byline longer than this (a physics collaboration) is weak evidence that two of its names
# know each other, and would cost its length squared to record.
MAX_EVIDENCE_AUTHORS = 100


class Decision(NamedTuple):
    """What a rule says about one author (a tuple: rules run once per author of a batch).

    ``researcher`` is who the author is (None: this rule places no one); ``rule`` the reason
    to write down (None: nothing to write down, as for a plain identifier match); ``other``
    the researcher kept apart from or joined with.
    """

    researcher: Any = None
    rule: Rule | None = None
    other: Any = None
    detail: str = ""


NOBODY = Decision()


def conflicts(person, researcher) -> bool:
    """True when an identifier of one and the same kind of identifier of the other disagree."""
    if person.orcid and researcher.orcid:
        return person.orcid != researcher.orcid
    return bool(
        person.openalex_id
        and researcher.openalex_id
        and person.openalex_id != researcher.openalex_id
    )


def unique(researchers: Iterable[_T]) -> list[_T]:
    """The researchers in order, each instance once."""
    seen: set[int] = set()
    found = []
    for researcher in researchers:
        if id(researcher) not in seen:
            seen.add(id(researcher))
            found.append(researcher)
    return found


def on_the_byline(
    author,
    position: int | None,
    byline: Sequence,
    used: Container[int],
    parsed: Callable[[Any], ParsedName],
) -> tuple[Any, list]:
    """The researcher of a work's byline whose name fits the author's, at the author's own
    position first, skipping the instances in ``used``; and the researchers whose names fit
    but whose identifiers conflict with the author's, passed over on the way."""
    name = parse_name(author.display_name)
    order = list(range(len(byline)))
    if position is not None:
        order.sort(key=lambda i: i != position)  # the same place in the byline first
    passed_over = []
    for index in order:
        candidate = byline[index]
        if id(candidate) in used or not names_compatible(name, parsed(candidate)):
            continue
        if conflicts(author, candidate):
            passed_over.append(candidate)
            continue
        return candidate, passed_over
    return None, passed_over


def kept_apart_on_byline(author, by_id, passed_over: list) -> list[Decision]:
    """The decisions to keep each researcher ``on_the_byline`` passed over apart from the
    author (from ``by_id``, who the author's identifiers name, if anyone)."""
    return [
        Decision(
            by_id or candidate,
            Rule.KEPT_APART,
            candidate,
            f"“{author.printed_name}” on the same work, but their ORCID iDs or OpenAlex IDs differ",
        )
        for candidate in passed_over
        if by_id is None or by_id is not candidate
    ]


def by_identifier_or_byline(author, by_id, on_byline, *, source: str, external_id: str) -> Decision:
    """Who the author is, from who holds the author's identifiers (``by_id``) and who on the
    work's byline has the author's name (``on_byline``), either of them None.

    Two different researchers: ``MERGED`` (``on_byline`` is ``by_id`` printed another way)
    unless their identifiers conflict (``KEPT_APART``, the author is ``by_id``).
    """
    if by_id is not None and on_byline is not None and by_id is not on_byline:
        if conflicts(by_id, on_byline):
            return Decision(
                by_id,
                Rule.KEPT_APART,
                on_byline,
                "a compatible name on the same work, but conflicting identifiers",
            )
        reason = (
            f"{Source(source).label} record {external_id} gives “{author.printed_name}” the "
            f"identifiers of {by_id.display_name}, on a work {on_byline.display_name} is an "
            "author of"
        )
        return Decision(by_id, Rule.MERGED, on_byline, reason[:500])
    if by_id is not None:
        return Decision(by_id)
    if on_byline is not None:
        return Decision(
            on_byline,
            Rule.SAME_WORK,
            None,
            f"printed “{author.printed_name}” on a work this researcher is already an author of",
        )
    return NOBODY


def name_candidates(
    author, name: ParsedName, researchers: Iterable, exclude: Container[int], parsed
) -> list:
    """The researchers, each instance once and not in ``exclude``, whose names fit the
    author's (``name``, parsed) and whose identifiers do not conflict."""
    return [
        r
        for r in unique(researchers)
        if id(r) not in exclude and not conflicts(author, r) and names_compatible(name, parsed(r))
    ]


def by_name(author, candidates: Sequence, shared: Sequence[int], *, source: str) -> Decision:
    """Who an author that neither identifiers nor the work's byline place is, among the
    ``name_candidates``, given how many coauthors each shares with the byline (``shared``).

    The one sharing most (``COAUTHOR``); else, in a source that identifies nobody, one with
    the same full name from such a source (``SAME_NAME``); else nobody: a new researcher,
    ``KEPT_APART`` from the first candidate if there is one.
    """
    best, best_shared = None, 0
    for candidate, count in zip(candidates, shared, strict=True):
        if count > best_shared:
            best, best_shared = candidate, count
    if best is not None:
        return Decision(
            best, Rule.COAUTHOR, None, f"a compatible name and {best_shared} shared coauthor(s)"
        )
    if source in NAME_ONLY_SOURCES and not (author.orcid or author.openalex_id):
        key = name_key(author.display_name)
        for candidate in candidates:
            if candidate.name_key == key and NAME_ONLY_SOURCES & set(candidate.sources):
                return Decision(
                    candidate,
                    Rule.SAME_NAME,
                    None,
                    f"the same full name, “{author.display_name}”, in sources that identify no one",
                )
    if candidates:
        return Decision(
            None,
            Rule.KEPT_APART,
            candidates[0],
            "a compatible name, but no shared work or coauthor",
        )
    return NOBODY


def identifiers_to_fill(
    researcher, person, *, held_orcids: Container[str], held_openalex: Container[str]
) -> list[tuple[str, str, Decision]]:
    """``(field, value, decision)`` for each identifier of the person the researcher lacks
    and nobody else holds."""
    found = []
    for name, held, rule, label in (
        ("orcid", held_orcids, Rule.ORCID, "ORCID iD"),
        ("openalex_id", held_openalex, Rule.OPENALEX, "OpenAlex ID"),
    ):
        value = getattr(person, name)
        if value and not getattr(researcher, name) and value not in held:
            found.append(
                (
                    name,
                    value,
                    Decision(researcher, rule, None, f"{label} {value} added to this record"),
                )
            )
    return found
