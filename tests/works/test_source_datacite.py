"""DataCite REST API answers (recorded ones in tests/fixtures/datacite) read as work records:
title, creators with their ORCID iDs and affiliations, year, date, kind, abstract, venue, and
the arXiv ID of a DOI that is an arXiv article, so it is one work with arXiv's own record."""

import copy
import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_command
from works.models import Authorship, Work
from works.sources import datacite, formats
from works.sources.files import FileFormatError

ARXIV = FIXTURES / "datacite" / "10.48550_arxiv.2311.16162.json"
ZENODO = FIXTURES / "datacite" / "10.5281_zenodo.1196821.json"
LIPICS = FIXTURES / "datacite" / "10.4230_lipics.tqc.2013.93.json"


def answer(path: Path) -> dict:
    return json.loads(path.read_text())


def record_of(document: dict):
    (item,) = datacite.doi_items(document, "answer")
    assert item.error is None, item.error
    return item.record


@pytest.mark.parametrize(
    ("path", "doi", "arxiv_id", "kind", "authors"),
    [
        (ARXIV, None, "2311.16162", "preprint", 10),
        (ZENODO, "10.5281/zenodo.1196821", None, "dataset", 6),
        (LIPICS, "10.4230/lipics.tqc.2013.93", None, "article", 1),
    ],
)
def test_every_answer_is_read_with_its_identifiers_kind_and_authors(
    path, doi, arxiv_id, kind, authors
):
    (item,) = datacite.read(path)
    assert item.location == path.name
    record = item.record
    assert (record.source, record.doi, record.arxiv_id, record.kind) == (
        "datacite",
        doi,
        arxiv_id,
        kind,
    )
    assert len(record.authors) == authors
    assert record.external_id == answer(path)["data"]["id"].lower()
    assert record.content_hash


def test_an_arxiv_doi_reads_as_arxivs_own_feed_does():
    record = record_of(answer(ARXIV))
    assert record.title == (
        "Leveraging Artificial Intelligence Technology for Mapping Research to Sustainable "
        "Development Goals: A Case Study"
    )
    assert (record.publication_year, record.publication_date) == (2023, None)  # "2023" alone
    assert str(record.first_posted) == "2023-11-09"  # v1's Submitted date
    assert (record.venue.name, record.venue.kind) == ("arXiv", "repository")
    assert [(t.scheme, t.code, t.name) for t in record.topics] == [
        ("arxiv", "cs.DL", "Digital Libraries"),
        ("arxiv", "cs.AI", "Artificial Intelligence"),
        ("arxiv", "cs.CL", "Computation and Language"),
    ]
    assert [a.printed_name for a in record.authors][:3] == [
        "Hui Yin",
        "Amir Aryani",
        "Gavin Lambert",
    ]
    assert record.authors[-1].printed_name == "Wing Wah Tham"
    assert record.abstract.startswith("The number of publications related to the Sustainable")


def test_creators_keep_their_orcid_ids_and_affiliations():
    record = record_of(answer(ZENODO))
    staib = record.authors[0]
    assert (staib.printed_name, staib.display_name, staib.orcid) == (
        "Matthias Staib",
        "Matthias Staib",
        "0000-0001-9688-838X",
    )
    assert [i.name for i in staib.institutions] == ["University of Zurich, Zurich, Switzerland"]
    assert [a.orcid is not None for a in record.authors] == [True, False, True, True, False, True]
    assert str(record.publication_date) == "2018-03-14"  # the Issued date, in full
    assert (record.venue.name, record.venue.kind) == ("Zenodo", "")
    assert record.topics == ()  # Zenodo's keywords are not a scheme BZPEER shows


def test_a_series_container_is_the_venue():
    record = record_of(answer(LIPICS))
    assert record.venue.name == "LIPIcs, Volume 22, TQC 2013"
    assert record.authors[0].printed_name == "Nathaniel Johnston"


def test_an_arxiv_id_related_as_the_same_work_is_taken_but_not_one_it_only_cites():
    document = answer(LIPICS)
    related = document["data"]["attributes"]["relatedIdentifiers"]
    related.append(
        {
            "relationType": "Cites",
            "relatedIdentifier": "arXiv:0706.0001",
            "relatedIdentifierType": "arXiv",
        }
    )
    assert record_of(document).arxiv_id is None
    related.append(
        {
            "relationType": "HasPreprint",
            "relatedIdentifier": "https://arxiv.org/abs/1309.0766v2",
            "relatedIdentifierType": "URL",
        }
    )
    record = record_of(document)
    assert (record.doi, record.arxiv_id) == ("10.4230/lipics.tqc.2013.93", "1309.0766")


def test_a_person_without_name_parts_is_turned_round_and_an_organisation_kept_whole():
    document = answer(LIPICS)
    document["data"]["attributes"]["creators"] = [
        {"name": "Johnston, Nathaniel", "nameType": "Personal", "nameIdentifiers": []},
        {"name": "Schloss Dagstuhl, Leibniz-Zentrum", "nameType": "Organizational"},
    ]
    assert [a.printed_name for a in record_of(document).authors] == [
        "Nathaniel Johnston",
        "Schloss Dagstuhl, Leibniz-Zentrum",
    ]
    document["data"]["attributes"]["creators"] = [{"name": " ", "nameType": "Personal"}]
    (item,) = datacite.doi_items(document, "answer")
    assert str(item.error) == "DOI 10.4230/lipics.tqc.2013.93: creator 1 has no name"


@pytest.mark.parametrize(
    ("types", "kind"),
    [
        ({"resourceTypeGeneral": "JournalArticle"}, "article"),
        ({"resourceTypeGeneral": "ConferencePaper"}, "article"),
        ({"resourceTypeGeneral": "Preprint", "resourceType": "Article"}, "preprint"),
        ({"resourceTypeGeneral": "BookChapter"}, "book-chapter"),
        ({"resourceTypeGeneral": "Dissertation"}, "dissertation"),
        ({"resourceTypeGeneral": "Text", "resourceType": "Preprint"}, "preprint"),
        ({"resourceTypeGeneral": "Text", "resourceType": "Species information"}, "other"),
        ({"resourceTypeGeneral": "Software"}, "other"),
        ({}, "other"),
    ],
)
def test_resource_types_map_to_bzpeer_kinds(types, kind):
    assert datacite.datacite_kind(types) == kind


def test_a_doi_without_a_title_is_an_error_item_naming_it():
    document = copy.deepcopy(answer(ZENODO))
    document["data"]["attributes"]["titles"] = []
    (item,) = datacite.doi_items(document, "answer")
    assert str(item.error) == "DOI 10.5281/zenodo.1196821 has no title"


def test_datacites_404_is_a_format_error_in_its_own_words():
    with pytest.raises(FileFormatError, match="The resource you are looking for doesn't exist"):
        list(datacite.read(FIXTURES / "datacite" / "not_found_404.json"))


def test_a_list_page_and_json_lines_are_read_item_by_item(tmp_path):
    answers = [answer(path) for path in (ARXIV, ZENODO)]
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"data": [a["data"] for a in answers], "meta": {"total": 2}}))
    assert [i.location for i in datacite.read(page)] == ["page.json data[0]", "page.json data[1]"]
    lines = tmp_path / "answers.jsonl"
    lines.write_text("\n".join(json.dumps(a) for a in answers) + "\n{oops\n")
    items = list(datacite.read(lines))
    assert [i.location for i in items] == [f"answers.jsonl line {n}" for n in (1, 2, 3)]
    assert [i.record is not None for i in items] == [True, True, False]


def test_sniff_tells_datacite_from_the_other_formats():
    for path in (ARXIV, ZENODO, LIPICS):
        assert formats.detect(path) is datacite
    for path in (
        FIXTURES / "I27837315.json",
        FIXTURES / "ror" / "00jmfr291.json",
        FIXTURES / "crossref" / "work_10.1038_srep16696.json",
        FIXTURES / "orcid" / "0000-0003-1444-9135_person.json",
    ):
        assert not datacite.sniff(path.read_text()), path


@pytest.mark.django_db
def test_answers_import_through_manage_py_import_and_twice_change_nothing(tmp_path):
    files = []
    for index, path in enumerate((ARXIV, ZENODO, LIPICS)):
        files.append(tmp_path / f"answer{index}.data")
        files[-1].write_bytes(path.read_bytes())
    code, out, err = run_command("import", *files)
    assert code == 0, err
    assert (Work.objects.count(), Authorship.objects.count()) == (3, 10 + 6 + 1)
    assert "0 created, 0 updated, 3 unchanged" in run_command("import", *files)[1]
