"""The builder on a small graph checked by hand."""

import pytest

from graph import metrics
from graph.metrics import Neighbourhood, Person, WorkRow

ME, A, B, C, D = (
    Person(i, n, f"/researchers/{n.lower()}/")
    for i, n in [(1, "Me"), (2, "Ada"), (3, "Bea"), (4, "Cy"), (5, "Dee")]
)


def hood() -> Neighbourhood:
    works = [
        WorkRow(11, "Work one", 2024, 3, "/works/1/"),
        WorkRow(12, "Work two", 2024, 2, "/works/2/"),
        WorkRow(13, "Work three", 2014, 2, "/works/3/"),
        WorkRow(14, "Work four", 2024, 3, "/works/4/"),
        WorkRow(15, "Big collaboration", 2024, 200, "/works/5/"),
    ]
    bylines = [(11, A.id), (11, B.id), (12, A.id), (13, C.id), (14, C.id), (14, D.id)]
    topics = [
        (11, 7, "Reinforcement learning"),
        (12, 7, "Reinforcement learning"),
        (13, 8, "Vision"),
        (14, 7, "Reinforcement learning"),
    ]
    return Neighbourhood(
        me=ME,
        works=works,
        bylines=bylines,
        people={p.id: p for p in (A, B, C, D)},
        topics=topics,
        capped_works=1,
    )


def test_ties_weigh_shared_works_by_byline_size_and_recency():
    ties = metrics.ties(hood())
    assert [(t.person.name, t.shared, t.strength) for t in ties] == [
        ("Ada", 2, 1.5),  # 1/2 + 1/1, both from 2024
        ("Cy", 2, 0.75),  # 1/1 halved twice (ten years before 2024) + 1/2
        ("Bea", 1, 0.5),
        ("Dee", 1, 0.5),  # as strong as Bea: then by name
    ]
    assert ties[1].why == "co-authored 2 papers (2014–2024)"
    assert ties[0].why == "co-authored 2 papers (2024)"


def test_close_collaborators_need_two_works_and_enough_strength():
    close = metrics.close_collaborators(metrics.ties(hood()))
    assert [t.person.name for t in close] == ["Ada", "Cy"]


def test_the_slice_has_people_works_topics_and_says_why():
    result = metrics.build(hood())
    nodes = {n["id"]: n for n in result["nodes"]}
    assert result["nodes"][0]["id"] == "r:1"  # the researcher first
    assert {n["kind"] for n in result["nodes"]} == {"researcher", "collaborator", "work", "topic"}
    assert nodes["t:7"]["label"] == "Reinforcement learning"
    edges = {(e["source"], e["target"]): e for e in result["edges"]}
    assert edges[("r:1", "r:2")]["why"] == "co-authored 2 papers (2024)"
    assert edges[("r:2", "r:3")]["why"] == "co-authored 1 paper together"
    assert edges[("r:1", "t:7")]["why"] == "works on Reinforcement learning (3 works)"
    summary = result["summary"]
    assert summary["close_count"] == 2
    assert [t["name"] for t in summary["topics"]] == ["Reinforcement learning", "Vision"]
    assert summary["capped_works"] == 1
    # The most connected person after the researcher ranks highest.
    people = [n for n in result["nodes"] if n["kind"] == "collaborator"]
    assert people[0]["label"] == "Ada"
    assert abs(sum(n["importance"] for n in result["nodes"]) - 1) < 0.01


def test_pruning_keeps_the_strongest_collaborators(monkeypatch):
    monkeypatch.setattr(metrics, "MAX_COLLABORATORS", 2)
    result = metrics.build(hood())
    people = sorted(n["label"] for n in result["nodes"] if n["kind"] == "collaborator")
    assert people == ["Ada", "Cy"]


def test_a_researcher_with_no_coauthors_still_gets_a_slice():
    alone = Neighbourhood(
        me=ME, works=[WorkRow(11, "Solo", 2020, 1, "/w/")], bylines=[], people={}, topics=[]
    )
    result = metrics.build(alone)
    assert [n["kind"] for n in result["nodes"]] == ["researcher", "work"]
    assert result["summary"]["close_count"] == 0


@pytest.mark.parametrize("year", [None, 2024])
def test_recency_is_one_for_the_latest_year_and_a_half_without_one(year):
    assert metrics.recency(year, 2024) == (1.0 if year else 0.5)
