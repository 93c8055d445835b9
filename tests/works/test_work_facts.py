"""What a work is: the year it first appeared, the venue it was published in, its topics."""

import json

import pytest

from tests.conftest import FIXTURES, run_command
from works.models import Work

ATARI = "2010.02193"  # "Mastering Atari with Discrete World Models": v1 2020-10-05, v4 2022
MUZERO = "1911.08265"  # v1 2019, v2 2020; Nature 588(7839):604–609, 2020


def work(arxiv_id: str) -> Work:
    return Work.objects.identified_by("arxiv", arxiv_id).select_related("venue").get()


@pytest.mark.django_db
def test_it_lists_a_preprint_by_its_first_version_and_keeps_the_last_revision(demo):
    atari = work(ATARI)
    assert atari.publication_year == 2020
    assert str(atari.first_posted) == "2020-10-05"
    assert (atari.arxiv_version, str(atari.last_revised)) == (4, "2022-02-12")
    listed = list(Work.objects.by_researcher(demo).newest_first().values_list("title", flat=True))
    # Dated by their first versions, the two 2022 revisions of 2020 and 2021 works sort
    # after the works first posted in 2022.
    assert listed.index(atari.title) > listed.index("Retrieval-Augmented Reinforcement Learning")
    assert sorted(Work.objects.values_list("publication_year", flat=True)) == [
        *[2019] * 3,
        *[2020] * 4,
        *[2021] * 2,
        *[2022] * 4,
    ]


@pytest.mark.django_db
def test_a_preprint_with_a_journal_reference_is_the_article_in_that_journal(demo):
    muzero = work(MUZERO)
    assert muzero.kind == "article"
    assert muzero.venue.name == "Nature"
    assert muzero.publication_year == 2020
    assert muzero.dois == ["10.1038/s41586-020-03051-4"]
    assert (str(muzero.first_posted), muzero.arxiv_version) == ("2019-11-19", 2)


@pytest.mark.django_db
def test_an_openalex_work_merged_with_its_preprint_shows_the_journal(tmp_path):
    payload = json.loads((FIXTURES / "W2741809807.json").read_text())
    # OpenAlex merges a preprint into its published work and at times makes the preprint's
    # repository copy the primary location: here the record's own submitted version.
    preprint = next(x for x in payload["locations"] if x["version"] == "submittedVersion")
    payload["primary_location"] = preprint
    path = tmp_path / "W2741809807.json"
    path.write_text(json.dumps(payload))

    code, _, err = run_command("import", path)

    assert code == 0, err
    article = Work.objects.identified_by("doi", "10.7717/peerj.4375").select_related("venue").get()
    assert (article.kind, article.venue.name) == ("article", "PeerJ")


@pytest.mark.django_db
def test_a_topic_name_two_categories_share_is_listed_and_counted_once(demo):
    assert demo.top_topics.count("Machine Learning") == 1
    assert demo.topics_count == 4  # cs.LG and stat.ML are both "Machine Learning"


@pytest.mark.django_db
def test_the_pages_show_first_years_published_venues_and_topics_once(client, demo):
    profile = client.get(demo.get_absolute_url()).content.decode()
    assert "<strong>4</strong> topics" in profile
    demo.refresh_from_db()
    assert demo.summary_line.count("Machine Learning") == 1
    assert demo.summary_line in profile
    assert profile.count("<li>Machine Learning (") == 1  # the research graph's topics
    atari = client.get(work(ATARI).get_absolute_url()).content.decode()
    assert '<span class="chip">2020</span>' in atari
    assert '<span class="chip">2022</span>' not in atari
    assert "v4, 2022" in atari
    muzero = client.get(work(MUZERO).get_absolute_url()).content.decode()
    assert '<span class="chip">article</span>' in muzero
    assert '<span class="chip">Nature</span>' in muzero
    assert "arXiv v1 19 Nov 2019" in muzero
    equilibrium = client.get(work("2202.12795").get_absolute_url()).content.decode()
    assert equilibrium.count('<span class="chip">Machine Learning</span>') == 1
    for page in (profile, atari, muzero):
        assert "preprint · arXiv" not in page
