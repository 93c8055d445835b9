"""The trust score: how confident a visitor can be that a record is who it says it is.

Pure functions over plain numbers; docs/trust.md is the formula in words. The score is the sum
of the components below, each capped at its maximum, minus upheld reports, kept within 0-100.
"""

from dataclasses import dataclass
from typing import Any

import networkx as nx

FORMULA_VERSION = 2  # 2: network trust, verified followers and upheld reports count

BANDS = [(80, "Highly trusted"), (60, "Trusted"), (40, "Established"), (20, "Emerging"), (0, "New")]

VERIFICATION_POINTS = {0: 0, 1: 10, 2: 30, 3: 40}
IDENTIFIER_MAX = 7
CORROBORATION_MAX = 3
WORKS_MAX = 8
SPAN_MAX = 7
NETWORK_MAX = 20
FOLLOWERS_MAX = 15
REPORT_PENALTY = 10

VERIFICATION_MEANING = {
    0: "A name and titles only: no persistent identifier on the person or on the works.",
    1: "Corroborated: persistent identifiers let the record be checked against the world.",
    2: "Claimed, and the claimant proved control of the record.",
    3: "Reviewed: staff checked the evidence, or two independent proofs agree.",
}


@dataclass(frozen=True)
class TrustInputs:
    has_person_identifier: bool = False  # an ORCID iD or an OpenAlex author ID
    works: int = 0
    works_with_identifier: int = 0  # a DOI, arXiv ID or OpenAlex work ID
    works_corroborated: int = 0  # described by two independent sources
    first_year: int | None = None
    last_year: int | None = None
    proven_claim: bool = False  # L2: the claimant proved control
    reviewed: bool = False  # L3: staff reviewed, or two independent proofs
    network_trust: float = 0.0  # 0-1, trust flowing from verified coauthors
    verified_followers: int = 0
    upheld_reports: int = 0


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    value: float
    maximum: int
    explanation: str
    to_raise: str


def band(score: int) -> str:
    for floor, name in BANDS:
        if score >= floor:
            return name
    return BANDS[-1][1]


def verification_level(inputs: TrustInputs) -> int:
    if inputs.reviewed:
        return 3
    if inputs.proven_claim:
        return 2
    if inputs.has_person_identifier or inputs.works_with_identifier:
        return 1
    return 0


def _saturating(maximum: float, amount: float, half_at: float) -> float:
    """``maximum * (1 - 2**(-amount/half_at))``: half the maximum at ``half_at``, never above it."""
    if amount <= 0:
        return 0.0
    remaining: float = 0.5 ** (amount / half_at)
    return maximum * (1 - remaining)


def components(inputs: TrustInputs) -> list[Component]:
    level = verification_level(inputs)
    share = inputs.works_with_identifier / inputs.works if inputs.works else 0.0
    years = (
        inputs.last_year - inputs.first_year + 1 if inputs.first_year and inputs.last_year else 0
    )
    network = max(0.0, min(1.0, inputs.network_trust))
    raise_level = {
        0: "Import the works with their DOI or arXiv ID, or the person's ORCID iD (L1).",
        1: "The researcher claims this record and proves control, e.g. with ORCID sign-in (L2).",
        2: "Staff review the claim's evidence, or a second independent proof agrees (L3).",
        3: "Already at the highest level.",
    }[level]
    return [
        Component(
            "verification",
            f"Verification L{level}",
            VERIFICATION_POINTS[level],
            VERIFICATION_POINTS[3],
            VERIFICATION_MEANING[level],
            raise_level,
        ),
        Component(
            "identifiers",
            "Persistent identifiers on works",
            IDENTIFIER_MAX * share,
            IDENTIFIER_MAX,
            f"{inputs.works_with_identifier} of {inputs.works} works carry a DOI, arXiv ID or "
            "OpenAlex ID.",
            "Works imported with their identifiers.",
        ),
        Component(
            "corroboration",
            "Works corroborated by a second source",
            # A count, not a share: more works must never lower it.
            _saturating(CORROBORATION_MAX, inputs.works_corroborated, half_at=5),
            CORROBORATION_MAX,
            f"{inputs.works_corroborated} of {inputs.works} works are described by two "
            "independent sources (e.g. arXiv and OpenAlex) that agree; half the points at 5.",
            "The same works found again in another source.",
        ),
        Component(
            "works",
            "Track record: works",
            _saturating(WORKS_MAX, inputs.works, half_at=10),
            WORKS_MAX,
            f"{inputs.works} works; each adds less than the one before (half the points at 10).",
            "More works attributed to this record.",
        ),
        Component(
            "span",
            "Track record: years active",
            _saturating(SPAN_MAX, years, half_at=5),
            SPAN_MAX,
            f"Works span {years} year{'s' if years != 1 else ''}"
            + (f" ({inputs.first_year}–{inputs.last_year})." if years > 1 else ".")
            + " Half the points at 5 years.",
            "A longer publication record.",
        ),
        Component(
            "network",
            "Trust from verified coauthors",
            NETWORK_MAX * network,
            NETWORK_MAX,
            "Flows over coauthorship from researchers who verified their own records (L2 and up)."
            if network
            else "No coauthor has verified their own record yet.",
            "Coauthors claim and verify their records.",
        ),
        Component(
            "followers",
            "Verified followers",
            _saturating(FOLLOWERS_MAX, inputs.verified_followers, half_at=5),
            FOLLOWERS_MAX,
            f"{inputs.verified_followers} followers are verified researchers; other followers "
            "count for nothing, so followers cannot be bought.",
            "Verified researchers follow this record.",
        ),
    ]


def score(inputs: TrustInputs) -> int:
    total = sum(c.value for c in components(inputs)) - REPORT_PENALTY * inputs.upheld_reports
    return max(0, min(100, round(total)))


def snapshot(inputs: TrustInputs) -> tuple[int, int, list[dict[str, Any]]]:
    """(score, verification level, components as plain dicts for storage)."""
    rows = [
        {
            "key": c.key,
            "label": c.label,
            "value": round(c.value, 1),
            "maximum": c.maximum,
            "explanation": c.explanation,
            "to_raise": c.to_raise,
        }
        for c in components(inputs)
    ]
    if inputs.upheld_reports:
        rows.append(
            {
                "key": "reports",
                "label": "Upheld reports",
                "value": -REPORT_PENALTY * inputs.upheld_reports,
                "maximum": 0,
                "explanation": f"{inputs.upheld_reports} reports against this record were upheld.",
                "to_raise": "",
            }
        )
    return score(inputs), verification_level(inputs), rows


def network_trust(researcher: int, ties: list[tuple[int, int, float]], verified: set[int]) -> float:
    """How much trust flows to ``researcher`` over coauthorship from verified researchers.

    ``ties`` are weighted coauthor links in the researcher's neighbourhood (the researcher,
    their coauthors, and links among those), ``verified`` the researchers at L2 and up. A
    personalised PageRank restarts at the verified researchers only, and the researcher
    scored passes nothing on; the result is what reaches them against what the verified
    researchers hold, capped at 1. Unverified people add nothing to the restart, and nothing
    flows out of the researcher to come back through them, so fake coauthors add nothing.
    """
    sources = {v for v in verified if v != researcher}
    graph = nx.DiGraph()
    graph.add_node(researcher)
    for a, b, weight in ties:
        if a == b or weight <= 0:
            continue
        # Trust flows both ways between coauthors, but never out of the researcher scored:
        # what reaches them cannot be sent round through accounts they control and back.
        if a != researcher:
            graph.add_edge(a, b, weight=weight)
        if b != researcher:
            graph.add_edge(b, a, weight=weight)
    sources &= set(graph.nodes)
    if not sources:
        return 0.0
    rank = nx.pagerank(
        graph, alpha=0.85, personalization={v: 1.0 for v in sources}, weight="weight"
    )
    given = sum(rank[v] for v in sources)
    return round(min(1.0, rank[researcher] / given), 4) if given else 0.0
