"""The same works and people from several sources end up as one work and one researcher."""

import json

import pytest

from profiles.models import Researcher
from tests.conftest import DEMO_FEED, FIXTURES, run_command
from works.models import AttributionDecision, Authorship, Work

CROSS = FIXTURES / "cross"
PEERJ_DOI = "10.7717/peerj.4375"


def imported(*files) -> None:
    code, out, err = run_command("import", *files)
    assert code == 0, err


@pytest.mark.django_db
def test_a_reference_managers_export_adds_to_the_demo_without_duplicates():
    imported(DEMO_FEED)
    imported(CROSS / "lillicrap-scholar.bib")

    assert Work.objects.count() == 13
    lillicrap = Researcher.objects.get(slug="timothy-lillicrap")
    assert lillicrap.works_count == 13
    assert Researcher.objects.filter(match_key="lillicrap|t").count() == 1
    # "Peter Humphreys" (NeurIPS) is arXiv's "Peter C. Humphreys": same work, compatible name.
    assert Researcher.objects.filter(match_key="humphreys|p").count() == 1
    dreamer = Work.objects.identified_by("arxiv", "1912.01603").get()
    assert dreamer.sources == ["arxiv", "bibtex"]
    assert dreamer.is_corroborated
    assert dreamer.authorships.count() == 4


@pytest.mark.django_db
def test_a_preprint_and_its_published_version_are_one_work_with_two_versions():
    imported(DEMO_FEED, CROSS / "lillicrap-scholar.bib")

    # UAI 2022 prints the title in sentence case; no identifier is shared.
    equilibrium = Work.objects.identified_by("arxiv", "2202.12795").get()
    assert equilibrium.sources == ["arxiv", "bibtex"]
    assert equilibrium.kind == "article"  # the published version describes the work
    assert equilibrium.venue.name.startswith("Proceedings of the Thirty-Eighth Conference")
    assert sorted(r.source for r in equilibrium.source_records.all()) == ["arxiv", "bibtex"]
    weight = Work.objects.identified_by("arxiv", "1904.05391").get()
    assert weight.publication_year == 2019  # NeurIPS 2019; the preprint's v5 is from 2020
    assert weight.venue.name == "Advances in Neural Information Processing Systems 32"
    decision = AttributionDecision.objects.get(printed_name="Lillicrap, Timothy P.")
    assert decision.rule == AttributionDecision.Rule.SAME_WORK
    assert decision.researcher.slug == "timothy-lillicrap"


@pytest.mark.django_db
@pytest.mark.parametrize("order", ["openalex-first", "crossref-first"])
def test_openalex_and_crossref_records_of_one_article_make_one_work(order):
    files = [FIXTURES / "W2741809807.json", CROSS / "peerj.4375.crossref.json"]
    if order == "crossref-first":
        files.reverse()
    for path in files:
        imported(path)

    work = Work.objects.identified_by("doi", PEERJ_DOI).get()
    assert Work.objects.count() == 1
    assert sorted(work.sources) == ["crossref", "openalex"]
    assert work.primary_source == "crossref"  # the publisher's description
    assert work.byline_source == "openalex"  # the byline with author and institution ids
    assert Researcher.objects.count() == 9 == work.authorships.count()
    priem = Researcher.objects.get(orcid="0000-0001-6187-6610")
    assert priem.openalex_id == "A5023888391"
    assert sorted(priem.sources) == ["crossref", "openalex"]


@pytest.mark.django_db
@pytest.mark.parametrize("order", ["orcid-first", "openalex-first"])
def test_an_orcid_record_joins_the_person_on_the_openalex_byline(order):
    files = [FIXTURES / "W2741809807.json", CROSS / "priem.orcid.json"]
    if order == "orcid-first":
        files.reverse()
    for path in files:
        imported(path)

    assert Work.objects.count() == 1
    priem = Researcher.objects.get(orcid="0000-0001-6187-6610")
    assert Researcher.objects.filter(match_key="priem|j").count() == 1
    assert priem.display_name == "Jason Priem"
    assert priem.openalex_id == "A5023888391"
    assert priem.works_count == 1
    assert Authorship.objects.count() == 9


@pytest.mark.django_db
def test_people_whose_orcid_ids_conflict_are_never_merged(tmp_path):
    imported(FIXTURES / "W2741809807.json")
    message = json.loads((CROSS / "peerj.4375.crossref.json").read_text())
    priem = next(a for a in message["message"]["author"] if a["family"] == "Priem")
    priem["ORCID"] = "http://orcid.org/0000-0002-1825-0097"  # ORCID's own example iD
    path = tmp_path / "conflicting.json"
    path.write_text(json.dumps(message))

    imported(path)

    assert Researcher.objects.get(openalex_id="A5023888391").orcid == "0000-0001-6187-6610"
    assert not Researcher.objects.filter(orcid="0000-0002-1825-0097").exists()
    kept_apart = AttributionDecision.objects.get(rule=AttributionDecision.Rule.KEPT_APART)
    assert "differ" in kept_apart.detail


def bib(tmp_path, name: str, entries: str):
    path = tmp_path / name
    path.write_text(entries)
    return path


@pytest.mark.django_db
def test_a_name_variant_joins_only_with_a_shared_coauthor(tmp_path):
    imported(DEMO_FEED)
    alone = bib(
        tmp_path,
        "alone.bib",
        "@article{a, title={A note on planning}, "
        "author={Lillicrap, T.}, journal={Test Journal}, year={2023}}",
    )
    imported(alone)
    # No shared work, no shared coauthor: "T. Lillicrap" stays a record of its own.
    assert Researcher.objects.filter(match_key="lillicrap|t").count() == 2
    decision = AttributionDecision.objects.get(printed_name="Lillicrap, T.")
    assert decision.rule == AttributionDecision.Rule.KEPT_APART
    assert decision.other.slug == "timothy-lillicrap"

    together = bib(
        tmp_path,
        "together.bib",
        "@article{b, title={A note on world models}, "
        "author={Hafner, Danijar and Lillicrap, T. P.}, journal={Test Journal}, "
        "year={2023}}",
    )
    imported(together)
    lillicrap = Researcher.objects.get(slug="timothy-lillicrap")
    assert lillicrap.works_count == 14
    assert AttributionDecision.objects.filter(
        printed_name="Lillicrap, T. P.", rule=AttributionDecision.Rule.COAUTHOR
    ).exists()


@pytest.mark.django_db
def test_the_profile_and_work_pages_say_where_the_data_came_from(client):
    imported(DEMO_FEED, CROSS / "lillicrap-scholar.bib")
    profile = client.get("/researchers/timothy-lillicrap/").content.decode()
    assert "sources: arXiv, BibTeX" in profile
    assert "Corroborated" in profile
    dreamer = Work.objects.identified_by("arxiv", "1912.01603").get()
    page = client.get(dreamer.get_absolute_url()).content.decode()
    assert "Where this record came from" in page
    assert "arXiv</strong> 1912.01603" in page
    assert "BibTeX</strong> arxiv:1912.01603#hafner2019dream" in page
    assert "Corroborated by arXiv and BibTeX" in page
