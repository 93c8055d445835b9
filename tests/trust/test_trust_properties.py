"""The trust score's promises, checked over many generated cases."""

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from profiles import trust

years = st.integers(min_value=1950, max_value=2026)


@st.composite
def inputs(draw):
    works = draw(st.integers(0, 5000))
    first = draw(st.none() | years)
    last = None if first is None else draw(st.integers(first, 2026))
    return trust.TrustInputs(
        has_person_identifier=draw(st.booleans()),
        works=works,
        works_with_identifier=draw(st.integers(0, works)),
        works_corroborated=draw(st.integers(0, works)),
        first_year=first,
        last_year=last,
        proven_claim=draw(st.booleans()),
        reviewed=draw(st.booleans()),
        network_trust=draw(st.floats(0, 1)),
        verified_followers=draw(st.integers(0, 100_000)),
        upheld_reports=draw(st.integers(0, 20)),
    )


@given(inputs())
def test_the_score_stays_within_0_and_100(case):
    assert 0 <= trust.score(case) <= 100
    assert trust.band(trust.score(case)) in {name for _, name in trust.BANDS}


@st.composite
def more_verified_evidence(draw, case):
    """The same record with one more piece of verified evidence."""
    kind = draw(
        st.sampled_from(
            [
                "claim",
                "review",
                "identified works",
                "corroborated",
                "followers",
                "network",
                "person id",
            ]
        )
    )
    k = draw(st.integers(1, 500))
    if kind == "claim":
        return dataclasses.replace(case, proven_claim=True)
    if kind == "review":
        return dataclasses.replace(case, reviewed=True)
    if kind == "identified works":
        return dataclasses.replace(
            case, works=case.works + k, works_with_identifier=case.works_with_identifier + k
        )
    if kind == "corroborated":
        return dataclasses.replace(
            case, works_corroborated=min(case.works, case.works_corroborated + k)
        )
    if kind == "followers":
        return dataclasses.replace(case, verified_followers=case.verified_followers + k)
    if kind == "network":
        return dataclasses.replace(
            case, network_trust=min(1.0, case.network_trust + draw(st.floats(0, 1)))
        )
    return dataclasses.replace(case, has_person_identifier=True)


@given(st.data())
def test_more_verified_evidence_never_lowers_the_score(data):
    case = data.draw(inputs())
    better = data.draw(more_verified_evidence(case))
    assert trust.score(better) >= trust.score(case)


@given(inputs())
def test_an_upheld_report_lowers_a_score_above_zero(case):
    worse = dataclasses.replace(case, upheld_reports=case.upheld_reports + 1)
    assert trust.score(worse) <= trust.score(case)
    if trust.score(case) >= trust.REPORT_PENALTY:
        assert trust.score(worse) < trust.score(case)


@st.composite
def neighbourhoods(draw):
    """A researcher (0), coauthors 1..n with weighted links, some of them verified."""
    n = draw(st.integers(1, 25))
    ties = [(0, i, draw(st.floats(0.05, 3))) for i in range(1, n + 1)]
    extra = draw(
        st.lists(st.tuples(st.integers(1, n), st.integers(1, n), st.floats(0.05, 3)), max_size=30)
    )
    ties += [(a, b, w) for a, b, w in extra if a != b]
    verified = set(draw(st.lists(st.integers(1, n), max_size=n)))
    return ties, verified, n


@settings(max_examples=60, deadline=None)
@given(neighbourhoods(), st.booleans())
def test_a_hundred_fake_coauthors_add_at_most_two_points(hood, linked_to_each_other):
    ties, verified, n = hood
    fakes = list(range(1000, 1100))
    with_fakes = ties + [(0, f, 1.0) for f in fakes]
    if linked_to_each_other:
        with_fakes += [(a, b, 1.0) for a, b in zip(fakes, fakes[1:], strict=False)]
    base = trust.TrustInputs(
        works=20,
        works_with_identifier=20,
        first_year=2015,
        last_year=2024,
        has_person_identifier=True,
    )
    before = dataclasses.replace(base, network_trust=trust.network_trust(0, ties, verified))
    after = dataclasses.replace(base, network_trust=trust.network_trust(0, with_fakes, verified))
    assert trust.score(after) - trust.score(before) <= 2
