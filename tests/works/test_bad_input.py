"""Every importer names the file and record it cannot read, skips it whole, keeps the rest."""

import gzip
import json

import pytest

from profiles.models import Researcher
from tests.conftest import FIXTURES, run_command
from works.models import Authorship, SourceRecord, Work

CROSSREF_WORK = FIXTURES / "crossref" / "work_10.1371_journal.pone.0033693.json"
ORCID_WORKS = FIXTURES / "orcid" / "0000-0003-1444-9135_works.json"
ORCID_XML = FIXTURES / "orcid" / "record-3.0.xml"
BIBTEX = FIXTURES / "bibtex" / "distill_feature-wise-transformations_bibliography.bib"


def nothing_stored() -> bool:
    return not (
        Work.objects.exists()
        or Researcher.objects.exists()
        or Authorship.objects.exists()
        or SourceRecord.objects.exists()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("command", "source"),
    [
        ("import_crossref", CROSSREF_WORK),
        ("import_orcid", ORCID_WORKS),
        ("import_orcid", ORCID_XML),
        ("import_bibtex", BIBTEX),
        ("import_openalex", FIXTURES / "W2741809807.json"),
        ("import_arxiv", FIXTURES / "search_au_del_maestro.atom.xml"),
    ],
)
def test_a_file_cut_short_is_reported_and_its_complete_records_alone_go_in(
    command, source, tmp_path
):
    text = source.read_text()
    path = tmp_path / f"cut-{source.name}"
    path.write_text(text[: len(text) * 2 // 3])

    code, _, err = run_command(command, path)

    assert code == 1
    assert f"cut-{source.name}" in err
    # Whatever went in is whole: every work has its byline and its source record.
    for work in Work.objects.all():
        assert work.authorships.count() == work.authors_count
        assert work.source_records.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("command", "wrong"),
    [
        ("import_crossref", FIXTURES / "W2741809807.json"),
        ("import_orcid", CROSSREF_WORK),
        ("import_bibtex", FIXTURES / "W2741809807.json"),
        ("import_openalex", BIBTEX),
        ("import_arxiv", ORCID_XML),
    ],
)
def test_a_file_of_the_wrong_format_is_refused_and_nothing_is_stored(command, wrong):
    code, _, err = run_command(command, wrong)
    assert code == 1
    assert wrong.name in err
    assert nothing_stored()


@pytest.mark.django_db
def test_a_crossref_work_without_a_title_is_skipped_whole(tmp_path):
    message = json.loads(CROSSREF_WORK.read_text())
    message["message"]["title"] = []
    path = tmp_path / "untitled.json"
    path.write_text(json.dumps(message))
    code, _, err = run_command("import_crossref", path)
    assert code == 1
    assert "untitled.json" in err and "has no title" in err
    assert nothing_stored()


@pytest.mark.django_db
def test_malformed_orcid_xml_names_the_file_and_line(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text(ORCID_XML.read_text().replace("</common:title>", "", 1))
    code, _, err = run_command("import_orcid", path)
    assert code == 1
    assert "broken.xml" in err and "line" in err
    assert nothing_stored()


@pytest.mark.django_db
def test_a_bibtex_entry_missing_its_authors_is_named_and_the_rest_goes_in(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(
        "@article{good, title={Good entry}, author={Doe, Jane}, journal={J}, year={2020}}\n"
        "@article{nobody, title={Entry without authors}, journal={J}, year={2020}}\n"
        "@article{also, title={Another good entry}, author={Roe, Rich}, journal={J}, "
        "year={2021}}\n"
    )
    code, out, err = run_command("import_bibtex", path)
    assert code == 1
    assert "refs.bib entry 2 'nobody'" in err
    assert "2 created, 0 updated, 0 unchanged, 1 skipped" in out
    assert set(Work.objects.values_list("title", flat=True)) == {
        "Good entry",
        "Another good entry",
    }


@pytest.mark.django_db
def test_a_truncated_gzip_file_is_reported(tmp_path):
    data = gzip.compress(CROSSREF_WORK.read_bytes())
    path = tmp_path / "cut.json.gz"
    path.write_bytes(data[: len(data) // 2])
    code, _, err = run_command("import", path)
    assert code == 1
    assert "cut.json.gz" in err
    assert nothing_stored()
