"""A researcher's works and each work leave as BibTeX, RIS and CSL-JSON that reference
managers read back field for field, by file or by content negotiation; a formatted citation
on each work page."""

import json

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts

from bzpeer.lib.names import person_name
from profiles.models import Researcher
from tests.conftest import run_command
from tests.factories import AuthorshipFactory, ResearcherFactory, WorkFactory
from works.models import Authorship, Work
from works.sources.latex import latex_to_unicode

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def demo_works(demo) -> list[Work]:
    return list(
        Work.objects.by_researcher(demo)
        .newest_first()
        .prefetch_related("identifiers", "authorships")
    )


def byline(work: Work) -> list[str]:
    return [a.printed_name for a in sorted(work.authorships.all(), key=lambda a: a.position)]


def full(name: str) -> str:
    """A byline entry's person as printed, without a team prefix."""
    return person_name(name)


def ris_name(name: str) -> str:
    family, _, given = name.partition(", ")
    return f"{given} {family}".strip()


def read_bibtex(text: str):
    return bibtexparser.parse_string(
        text,
        append_middleware=[LatexDecodingMiddleware(), SeparateCoAuthors(), SplitNameParts()],
    )


@pytest.mark.django_db
def test_the_demo_works_export_as_13_entries_that_bibtexparser_and_rispy_read_back(client, demo):
    works = demo_works(demo)
    assert len(works) == 13
    bib = client.get(f"/researchers/{demo.slug}/works.bib")
    assert bib["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert 'filename="timothy-lillicrap-works.bib"' in bib["Content-Disposition"]
    library = read_bibtex(b"".join(bib.streaming_content).decode())
    assert not library.failed_blocks
    assert len(library.entries) == 13
    assert len({e.key for e in library.entries}) == 13

    ris = rispy.loads(b"".join(client.get(f"/researchers/{demo.slug}/works.ris")).decode())
    csl = json.loads(b"".join(client.get(f"/researchers/{demo.slug}/works.json")))
    assert len(ris) == len(csl) == 13

    for work, entry, record, item in zip(works, library.entries, ris, csl, strict=True):
        printed = byline(work)
        assert entry["title"] == record["title"] == item["title"] == work.title
        assert entry["year"] == record["year"] == str(work.publication_year)
        assert item["issued"]["date-parts"][0][0] == work.publication_year
        names = [full(p) for p in printed]
        assert [" ".join(n.first + n.von + n.last) for n in entry["author"]] == names
        assert [ris_name(a) for a in record["authors"]] == names
        assert [f"{a['given']} {a['family']}" for a in item["author"]] == names
        assert entry["eprint"] == work.arxiv_id
        assert f"https://arxiv.org/abs/{work.arxiv_id}" in record["urls"]
        if work.dois:
            assert entry["doi"] == record["doi"] == item["DOI"] == work.dois[0]
        assert entry.key == record["id"] == item["id"]


@pytest.mark.django_db
def test_reimporting_the_bibtex_export_changes_nothing(client, demo, tmp_path):
    before = {
        w.public_id: (w.title, w.publication_year, w.kind, byline(w)) for w in demo_works(demo)
    }
    counts = (Work.objects.count(), Researcher.objects.count(), Authorship.objects.count())
    export = tmp_path / "export.bib"
    export.write_bytes(b"".join(client.get(f"/researchers/{demo.slug}/works.bib")))

    code, out, err = run_command("import", export)

    assert code == 0, err
    assert (Work.objects.count(), Researcher.objects.count(), Authorship.objects.count()) == counts
    after = {
        w.public_id: (w.title, w.publication_year, w.kind, byline(w)) for w in demo_works(demo)
    }
    assert after == before


@pytest.mark.django_db
def test_special_characters_survive_the_round_trip_and_the_html_citation_is_escaped(client):
    title = r"Q&A: 50% of $x_1$ for #1 {braces} ~ ^ \ <script>alert(1)</script>"
    work = WorkFactory(title=title, publication_year=2021)
    AuthorshipFactory(work=work, position=0, printed_name="Ada O'Brien-Lovelace")
    AuthorshipFactory(work=work, position=1, printed_name="Ludwig van Beethoven")

    bib = b"".join(client.get(f"/works/{work.public_id}/cite.bib")).decode()
    # Read by bibtexparser, decoded by BZPEER's importer (pylatexenc reads \textasciicircum
    # as a modifier letter, not the caret).
    raw = bibtexparser.parse_string(bib).entries[0]
    assert latex_to_unicode(raw["title"]) == title
    entry = read_bibtex(bib).entries[0]
    assert entry["title"] == title.replace("^", "\u02c6")
    assert [(n.first, n.von, n.last) for n in entry["author"]] == [
        (["Ada"], [], ["O'Brien-Lovelace"]),
        (["Ludwig"], ["van"], ["Beethoven"]),
    ]
    ris = rispy.loads(b"".join(client.get(f"/works/{work.public_id}/cite.ris")).decode())
    assert ris[0]["authors"] == ["O'Brien-Lovelace, Ada", "van Beethoven, Ludwig"]

    page = client.get(work.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    cite = page[page.index('id="cite"') :]
    assert "O’Brien-Lovelace, A." in cite or "O'Brien-Lovelace, A." in cite
    assert "&lt;script&gt;" in cite and "Q&amp;A" in cite


@pytest.mark.django_db
def test_keys_are_stable_and_unique(client):
    first = WorkFactory(title="World Models", publication_year=2018)
    second = WorkFactory(title="World Models", publication_year=2018)
    for work in (first, second):
        AuthorshipFactory(work=work, position=0, printed_name="David Ha")

    def key(work):
        return json.loads(b"".join(client.get(f"/works/{work.public_id}/cite.json")))[0]["id"]

    assert key(first) != key(second)
    assert key(first) == key(first)
    assert key(first).startswith("Ha2018World_")


@pytest.mark.django_db
def test_the_page_urls_answer_in_the_format_the_accept_header_asks_for(client, demo):
    work = demo_works(demo)[0]
    bib = client.get(demo.get_absolute_url(), HTTP_ACCEPT="application/x-bibtex")
    assert bib["Content-Type"].startswith("application/x-bibtex")
    assert b"".join(bib.streaming_content).decode().count("\n@") + 1 == 13
    ris = client.get(work.get_absolute_url(), HTTP_ACCEPT="application/x-research-info-systems")
    assert rispy.loads(b"".join(ris).decode())[0]["title"] == work.title
    csl = client.get(work.get_absolute_url(), HTTP_ACCEPT="application/vnd.citationstyles.csl+json")
    assert json.loads(b"".join(csl))[0]["title"] == work.title
    ld = client.get(work.get_absolute_url(), HTTP_ACCEPT="application/ld+json")
    assert ld["Content-Type"] == "application/ld+json"
    assert json.loads(ld.content)["@type"] == "ScholarlyArticle"

    page = client.get(work.get_absolute_url(), HTTP_ACCEPT=BROWSER_ACCEPT)
    assert page["Content-Type"].startswith("text/html")
    assert "Accept" in page["Vary"]
    assert client.get(demo.get_absolute_url(), HTTP_ACCEPT="*/*")["Content-Type"].startswith(
        "text/html"
    )
    assert client.get(f"/works/{work.public_id}/cite.pdf").status_code == 404
    assert client.get("/researchers/nobody/works.bib").status_code == 404


@pytest.mark.django_db
def test_each_work_page_shows_an_apa_and_a_chicago_citation_and_download_links(client, demo):
    work = Work.objects.identified_by("arxiv", "1912.01603").get()
    page = client.get(work.get_absolute_url()).content.decode()
    cite = page[page.index('id="cite"') :]
    year = work.publication_year
    apa = f"Hafner, D., Lillicrap, T., Ba, J., &amp; Norouzi, M. ({year}). <i>Dream to Control"
    assert apa in cite
    assert "(ArXiv:1912.01603). arXiv. https://arxiv.org/abs/1912.01603" in cite
    chicago = f"Hafner, D., T. Lillicrap, J. Ba, and M. Norouzi. {year}. “Dream to Control"
    assert chicago in cite
    for ext in ("bib", "ris", "json"):
        assert f"/works/{work.public_id}/cite.{ext}" in cite
    profile = client.get(demo.get_absolute_url()).content.decode()
    assert f"/researchers/{demo.slug}/works.bib" in profile
    assert f"{work.get_absolute_url()}#cite" in profile


@pytest.mark.django_db
def test_an_export_costs_the_same_few_queries_for_3_works_and_for_1200(
    client, django_assert_max_num_queries
):
    small, big = ResearcherFactory(), ResearcherFactory()
    for researcher, count in ((small, 3), (big, 1200)):
        works = Work.objects.bulk_create(
            [Work(title=f"Work {i}", title_key=f"work {i}") for i in range(count)]
        )
        Authorship.objects.bulk_create(
            [
                Authorship(work=w, researcher=researcher, position=0, printed_name="A. B.")
                for w in works
            ]
        )
    with django_assert_max_num_queries(5):
        assert len(b"".join(client.get(f"/researchers/{small.slug}/works.ris"))) > 0
    # 1,200 works are read in three chunks of 500: three queries a chunk.
    with django_assert_max_num_queries(11):
        text = b"".join(client.get(f"/researchers/{big.slug}/works.ris")).decode()
    assert len(rispy.loads(text)) == 1200
