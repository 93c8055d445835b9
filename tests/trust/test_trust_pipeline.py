"""The trust score as the site computes it: what moves it, what does not, and its history."""

import pytest
from django.urls import reverse

from claims.models import Claim, Report
from claims.services import claim_approve, claim_submit, report_decide
from profiles.models import Follow, Researcher, User
from social.services import follow_create
from tests.people import make_person
from trust.models import TrustHistory
from trust.tasks import researchers_refresh_stale


def score(researcher) -> int:
    return Researcher.objects.get(pk=researcher.pk).trust_score


@pytest.mark.django_db
def test_a_thousand_unverified_followers_raise_it_by_at_most_one_point(demo):
    before = score(demo)
    users = User.objects.bulk_create(
        [User(email=f"fan{i}@example.org", name=f"Fan {i}") for i in range(1000)]
    )
    Follow.objects.bulk_create([Follow(user=u, researcher=demo) for u in users])
    Researcher.objects.filter(pk=demo.pk).update(stats_stale=True, stale_reason="new follower")
    researchers_refresh_stale.delay()
    assert score(demo) - before <= 1
    followers = next(
        c for c in Researcher.objects.get(pk=demo.pk).trust_components if c["key"] == "followers"
    )
    assert followers["value"] == 0


@pytest.mark.django_db
def test_a_verified_follower_counts_after_the_periodic_refresh(demo):
    hafner = Researcher.objects.get(slug="danijar-hafner")
    danijar = make_person("danijar@example.org", "Danijar Hafner")
    Researcher.objects.filter(pk=hafner.pk).update(owner=danijar, claim_level=2)
    before = score(demo)
    follow_create(user=danijar, researcher=demo)
    assert score(demo) == before  # debounced: recomputed by the periodic task
    researchers_refresh_stale.delay()
    assert score(demo) > before
    entry = TrustHistory.objects.filter(researcher=demo).first()
    assert entry.event == "new follower" and entry.score == score(demo)


@pytest.mark.django_db
def test_trust_flows_from_a_coauthor_who_verifies_their_record(
    client, demo, django_capture_on_commit_callbacks
):
    hafner = Researcher.objects.get(slug="danijar-hafner")
    danijar = make_person("danijar@example.org", "Danijar Hafner")
    claim = claim_submit(user=danijar, researcher=hafner, kind="other", statement="Mine.")
    before = score(demo)
    staff = make_person("staff@example.org", "Staff", staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        claim_approve(claim=claim, staff=staff, reason="Checked.")
    demo.refresh_from_db()
    network = next(c for c in demo.trust_components if c["key"] == "network")
    assert network["value"] > 0
    assert demo.trust_score > before
    assert TrustHistory.objects.filter(researcher=demo).first().event == "claim approved (L2)"
    assert Claim.objects.get().status == "approved"


@pytest.mark.django_db
def test_an_upheld_report_lowers_the_score_and_a_dismissed_one_does_not(
    demo, django_capture_on_commit_callbacks
):
    staff = make_person("staff@example.org", "Staff", staff=True)
    before = score(demo)
    dismissed = Report.objects.create(researcher=demo, kind="not-me", message="x")
    report_decide(report=dismissed, staff=staff, uphold=False)
    assert score(demo) == before
    upheld = Report.objects.create(researcher=demo, kind="not-me", message="y")
    with django_capture_on_commit_callbacks(execute=True):
        report_decide(report=upheld, staff=staff, uphold=True)
    assert score(demo) == before - 10
    assert TrustHistory.objects.filter(researcher=demo).first().event == "report upheld"


@pytest.mark.django_db
def test_the_explanation_page(client, demo, django_assert_max_num_queries):
    url = reverse("trust:researcher-trust", args=[demo.slug])
    with django_assert_max_num_queries(5):
        response = client.get(url)
    html = response.content.decode()
    assert f"Trust {demo.trust_score} - Emerging" in html
    for label in (
        "Verification L1",
        "Persistent identifiers on works",
        "Trust from verified coauthors",
        "Verified followers",
    ):
        assert label in html
    assert "Nobody has claimed this record." in html
    assert "after import" in html  # the history says what moved it
    assert "Formula version 2" in html


@pytest.mark.django_db
def test_the_explanation_page_shows_no_private_evidence(client, demo):
    tim = make_person("tim@uni.example.org", "Timothy Lillicrap")
    claim = claim_submit(
        user=tim,
        researcher=demo,
        kind="other",
        links="https://private.example.org/cv",
        statement="Secret statement",
    )
    claim_approve(
        claim=claim, staff=make_person("staff@example.org", "Staff", staff=True), reason="Checked."
    )
    html = client.get(reverse("trust:researcher-trust", args=[demo.slug])).content.decode()
    assert "approved by staff" in html and "Links and a statement" in html
    for private in ("tim@uni.example.org", "private.example.org", "Secret statement"):
        assert private not in html


class _Undo(Exception):
    """Rolls one generated case back, so the next starts from the same database."""


@pytest.mark.django_db
def test_unverified_followers_never_buy_more_than_a_point(demo):
    from django.db import transaction
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from trust.services import researcher_refresh_stats

    @settings(
        max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(verified=st.integers(0, 6), fans=st.integers(1, 1000))
    def case(verified, fans):
        try:
            with transaction.atomic():
                owners = User.objects.bulk_create(
                    [User(email=f"v{i}@example.org") for i in range(verified)]
                )
                others = list(Researcher.objects.exclude(pk=demo.pk).order_by("id")[:verified])
                for owner, record in zip(owners, others, strict=True):
                    Researcher.objects.filter(pk=record.pk).update(owner=owner, claim_level=2)
                Follow.objects.bulk_create([Follow(user=u, researcher=demo) for u in owners])
                researcher_refresh_stats(researcher_ids=[demo.pk])
                before = score(demo)
                crowd = User.objects.bulk_create(
                    [User(email=f"fan{i}@example.org") for i in range(fans)]
                )
                Follow.objects.bulk_create([Follow(user=u, researcher=demo) for u in crowd])
                researcher_refresh_stats(researcher_ids=[demo.pk])
                assert score(demo) - before <= 1
                raise _Undo
        except _Undo:
            pass

    case()
