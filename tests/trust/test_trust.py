import pytest

from profiles import trust


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "New"),
        (19, "New"),
        (20, "Emerging"),
        (39, "Emerging"),
        (40, "Established"),
        (59, "Established"),
        (60, "Trusted"),
        (79, "Trusted"),
        (80, "Highly trusted"),
        (100, "Highly trusted"),
    ],
)
def test_it_names_the_band_of_every_score(score, band):
    assert trust.band(score) == band


def test_it_reads_verification_levels_from_identifiers_and_proofs():
    assert trust.verification_level(trust.TrustInputs(works=3)) == 0
    assert trust.verification_level(trust.TrustInputs(works=3, works_with_identifier=1)) == 1
    assert trust.verification_level(trust.TrustInputs(has_person_identifier=True)) == 1
    assert trust.verification_level(trust.TrustInputs(proven_claim=True)) == 2
    assert trust.verification_level(trust.TrustInputs(proven_claim=True, reviewed=True)) == 3


def test_the_components_maxima_sum_to_one_hundred():
    best = trust.TrustInputs(
        works=10_000,
        works_with_identifier=10_000,
        works_corroborated=10_000,
        first_year=1900,
        last_year=2026,
        reviewed=True,
        network_trust=1.0,
        verified_followers=10_000,
    )
    assert sum(c.maximum for c in trust.components(best)) == 100
    assert trust.score(best) == 100


def test_track_record_has_diminishing_returns():
    def works_points(n):
        inputs = trust.TrustInputs(works=n)
        return next(c.value for c in trust.components(inputs) if c.key == "works")

    assert works_points(10) == pytest.approx(trust.WORKS_MAX / 2)
    assert works_points(20) - works_points(10) < works_points(10) - works_points(0)
    assert works_points(100_000) <= trust.WORKS_MAX


def test_an_upheld_report_lowers_the_score_but_never_below_zero():
    inputs = trust.TrustInputs(works=13, works_with_identifier=13, first_year=2019, last_year=2022)
    reported = trust.TrustInputs(**{**inputs.__dict__, "upheld_reports": 1})
    assert trust.score(reported) == trust.score(inputs) - trust.REPORT_PENALTY
    assert trust.score(trust.TrustInputs(upheld_reports=5)) == 0


def test_a_name_and_titles_alone_is_new_at_l0():
    score, level, _ = trust.snapshot(trust.TrustInputs(works=2, first_year=2020, last_year=2020))
    assert level == 0
    assert trust.band(score) == "New"


@pytest.mark.django_db
def test_the_demo_researchers_score_follows_from_the_documented_formula(demo):
    # docs/trust.md, worked example: L1, 13 of 13 works identified, none corroborated yet,
    # 13 works, 2019-2022.
    by_hand = 10 + 7 * 13 / 13 + 0 + 8 * (1 - 2 ** (-13 / 10)) + 7 * (1 - 2 ** (-4 / 5))
    assert demo.verification_level == 1
    assert demo.trust_score == round(by_hand) == 25
    assert demo.trust_band == "Emerging"
    shown = {part["key"]: part["value"] for part in demo.trust_components}
    assert shown == {
        "verification": 10,
        "identifiers": 7.0,
        "corroboration": 0.0,
        "works": 4.8,
        "span": 3.0,
        "network": 0.0,
        "followers": 0.0,
    }
