"""The Crossref reader on recorded API responses. Pure: no database."""

import gzip
import json
from datetime import date

import pytest

from tests.conftest import FIXTURES
from works.sources import crossref, crossref_markup, crossref_work
from works.sources.files import FileFormatError
from works.sources.records import KINDS, InstitutionRecord, VenueRecord

CROSSREF = FIXTURES / "crossref"

# Fixture -> (DOI, number of authors) per work, in file order, counted in the response bodies.
WORKS = {
    "work_10.1371_journal.pone.0033693.json": [("10.1371/journal.pone.0033693", 6)],
    "work_10.1016_j.neurobiolaging.2010.03.024.json": [
        ("10.1016/j.neurobiolaging.2010.03.024", 11)
    ],
    "work_10.1002_jor.1100150407.json": [("10.1002/jor.1100150407", 12)],
    "work_10.1038_srep16696.json": [("10.1038/srep16696", 8)],
    "work_10.1109_icdcsw.2003.1203662.json": [("10.1109/icdcsw.2003.1203662", 2)],
    "work_10.3892_ijo_00000353.json": [("10.3892/ijo_00000353", 1)],
    "transform_csl_json_10.1126_science.169.3946.635.json": [("10.1126/science.169.3946.635", 1)],
    "works_query_ecology_rows_2.json": [
        ("10.1093/obo/9780199830060-0238", 0),
        ("10.1093/obo/9780199830060-0202", 1),
    ],
    "works_sample_2.json": [("10.1007/s00280-016-3089-4", 17), ("10.5860/choice.29-5410", 0)],
    "works_query_widget_cursor_page_1.json": [
        ("10.1007/springerreference_66110", 0),
        ("10.1007/978-1-4302-0197-7_9", 0),
        ("10.1007/978-1-4842-6700-4_7", 1),
        ("10.1007/978-1-4842-6700-4_5", 1),
        ("10.1109/afrcon.2009.5308146", 3),
        ("10.1093/oed/5229773278", 0),
        ("10.1007/978-1-4842-9080-4_2", 1),
        ("10.32614/cran.package.shinysearchbar", 1),
        ("10.1007/978-1-4842-6700-4_3", 1),
        ("10.1007/978-1-4842-6700-4_4", 1),
        ("10.1007/978-1-4842-9080-4_1", 1),
        ("10.1007/978-1-4842-9080-4_4", 1),
        ("10.1007/978-1-4842-9080-4_5", 1),
        ("10.1007/978-1-4842-9080-4_3", 1),
        ("10.1117/1.jei.28.6.063006", 2),
        ("10.32614/cran.package.diffviewer", 3),
        ("10.1016/b978-155860802-3/50012-0", 1),
        ("10.1016/b978-155860700-2.50014-8", 0),
        ("10.1016/b978-155860700-2/50014-8", 1),
        ("10.1016/b978-155860700-2.50013-6", 0),
    ],
}


def records(name, folder=CROSSREF):
    items = list(crossref.read(folder / name))
    assert [i.error for i in items if i.error] == []
    return [i.record for i in items]


def by_doi(name):
    return {r.external_id: r for r in records(name)}


def payload(name):
    return json.loads((CROSSREF / name).read_text(encoding="utf-8"))


def write_json(tmp_path, name, document):
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# Every work, with its authors -------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(WORKS))
def test_every_work_is_read_with_its_doi_and_number_of_authors(name):
    read = [(r.external_id, len(r.authors)) for r in records(name)]
    assert read == WORKS[name]


def test_single_works_and_list_items_are_located_in_the_file():
    assert [i.location for i in crossref.read(CROSSREF / "works_sample_2.json")] == [
        "works_sample_2.json items[0]",
        "works_sample_2.json items[1]",
    ]
    single = list(crossref.read(CROSSREF / "work_10.1038_srep16696.json"))
    assert [i.location for i in single] == ["work_10.1038_srep16696.json"]


def test_a_work_carries_source_doi_title_venue_and_a_content_hash():
    work = records("work_10.1371_journal.pone.0033693.json")[0]
    assert work.source == "crossref"
    assert work.doi == work.external_id == "10.1371/journal.pone.0033693"
    assert work.arxiv_id is None
    assert work.title == (
        "Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of Microglia "
        "in the Basal Ganglia of Mice"
    )
    assert work.venue == VenueRecord(name="PLoS ONE", issn_l="1932-6203", kind="journal")
    assert work.topics == ()
    assert work.journal_ref == ""
    assert len(work.content_hash) == 64
    assert records("work_10.1371_journal.pone.0033693.json")[0].content_hash == work.content_hash


def test_authors_are_printed_in_byline_order_as_given_family_suffix():
    work = records("work_10.1002_jor.1100150407.json")[0]
    names = [a.printed_name for a in work.authors]
    assert names[:2] == ["Richard L. Lieber", "Thomas M. Jacks"]
    assert names[8] == "Donald Hora Jr."
    assert names[-1] == "Gerard J. Hickey"
    assert all(a.display_name == a.printed_name for a in work.authors)
    assert [a.printed_name for a in records("work_10.3892_ijo_00000353.json")[0].authors] == [
        "Stravopodis"
    ]


def test_an_organisation_author_keeps_its_name():
    trial = by_doi("works_sample_2.json")["10.1007/s00280-016-3089-4"]
    group = trial.authors[0]
    assert group.printed_name == "behalf of the the Australasian Gastro-Intestinal Trials Group"
    assert group.display_name == group.printed_name
    assert [a.printed_name for a in trial.authors[1:3]] == ["D. Ferraro", "D. Goldstein"]


def test_affiliations_become_institutions():
    work = by_doi("works_query_widget_cursor_page_1.json")["10.1117/1.jei.28.6.063006"]
    assert [a.institutions for a in work.authors] == [
        (
            InstitutionRecord(
                "Hebei University of Science and Technology, School of Information Science "
                "and Engineering, Shijiazhu"
            ),
        ),
        (
            InstitutionRecord(
                "Hebei University of Chinese Medicine, Center of Information Technology, "
                "Shijiazhuang"
            ),
        ),
    ]
    assert records("work_10.1371_journal.pone.0033693.json")[0].authors[0].institutions == ()


def test_orcids_are_normalised_and_bad_checksums_dropped(tmp_path):
    document = payload("work_10.3892_ijo_00000353.json")
    author = document["message"]["author"][0]
    author.update({"ORCID": "http://orcid.org/0000-0002-1825-0097", "authenticated-orcid": True})
    second = {"given": "A.", "family": "Typo", "ORCID": "https://orcid.org/0000-0002-1825-0098"}
    document["message"]["author"].append(second)
    write_json(tmp_path, "with_orcid.json", document)
    work = records("with_orcid.json", tmp_path)
    assert [a.orcid for a in work[0].authors] == ["0000-0002-1825-0097", None]
    assert records("work_10.1038_srep16696.json")[0].authors[0].orcid is None


# Works without authors ----------------------------------------------------------------------


def test_works_without_an_author_key_are_read_with_an_empty_open_byline():
    page = by_doi("works_query_widget_cursor_page_1.json")
    without = [doi for doi, work in page.items() if not work.authors]
    assert without == [
        "10.1007/springerreference_66110",
        "10.1007/978-1-4302-0197-7_9",
        "10.1093/oed/5229773278",
        "10.1016/b978-155860700-2.50014-8",
        "10.1016/b978-155860700-2.50013-6",
    ]
    # Crossref sent no names, which says nothing about the real byline: never a full one.
    assert not any(page[doi].byline_complete for doi in without)
    assert all(w.byline_complete for w in page.values() if w.authors)
    # The same chapter under a second DOI does list its author.
    assert [a.printed_name for a in page["10.1016/b978-155860700-2/50014-8"].authors] == [
        "L GUMLEY"
    ]
    review = by_doi("works_sample_2.json")["10.5860/choice.29-5410"]
    assert review.authors == ()
    assert review.title == "Porn: myths for the twentieth century"


# Abstracts ------------------------------------------------------------------------------------


def test_a_jats_abstract_comes_out_as_plain_text():
    abstract = records("work_10.1002_jor.1100150407.json")[0].abstract
    assert abstract.startswith("Twenty‐two beagles were divided into two equal groups")
    assert abstract.endswith("during rehabilitation after prolonged inactivity.")
    assert "(p < 0.001)" in abstract and "(p > 0.7)" in abstract
    assert "<" not in abstract.replace("p < 0", "") and "jats" not in abstract
    assert "&lt;" not in abstract and "\n" not in abstract
    assert not abstract.startswith("Abstract")


def test_html_and_csl_json_abstracts_are_plain_text_too():
    ecology = by_doi("works_query_ecology_rows_2.json")["10.1093/obo/9780199830060-0202"]
    assert ecology.abstract.startswith("Ecosystem ecology is a branch of study")
    assert "<p>" not in ecology.abstract and "</p>" not in ecology.abstract
    water = records("transform_csl_json_10.1126_science.169.3946.635.json")[0]
    assert water.abstract.startswith("The train of thought pursued in this article")
    assert "<jats:" not in water.abstract
    assert records("work_10.1371_journal.pone.0033693.json")[0].abstract == ""


def test_jats_sections_become_paragraphs_with_entities_decoded():
    markup = (
        "<jats:title>Abstract</jats:title>"
        "<jats:sec><jats:title>Background</jats:title>"
        "<jats:p>CO<jats:sub>2</jats:sub> uptake in <jats:italic>E. coli</jats:italic>\n"
        "   was measured.</jats:p></jats:sec>"
        "<jats:sec><jats:title>Results</jats:title><jats:p>&lt;5% of &#x3b1; cells &amp; "
        "all&nbsp;others.</jats:p></jats:sec>"
    )
    assert crossref_markup.plain_abstract(markup) == (
        "Background\n\nCO2 uptake in E. coli was measured.\n\nResults\n\n"
        "<5% of α cells & all others."
    )
    assert crossref_markup.plain_abstract(None) == ""
    assert crossref_markup.plain_abstract("Plain text, no tags.") == "Plain text, no tags."


def test_inline_markup_is_taken_out_of_titles(tmp_path):
    document = payload("work_10.3892_ijo_00000353.json")
    document["message"]["title"] = ["<scp>COVID</scp>‐19 and CO<sub>2</sub> at p &lt; 0.05"]
    write_json(tmp_path, "marked_up.json", document)
    work = records("marked_up.json", tmp_path)
    assert work[0].title == "COVID‐19 and CO2 at p < 0.05"


# Kinds and dates --------------------------------------------------------------------------------


def test_crossref_types_map_to_bzpeer_kinds():
    page = by_doi("works_query_widget_cursor_page_1.json")
    assert page["10.1007/978-1-4842-6700-4_7"].kind == "book-chapter"
    assert page["10.1109/afrcon.2009.5308146"].kind == "article"  # proceedings-article
    assert page["10.32614/cran.package.diffviewer"].kind == "dataset"
    assert page["10.1117/1.jei.28.6.063006"].kind == "article"  # journal-article
    assert page["10.1007/springerreference_66110"].kind == "other"  # reference-entry
    assert by_doi("works_query_ecology_rows_2.json")["10.1093/obo/9780199830060-0238"].kind == (
        "other"
    )


@pytest.mark.parametrize(
    ("crossref_type", "kind"),
    [
        ("journal-article", "article"),
        ("proceedings-article", "article"),
        ("posted-content", "preprint"),
        ("book-chapter", "book-chapter"),
        ("book", "book"),
        ("monograph", "book"),
        ("edited-book", "book"),
        ("dataset", "dataset"),
        ("dissertation", "dissertation"),
        ("report", "report"),
        ("peer-review", "peer-review"),
        ("standard", "standard"),
        ("reference-entry", "other"),
        ("journal-issue", "other"),
        ("", "other"),
    ],
)
def test_every_crossref_type_has_a_kind(crossref_type, kind):
    assert crossref_work.crossref_kind(crossref_type) == kind
    assert kind in KINDS


def test_a_full_date_gives_date_and_year():
    work = records("work_10.1371_journal.pone.0033693.json")[0]
    assert (work.publication_date, work.publication_year) == (date(2012, 3, 21), 2012)


def test_partial_dates_give_the_year_only():
    year_month = records("work_10.1002_jor.1100150407.json")[0]  # published [[1997, 7]]
    assert (year_month.publication_date, year_month.publication_year) == (None, 1997)
    # "published" is [[2020]]; the fuller published-online date is not mixed in.
    chapter = by_doi("works_query_widget_cursor_page_1.json")["10.1007/978-1-4842-6700-4_7"]
    assert (chapter.publication_date, chapter.publication_year) == (None, 2020)


def test_unknown_dates_give_neither():
    undated = records("work_10.1109_icdcsw.2003.1203662.json")[0]  # issued [[null]]
    assert (undated.publication_date, undated.publication_year) == (None, None)


def test_an_impossible_date_is_an_error_naming_the_doi(tmp_path):
    document = payload("work_10.3892_ijo_00000353.json")
    document["message"]["published"] = {"date-parts": [[2009, 2, 30]]}
    items = list(crossref.read(write_json(tmp_path, "bad_date.json", document)))
    assert items[0].record is None
    assert "10.3892/ijo_00000353" in str(items[0].error)
    assert "published" in str(items[0].error)


# arXiv DOIs -----------------------------------------------------------------------------------


def test_an_arxiv_doi_becomes_the_arxiv_id(tmp_path):
    work = {
        "DOI": "10.48550/arXiv.2010.02193",
        "URL": "https://doi.org/10.48550/arXiv.2010.02193",
        "type": "posted-content",
        "title": ["Mastering Atari with Discrete World Models"],
        "author": [{"given": "Danijar", "family": "Hafner", "sequence": "first"}],
        "issued": {"date-parts": [[2020, 10, 5]]},
    }
    path = tmp_path / "arxiv.jsonl"
    path.write_text(json.dumps(work) + "\n", encoding="utf-8")
    [item] = crossref.read(path)
    assert item.location == "arxiv.jsonl line 1"
    record = item.record
    assert record.external_id == "10.48550/arxiv.2010.02193"
    assert (record.arxiv_id, record.arxiv_version, record.doi) == ("2010.02193", None, None)
    assert record.kind == "preprint"
    assert record.venue is None


# Bad records and bad files --------------------------------------------------------------------


def test_a_work_missing_its_doi_or_title_is_an_error_item(tmp_path):
    document = payload("works_sample_2.json")
    document["message"]["items"][0]["title"] = []
    del document["message"]["items"][1]["DOI"]
    items = list(crossref.read(write_json(tmp_path, "broken.json", document)))
    assert [(i.location, i.record) for i in items] == [
        ("broken.json items[0]", None),
        ("broken.json items[1]", None),
    ]
    assert str(items[0].error) == "work 10.1007/s00280-016-3089-4 has no title"
    assert str(items[1].error) == (
        "work has no DOI (title 'Porn: myths for the twentieth century')"
    )


def test_json_lines_mix_messages_and_bare_works_and_report_bad_lines(tmp_path):
    lines = [
        (CROSSREF / "work_10.1038_srep16696.json").read_text(encoding="utf-8"),
        json.dumps(payload("works_sample_2.json")),
        '{"DOI": "10.1000/cut", "title": ["A line cut sh',
        "",
        json.dumps(payload("transform_csl_json_10.1126_science.169.3946.635.json")),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(crossref.read(path))
    assert [i.location for i in items] == [
        "mixed.jsonl line 1",
        "mixed.jsonl line 2 items[0]",
        "mixed.jsonl line 2 items[1]",
        "mixed.jsonl line 3",
        "mixed.jsonl line 5",
    ]
    assert [i.record.external_id for i in items if i.record] == [
        "10.1038/srep16696",
        "10.1007/s00280-016-3089-4",
        "10.5860/choice.29-5410",
        "10.1126/science.169.3946.635",
    ]
    assert "not valid JSON" in str(items[3].error)


def test_gzipped_responses_read_like_plain_ones(tmp_path):
    source = CROSSREF / "works_query_widget_cursor_page_1.json"
    path = tmp_path / "page.json.gz"
    path.write_bytes(gzip.compress(source.read_bytes()))
    assert records("page.json.gz", tmp_path) == records(source.name)


def test_a_truncated_file_is_a_format_error_naming_it(tmp_path):
    text = (CROSSREF / "works_sample_2.json").read_text(encoding="utf-8")
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"^cut\.json: .*truncated file\?"):
        list(crossref.read(path))


def test_a_truncated_gzip_file_is_a_format_error_naming_it(tmp_path):
    data = gzip.compress((CROSSREF / "works_sample_2.json").read_bytes())
    path = tmp_path / "cut.json.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FileFormatError, match=r"^cut\.json\.gz: .*truncated file\?"):
        list(crossref.read(path))


def test_the_404_body_is_a_format_error_quoting_it():
    with pytest.raises(FileFormatError) as caught:
        list(crossref.read(CROSSREF / "work_not_found_404.json"))
    assert str(caught.value).startswith("work_not_found_404.json: ")
    assert "'Resource not found.'" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("openalex.json", (FIXTURES / "W2741809807.json").read_text(encoding="utf-8")),
        ("refs.bib", "@article{frank1970,\n  title = {Ordinary Water},\n  year = 1970\n}\n"),
        ("empty.json", ""),
        ("orcid.json", '{"orcid-identifier": {"path": "0000-0002-1825-0097"}}'),
    ],
)
def test_other_formats_are_format_errors_naming_the_file(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FileFormatError, match=rf"^{name.replace('.', '[.]')}: "):
        list(crossref.read(path))


def test_a_crossref_error_message_is_a_format_error_with_crossrefs_words(tmp_path):
    failure = {
        "status": "failed",
        "message-type": "validation-failure",
        "message": [
            {
                "value": "colour",
                "message": "Parameter colour specified but there is no such parameter",
                "type": "parameter-not-allowed",
            }
        ],
    }
    with pytest.raises(FileFormatError, match="no such parameter") as caught:
        list(crossref.read(write_json(tmp_path, "failed.json", failure)))
    assert str(caught.value).startswith("failed.json: ")


# Sniffing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(WORKS))
def test_sniff_recognises_every_crossref_fixture(name):
    assert crossref.sniff((CROSSREF / name).read_text(encoding="utf-8"))


def test_sniff_recognises_json_lines_of_bare_works():
    work = payload("work_10.1038_srep16696.json")["message"]
    assert crossref.sniff(json.dumps(work) + "\n" + json.dumps(work) + "\n")


ORCID_JSON = """{
  "orcid-identifier": {"uri": "https://orcid.org/0000-0002-1825-0097",
                       "path": "0000-0002-1825-0097", "host": "orcid.org"},
  "activities-summary": {"works": {"group": [{"external-ids": {"external-id": [
    {"external-id-type": "doi", "external-id-value": "10.1000/xyz",
     "external-id-url": {"value": "https://doi.org/10.1000/xyz"}}]}}]}}
}"""
ORCID_XML = """<?xml version="1.0" encoding="UTF-8"?>
<record:record xmlns:record="http://www.orcid.org/ns/record"
  xmlns:common="http://www.orcid.org/ns/common" path="/0000-0002-1825-0097">
  <common:external-id-type>doi</common:external-id-type>
  <common:external-id-url>https://doi.org/10.1000/xyz</common:external-id-url>
</record:record>"""
BIBTEX = """@article{Frank_1970,
  title={The Structure of Ordinary Water},
  DOI={10.1126/science.169.3946.635},
  url={http://dx.doi.org/10.1126/science.169.3946.635},
  year={1970}
}"""


@pytest.mark.parametrize(
    "text",
    [
        (CROSSREF / "work_not_found_404.json").read_text(encoding="utf-8"),
        (FIXTURES / "W2741809807.json").read_text(encoding="utf-8"),
        (FIXTURES / "works_cursor_page_1.json").read_text(encoding="utf-8"),
        (FIXTURES / "A5023888391.json").read_text(encoding="utf-8"),
        (FIXTURES / "search_au_del_maestro.atom.xml").read_text(encoding="utf-8"),
        (FIXTURES / "arxiv_astro-ph_0601001.json").read_text(encoding="utf-8"),
        ORCID_JSON,
        ORCID_XML,
        BIBTEX,
        "",
    ],
    ids=[
        "crossref-404",
        "openalex-work",
        "openalex-page",
        "openalex-author",
        "arxiv-atom",
        "arxiv-wrapped",
        "orcid-json",
        "orcid-xml",
        "bibtex",
        "empty",
    ],
)
def test_sniff_rejects_other_formats(text):
    assert not crossref.sniff(text)
