"""Each source's real samples import with the counts written out, and a second run changes
nothing."""

from pathlib import Path

import pytest

from profiles.models import Researcher
from tests.conftest import DEMO_FEED, FIXTURES, run_command
from tests.snapshot import database_snapshot
from works.models import Authorship, Work

CROSSREF = sorted(p for p in (FIXTURES / "crossref").glob("*.json") if "not_found" not in p.name)
BIBTEX = sorted((FIXTURES / "bibtex").glob("*.bib"))
ORCID_CHAMBERLAIN = [
    FIXTURES / "orcid" / "0000-0003-1444-9135_person.json",
    FIXTURES / "orcid" / "0000-0003-1444-9135_works.json",
]
ORCID_WORK_IN_FULL = "0000-0002-0734-2199_work_77226586.json"
OPENALEX = [
    FIXTURES / "W2741809807.json",
    FIXTURES / "A5023888391.json",
    FIXTURES / "works_cursor_page_1.json",
]

# command, files, (works, researchers, authorships)
SAMPLES = {
    # 83 names; "Gregory Wayne" is arXiv's "Greg Wayne": compatible, with shared coauthors.
    "arxiv-demo": ("import_arxiv", [DEMO_FEED], (13, 82, 143)),
    "openalex": ("import_openalex", OPENALEX, (2, 11, 11)),
    # 31 works; one chapter is listed twice under two DOIs and becomes one work.
    "crossref": ("import_crossref", CROSSREF, (30, 79, 79)),
    # 111 ORCID work groups; figshare and Zenodo list each version of an item apart, and
    # versions with one title and year are one work.
    "orcid": ("import_orcid", ORCID_CHAMBERLAIN, (55, 1, 55)),
    "orcid-xml": ("import_orcid", [FIXTURES / "orcid" / "record-3.0.xml"], (1, 1, 1)),
    # A work in full: its four contributors are its byline, Kreutzer (the owner) by his iD.
    "orcid-work-in-full": ("import", [FIXTURES / "orcid" / ORCID_WORK_IN_FULL], (1, 4, 4)),
    # 83 entries; doi.org and both dblp exports are one chapter; dblp's @proceedings is only
    # a cross-reference target; the Distill bibliography lists one paper twice.
    "bibtex": ("import_bibtex", BIBTEX, (79, 250, 316)),
}


def counts() -> tuple[int, int, int]:
    return Work.objects.count(), Researcher.objects.count(), Authorship.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize("name", SAMPLES)
def test_each_sample_imports_with_the_expected_counts(name):
    command, files, expected = SAMPLES[name]
    code, out, err = run_command(command, *files)
    assert code == 0, err
    assert counts() == expected


@pytest.mark.django_db
@pytest.mark.parametrize("name", SAMPLES)
def test_importing_each_format_twice_changes_nothing(name):
    command, files, _ = SAMPLES[name]
    run_command(command, *files)
    before = database_snapshot()
    code, out, _ = run_command(command, *files)
    assert code == 0
    assert " 0 created, 0 updated" in out
    assert database_snapshot() == before


@pytest.mark.django_db
def test_one_command_tells_the_formats_apart_by_content(tmp_path):
    # Names that say nothing: the content decides.
    files = []
    for index, source in enumerate(
        [DEMO_FEED, FIXTURES / "W2741809807.json", CROSSREF[0], ORCID_CHAMBERLAIN[1], BIBTEX[0]]
    ):
        target = tmp_path / f"file{index}.data"
        target.write_bytes(Path(source).read_bytes())
        files.append(target)
    code, out, err = run_command("import", *files)
    assert code == 0, err
    sources = {source for row in Work.objects.values_list("sources", flat=True) for source in row}
    assert sources == {"arxiv", "openalex", "crossref", "orcid", "bibtex"}


@pytest.mark.django_db
def test_an_unknown_format_is_refused_clearly(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Just some notes about papers I liked.\n")
    code, _, err = run_command("import", path)
    assert code == 1
    assert "notes.txt: unknown format; expected one of: arXiv Atom feed, ORCID record" in err
    assert not Work.objects.exists()
