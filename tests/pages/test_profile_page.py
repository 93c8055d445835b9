import datetime
import random

import pytest
from django.db import connection
from django.urls import reverse

from profiles.models import Researcher
from tests.factories import AuthorshipFactory, ResearcherFactory, WorkFactory
from trust.services import researcher_refresh_stats
from works.importer import analyze_tables
from works.models import Authorship, Work, WorkIdentifier

MAX_ANONYMOUS_QUERIES = 8


def page_text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_the_demo_profile_shows_every_section_with_the_reference_words(client, demo):
    response = client.get("/researchers/timothy-lillicrap/")
    html = page_text(response)
    assert response.status_code == 200
    for words in [
        "Researcher profile",
        "Timothy Lillicrap",
        "Affiliation not imported",
        "Trust snapshot",
        "Quick read",
        f"Trust {demo.trust_score} - Emerging",
        "Verification L1",
        "Unclaimed author",
        "Actions",
        "Decide how to stay connected",
        "Follow researcher",
        "Identity and collaboration",
        "Log in to claim",
        "Direct collaboration",
        "Claim this author entity first to unlock direct invitations.",
        "Research graph",
        "Open full explorer",
        "Published work",
        "13 published item(s)",
        "Why this score",
        "sources: arXiv",
    ]:
        assert words in html, words
    assert "Open to collaborate" not in html
    assert "<strong>13</strong> works" in html
    assert "<strong>4</strong> topics" in html
    assert "<strong>0</strong> close collaborators" in html  # tests/graph/test_slices.py


@pytest.mark.django_db
def test_works_are_newest_first_with_authors_linked_to_their_pages(client, demo):
    response = client.get(demo.get_absolute_url())
    works = list(response.context["page"].object_list)
    # By the year each first appeared or was published; within a year, a work known only by
    # its year (MuZero: Nature, 2020) before the dated ones.
    keys = [(w.publication_year, w.publication_date or datetime.date.max) for w in works]
    assert keys == sorted(keys, reverse=True)
    assert works[0].title == "Intra-agent speech permits zero-shot task acquisition"
    assert works[-1].title == "Deep Learning without Weight Transport"
    html = page_text(response)
    assert 'href="/researchers/danijar-hafner/"' in html
    assert client.get("/researchers/danijar-hafner/").status_code == 200


@pytest.mark.django_db
def test_log_in_to_claim_and_follow_lead_to_the_login_page(client, demo):
    html = page_text(client.get(demo.get_absolute_url()))
    login = reverse("account_login") + "?next=/researchers/timothy-lillicrap/"
    assert f'href="{login}">Log in to claim</a>' in html
    assert f'href="{login}">Follow researcher' in html


@pytest.mark.django_db
def test_imported_text_is_escaped(client):
    work = WorkFactory(
        title="<b>Bold</b> claims",
        abstract='<script>alert("x")</script> and <img src=x onerror=alert(1)>',
    )
    author = AuthorshipFactory(work=work, position=0).researcher
    researcher_refresh_stats(researcher_ids=[author.id])
    html = page_text(client.get(author.get_absolute_url()))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt; claims" in html


@pytest.mark.django_db
def test_works_are_paginated_twenty_a_page(client):
    researcher = ResearcherFactory()
    for _ in range(45):
        AuthorshipFactory(researcher=researcher, position=0)
    researcher_refresh_stats(researcher_ids=[researcher.id])
    first = client.get(researcher.get_absolute_url())
    third = client.get(researcher.get_absolute_url() + "?page=3")
    assert len(first.context["page"].object_list) == 20
    assert len(third.context["page"].object_list) == 5
    assert "Page 1 of 3" in page_text(first)
    seen = {
        w.id
        for p in (1, 2, 3)
        for w in client.get(f"{researcher.get_absolute_url()}?page={p}").context["page"].object_list
    }
    assert len(seen) == 45
    assert client.get(researcher.get_absolute_url() + "?page=junk").status_code == 200


@pytest.mark.django_db
def test_an_unknown_researcher_is_404(client):
    assert client.get("/researchers/nobody-here/").status_code == 404


def make_big_researcher(works: int, coauthors: int) -> Researcher:
    """A researcher with many works and coauthors, written in bulk."""
    rng = random.Random(7)
    researcher = ResearcherFactory(display_name="Big Researcher")
    others = Researcher.objects.bulk_create(
        [
            Researcher(display_name=f"Coauthor {i}", name_key=f"coauthor {i}", slug=f"coauthor-{i}")
            for i in range(coauthors)
        ]
    )
    start = datetime.date(2000, 1, 1)
    batch = Work.objects.bulk_create(
        [
            Work(
                title=f"Work {i}",
                kind="article",
                publication_date=start + datetime.timedelta(days=i),
                publication_year=(start + datetime.timedelta(days=i)).year,
                authors_count=4,
            )
            for i in range(works)
        ]
    )
    WorkIdentifier.objects.bulk_create(
        [
            WorkIdentifier(work=w, scheme="doi", value=f"10.1234/big.{i}")
            for i, w in enumerate(batch)
        ]
    )
    rows = []
    for work in batch:
        rows.append(Authorship(work=work, researcher=researcher, position=0, printed_name="B. R."))
        for position, other in enumerate(rng.sample(others, 3), start=1):
            rows.append(
                Authorship(
                    work=work, researcher=other, position=position, printed_name=other.display_name
                )
            )
    Authorship.objects.bulk_create(rows)
    analyze_tables()  # as an import of this size does: the planner then knows the tables
    researcher_refresh_stats(researcher_ids=[researcher.id])
    researcher.refresh_from_db()
    return researcher


def count_queries(client, url) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_page_takes_the_same_few_queries_for_13_works_and_for_5000(
    client, demo, django_assert_max_num_queries
):
    big = make_big_researcher(works=5000, coauthors=500)
    assert big.works_count == 5000
    small_count = count_queries(client, demo.get_absolute_url())
    big_count = count_queries(client, big.get_absolute_url())
    assert small_count == big_count
    with django_assert_max_num_queries(MAX_ANONYMOUS_QUERIES):
        client.get(big.get_absolute_url() + "?page=7")
    with django_assert_max_num_queries(MAX_ANONYMOUS_QUERIES):
        client.get(demo.get_absolute_url())


@pytest.mark.django_db
def test_a_signed_in_visitor_adds_a_constant_few_queries(
    client, demo, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    with django_assert_max_num_queries(MAX_ANONYMOUS_QUERIES + 3):
        response = client.get(demo.get_absolute_url())
    assert "Claim this record" in page_text(response)


@pytest.mark.django_db
def test_orcid_and_openalex_addresses_redirect_to_the_profile(client):
    researcher = ResearcherFactory(orcid="0000-0001-6187-6610", openalex_id="A5023888391")
    url = researcher.get_absolute_url()
    assert client.get("/orcid/0000-0001-6187-6610").url == url
    assert client.get("/openalex/A5023888391").url == url
    assert client.get("/openalex/a5023888391").url == url
    assert client.get("/orcid/0000-0002-1825-0097").status_code == 404
    assert client.get("/orcid/not-an-orcid").status_code == 404
    assert client.get("/openalex/W2741809807").status_code == 404
