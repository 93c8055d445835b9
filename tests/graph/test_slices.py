"""Slices built from the database, kept fresh, served, and never computed in a request."""

import json
from datetime import timedelta

import networkx as nx
import pytest
from django.urls import reverse
from django.utils import timezone

from graph import tasks
from graph.models import GraphSlice
from graph.services import slice_build, slice_retry, slices_mark_stale
from profiles.models import Researcher
from tests.conftest import DEMO_FEED, run_command
from tests.factories import AuthorshipFactory, ResearcherFactory, WorkFactory
from works.models import Work


@pytest.mark.django_db
def test_the_demo_researchers_slice(demo):
    graph_slice = demo.graph_slice
    assert graph_slice.state == GraphSlice.State.READY and graph_slice.version == 1
    assert graph_slice.build_seconds is not None
    summary = graph_slice.summary
    # Dated by their first versions, the two works shared with Hafner, Ba and Norouzi (2019
    # and 2020) are older than the researcher's 2022 works: no tie is strong enough yet.
    assert summary["close_collaborators"] == []
    assert demo.close_collaborators_count == 0
    assert summary["topics"][0] == {"name": "Machine Learning", "works": 12}
    kinds = {n["kind"] for n in graph_slice.nodes}
    assert kinds == {"researcher", "collaborator", "work", "topic"}
    hafner = next(
        e
        for e in graph_slice.edges
        if e["target_label"] == "Danijar Hafner" and e["source_label"] == "Timothy Lillicrap"
    )
    assert hafner["why"] == "co-authored 2 papers (2019–2020)"


@pytest.mark.django_db
def test_an_import_that_changes_works_marks_slices_stale_and_one_dispatch_builds_them(
    demo, tmp_path
):
    changed = DEMO_FEED.read_text().replace(
        "Training generative adversarial networks requires", "Training GANs requires"
    )
    path = tmp_path / "changed.atom.xml"
    path.write_text(changed)
    run_command("import_arxiv", path)
    run_command("import_arxiv", path)  # twice: still one build each
    graph_slice = GraphSlice.objects.get(researcher=demo)
    assert graph_slice.state == GraphSlice.State.STALE
    assert graph_slice.has_content  # the old slice is shown meanwhile
    waiting = GraphSlice.objects.waiting().count()
    assert waiting == Researcher.objects.count()  # a slice wanted for everyone touched

    assert tasks.slices_dispatch.delay().get() == waiting
    graph_slice.refresh_from_db()
    assert graph_slice.state == GraphSlice.State.READY and graph_slice.version == 2


@pytest.mark.django_db
def test_a_failed_build_says_so_and_can_be_asked_again(client, demo, monkeypatch):
    from graph import metrics

    def broken(hood):
        raise RuntimeError("no memory left")

    monkeypatch.setattr(metrics, "build", broken)
    slices_mark_stale(researcher_ids=[demo.pk])
    with pytest.raises(RuntimeError):
        slice_build(researcher_id=demo.pk)
    graph_slice = GraphSlice.objects.get(researcher=demo)
    assert graph_slice.state == GraphSlice.State.FAILED
    assert "no memory left" in graph_slice.error
    html = client.get(demo.get_absolute_url()).content.decode()
    assert "This graph slice could not be built." in html
    client.post(reverse("graph:graph-retry", args=[demo.slug]))
    assert GraphSlice.objects.get(researcher=demo).state == GraphSlice.State.PENDING
    slice_retry(graph_slice=graph_slice)  # asking twice is harmless


@pytest.mark.django_db
def test_a_pending_slice_polls_and_a_ready_one_stops(client, demo):
    other = Researcher.objects.get(slug="danijar-hafner")
    html = client.get(other.get_absolute_url()).content.decode()
    assert "Building this graph slice" in html
    assert 'hx-trigger="every 2s"' in html
    html = client.get(demo.get_absolute_url()).content.decode()
    assert "Building this graph slice" not in html
    assert 'hx-trigger="every 2s"' not in html
    assert "Close collaborators (0)" in html


@pytest.mark.django_db
def test_graph_json_serves_the_slice_and_caches_it(client, demo, django_assert_max_num_queries):
    url = reverse("graph:graph-json", args=[demo.slug])
    data = json.loads(client.get(url).content)
    assert data["state"] == "ready" and data["version"] == 1
    assert data["nodes"][0]["label"] == "Timothy Lillicrap"
    with django_assert_max_num_queries(1):
        assert client.get(url).status_code == 200  # cached: the version check only
    assert client.get(reverse("graph:graph-json", args=["nobody"])).status_code == 404
    pending = json.loads(client.get(reverse("graph:graph-json", args=["jimmy-ba"])).content)
    assert pending["state"] == "pending" and pending["nodes"] == []


@pytest.mark.django_db
def test_the_explorer_has_its_own_address_and_reads_without_javascript(client, demo):
    url = reverse("pages:researcher-graph", args=[demo.slug])
    assert url == "/researchers/timothy-lillicrap/graph/"
    html = client.get(url).content.decode()
    assert 'id="explorer"' in html
    assert "Everything in this slice" in html
    assert '<a href="/researchers/danijar-hafner/">Danijar Hafner</a>' in html
    assert "Timothy Lillicrap — Danijar Hafner: co-authored 2 papers (2019–2020)" in html
    assert 'id="explorer"' not in client.get(demo.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_big_collaboration_adds_no_pairwise_links():
    me = ResearcherFactory(display_name="Cern Person")
    big = WorkFactory(publication_year=2024, authors_count=150)
    AuthorshipFactory(work=big, researcher=me, position=0)
    for position in range(1, 150):
        AuthorshipFactory(work=big, position=position)
    Work.objects.filter(pk=big.pk).update(authors_count=150)
    graph_slice = slice_build(researcher_id=me.pk)
    assert graph_slice.summary["capped_works"] == 1
    assert not [n for n in graph_slice.nodes if n["kind"] == "collaborator"]


@pytest.mark.django_db
def test_no_page_computes_a_graph(client, demo, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("graph computation inside a request")

    for name in ("Graph", "pagerank"):
        monkeypatch.setattr(nx, name, forbidden)
    monkeypatch.setattr(nx.community, "greedy_modularity_communities", forbidden)
    work = Work.objects.first()
    for url in [
        "/",
        demo.get_absolute_url(),
        reverse("pages:researcher-graph", args=[demo.slug]),
        reverse("graph:graph-json", args=[demo.slug]),
        reverse("graph:graph-section", args=[demo.slug]),
        "/researchers/jimmy-ba/",
        reverse("graph:graph-json", args=["jimmy-ba"]),
        work.get_absolute_url(),
    ]:
        assert client.get(url).status_code == 200, url
    assert client.post(reverse("graph:graph-retry", args=[demo.slug])).status_code == 302


@pytest.mark.django_db
def test_changed_works_queue_built_slices_again_and_waiting_ones_keep_their_place():
    long_ago = timezone.now() - timedelta(days=3)
    states = ["ready", "failed", "building", "pending", "stale"]
    people = {state: ResearcherFactory() for state in [*states, "none"]}
    for state in states:
        GraphSlice.objects.create(researcher=people[state], state=state)
    GraphSlice.objects.update(requested_at=long_ago)

    slices_mark_stale(researcher_ids=[p.pk for p in people.values()])
    slices_mark_stale(researcher_ids=[people["none"].pk])  # twice is harmless

    found = {s.researcher_id: s for s in GraphSlice.objects.all()}
    assert len(found) == 6
    for state, expected in [
        ("ready", "stale"),
        ("failed", "stale"),
        ("building", "stale"),
        ("pending", "pending"),
        ("stale", "stale"),
        ("none", "pending"),
    ]:
        graph_slice = found[people[state].pk]
        assert graph_slice.state == expected, state
        assert (graph_slice.requested_at > long_ago) == (
            state in {"ready", "failed", "building", "none"}
        ), state
