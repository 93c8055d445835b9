import re

import pytest

from profiles.models import Researcher
from tests.conftest import DEMO_FEED, run_command
from tests.snapshot import database_snapshot
from works.models import Authorship, Topic, Work
from works.sources.latex import latex_in_prose

# The demo's facts (shared/reference/demo-works.md): arXiv id -> number of authors.
DEMO_AUTHOR_COUNTS = {
    "2112.03763": 24,
    "2202.12795": 3,
    "2205.13274": 15,
    "2206.03139": 10,
    "2010.02193": 4,
    "2202.08417": 16,
    "2102.03406": 5,
    "2012.05672": 29,
    "1904.05391": 5,
    "2006.12983": 11,
    "1912.01603": 4,
    "1912.00953": 5,
    "1911.08265": 12,
}


def run_import(*paths):
    return run_command("import_arxiv", *paths)


def reference_works(fixture_path):
    """(title, abstract) pairs as the reference profile page shows them."""
    lines = fixture_path("reference-profile-page.txt").read_text().split("\n")
    works = []
    for index, line in enumerate(lines):
        if re.fullmatch(r"preprint\d{4}arXiv", line.strip()):
            body = [x for x in lines[index + 1 : index + 6] if x.strip()]
            works.append((body[0], body[1]))
    return works


@pytest.mark.django_db
def test_the_demo_feed_imports_13_works_with_their_ordered_authors(demo):
    assert Work.objects.count() == 13
    assert demo.works_count == 13
    for arxiv_id, count in DEMO_AUTHOR_COUNTS.items():
        work = Work.objects.identified_by("arxiv", arxiv_id).get()
        assert work.authorships.count() == count == work.authors_count
    dreamer = Work.objects.identified_by("arxiv", "1912.01603").get()
    assert [a.printed_name for a in dreamer.authorships.order_by("position")] == [
        "Danijar Hafner",
        "Timothy Lillicrap",
        "Jimmy Ba",
        "Mohammad Norouzi",
    ]


@pytest.mark.django_db
def test_the_demo_has_the_reference_pages_titles_and_abstracts(demo, fixture_path):
    expected = reference_works(fixture_path)
    assert len(expected) == 13
    stored = dict(Work.objects.values_list("title", "abstract"))
    # The reference page prints the feed's LaTeX raw; the work keeps its text (issue 15).
    for title, abstract in expected:
        assert stored[latex_in_prose(title)] == latex_in_prose(abstract)


@pytest.mark.django_db
def test_it_keeps_versions_dates_dois_and_journal_refs(demo):
    muzero = Work.objects.identified_by("arxiv", "1911.08265").get()
    assert muzero.arxiv_version == 2
    assert str(muzero.first_posted) == "2019-11-19"
    assert str(muzero.last_revised) == "2020-02-21"
    assert muzero.dois == ["10.1038/s41586-020-03051-4"]
    assert muzero.arxiv_id == "1911.08265"
    assert muzero.journal_ref.startswith("Nature 588")
    # Its journal reference makes it the Nature article, of 2020, with no day known.
    assert (muzero.kind, muzero.venue.name, muzero.publication_year) == ("article", "Nature", 2020)
    assert muzero.publication_date is None
    assert muzero.sources == ["arxiv"]


@pytest.mark.django_db
def test_categories_become_topics_with_their_arxiv_names(demo):
    codes = set(
        Topic.objects.filter(works__authorships__researcher=demo).values_list("code", flat=True)
    )
    assert codes == {"cs.LG", "cs.AI", "stat.ML", "cs.CL", "cs.RO"}
    assert Topic.objects.get(code="cs.RO").name == "Robotics"
    # cs.LG and stat.ML are both "Machine Learning": one topic to a reader.
    assert demo.topics_count == 4


@pytest.mark.django_db
def test_every_coauthor_gets_a_page_of_their_own(demo):
    abramson = Researcher.objects.get(slug="josh-abramson")
    # "DeepMind Interactive Agents Team: Josh Abramson" is the same person, printed differently.
    assert abramson.works_count == 4
    printed = Authorship.objects.get(work__identifiers__value="2112.03763", position=0).printed_name
    assert printed == "DeepMind Interactive Agents Team: Josh Abramson"
    assert Researcher.objects.filter(slug="peter-c-humphreys").get().works_count == 3
    # "Gregory Wayne" on 2206.03139 shares coauthors with arXiv's "Greg Wayne": one person.
    wayne = Researcher.objects.get(slug="greg-wayne")
    assert wayne.works_count == 4
    assert not Researcher.objects.filter(slug="gregory-wayne").exists()
    assert demo.sources == ["arxiv"]
    assert demo.institution is None


@pytest.mark.django_db
def test_importing_the_demo_twice_changes_nothing(demo):
    before = database_snapshot()
    code, out, _ = run_import(DEMO_FEED)
    assert code == 0
    assert "0 created, 0 updated, 13 unchanged, 0 skipped" in out
    assert database_snapshot() == before


@pytest.mark.django_db
def test_a_malformed_entry_is_named_and_the_rest_imports(tmp_path):
    text = DEMO_FEED.read_text()
    # Break the third entry's XML: an unclosed <title>.
    entries = [m.start() for m in re.finditer(r"<entry>", text)]
    third = text.index("</title>", entries[2])
    broken = text[:third] + text[third + len("</title>") :]
    bad_line = text.count("\n", 0, entries[2]) + 1
    path = tmp_path / "broken.atom.xml"
    path.write_text(broken)

    code, out, err = run_import(path)

    assert code == 1
    assert f"broken.atom.xml entry 3 (line {bad_line})" in err
    assert "malformed XML" in err
    assert Work.objects.count() == 12
    assert "12 created, 0 updated, 0 unchanged, 1 skipped" in out


@pytest.mark.django_db
def test_a_truncated_feed_keeps_the_complete_entries(tmp_path):
    text = DEMO_FEED.read_text()
    cut = text.index("<entry>", text.index("</entry>")) + 200  # inside the second entry
    path = tmp_path / "truncated.atom.xml"
    path.write_text(text[:cut])

    code, _, err = run_import(path)

    assert code == 1
    assert "truncated.atom.xml entry 2" in err and "not closed" in err
    assert Work.objects.count() == 1


@pytest.mark.django_db
def test_an_entry_without_authors_is_skipped_whole(tmp_path):
    text = DEMO_FEED.read_text()
    first = text.index("<entry>")
    end = text.index("</entry>", first)
    entry = re.sub(r"<author>.*?</author>", "", text[first:end], flags=re.S)
    path = tmp_path / "authorless.atom.xml"
    path.write_text(text[:first] + entry + text[end:])

    code, _, err = run_import(path)

    assert code == 1
    assert "no authors" in err
    assert Work.objects.count() == 12
    assert not Work.objects.identified_by("arxiv", "2205.13274").exists()


@pytest.mark.django_db
def test_the_arxiv_api_error_feed_is_reported(fixture_path):
    code, _, err = run_import(fixture_path("arxiv_error_400.json"))
    assert code == 1
    assert "arXiv API error: incorrect id format for abc" in err
    assert Work.objects.count() == 0


@pytest.mark.django_db
def test_a_file_of_another_format_is_refused_clearly(fixture_path):
    code, _, err = run_import(fixture_path("W2741809807.json"))
    assert code == 1
    assert "W2741809807.json: not an arXiv Atom feed" in err
    assert Work.objects.count() == 0


@pytest.mark.django_db
def test_it_reads_real_feeds_old_ids_and_wrapped_lines(fixture_path):
    code, out, _ = run_import(
        fixture_path("search_au_del_maestro.atom.xml"),
        fixture_path("id_list_1111.2011v2.atom.xml"),
        fixture_path("arxiv_astro-ph_0601001.json"),
    )
    assert code == 0, out
    work = Work.objects.identified_by("arxiv", "1111.2011").get()
    assert work.title == (
        "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    )
    assert work.dois == ["10.1103/physrevb.85.115117"]
    assert work.journal_ref == "Phys. Rev. B 85, 115117 (2012)"
    assert "\n" not in work.abstract
    assert Work.objects.identified_by("arxiv", "cond-mat/0412498").exists()
    assert Work.objects.identified_by("arxiv", "astro-ph/0601001").exists()
    del_maestro = Researcher.objects.get(display_name="Adrian Del Maestro")
    # Six entries print "Adrian Del Maestro", and 1111.2011 does too; exact name matching
    # leaves the initials-only "A. Del Maestro" as a separate record.
    assert del_maestro.works_count == 7


@pytest.mark.django_db
def test_it_reads_gzipped_feeds(tmp_path):
    import gzip

    path = tmp_path / "demo.atom.xml.gz"
    path.write_bytes(gzip.compress(DEMO_FEED.read_bytes()))
    code, _, _ = run_import(path)
    assert code == 0
    assert Work.objects.count() == 13


@pytest.mark.django_db
def test_latex_in_an_abstract_shows_as_text_on_the_work_page(fixture_path, client):
    assert run_import(fixture_path("search_au_del_maestro.atom.xml"))[0] == 0
    work = Work.objects.get(abstract__contains="function interacting bosons")
    assert "model of δ-function interacting bosons" in work.abstract
    page = client.get(work.get_absolute_url()).content.decode()
    assert "δ-function interacting bosons" in page and "$\\delta$" not in page
