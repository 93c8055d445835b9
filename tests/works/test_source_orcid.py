"""The ORCID reader on real API responses and ORCID's own XML samples; no database."""

import gzip
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from bzpeer.lib.sources import Source
from works.sources import orcid
from works.sources.files import FileFormatError, head
from works.sources.records import KINDS, InstitutionRecord, ResearcherRecord, WorkRecord

FIXTURES = Path(__file__).parent.parent / "fixtures"
ORCID = FIXTURES / "orcid"
CHAMBERLAIN = "0000-0003-1444-9135"
EGLEN = "0000-0001-8607-8025"
CARBERRY = "0000-0002-1825-0097"  # ORCID's documented test iD
SAMPLE = "8888-8888-8888-8880"  # the placeholder iD in ORCID's XML samples


def read_all(path: Path) -> list:
    return list(orcid.read(path))


def records(path: Path, kind=WorkRecord) -> list:
    return [item.record for item in read_all(path) if isinstance(item.record, kind)]


def load(name: str) -> dict:
    return json.loads((ORCID / name).read_text(encoding="utf-8"))


def write_json(tmp_path: Path, name: str, payload: dict) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


# Works summaries ---------------------------------------------------------------------------


def test_the_111_group_works_summary_gives_one_work_per_group():
    items = read_all(ORCID / f"{CHAMBERLAIN}_works.json")
    assert len(items) == 111
    assert all(item.error is None for item in items)
    works = [item.record for item in items]
    assert all(isinstance(work, WorkRecord) for work in works)
    assert len({work.external_id for work in works}) == 111
    assert sum(1 for work in works if work.doi) == 97
    assert Counter(work.kind for work in works) == {"other": 62, "article": 34, "dataset": 15}
    assert sum(1 for work in works if work.publication_year) == 97
    assert sum(1 for work in works if work.publication_date) == 6
    assert sum(1 for work in works if work.venue) == 93


def test_a_works_summary_names_its_owner_by_id_and_locates_groups_by_put_code():
    items = read_all(ORCID / f"{CHAMBERLAIN}_works.json")
    first = items[0]
    assert first.location == f"{CHAMBERLAIN}_works.json works group 1 (put-code 44924450)"
    work = first.record
    assert work.source == Source.ORCID
    assert work.external_id == f"{CHAMBERLAIN}/work/44924450"
    assert work.title == "Phylogeny Based Biodiversity Data Queries"
    assert work.kind == "article"
    assert work.doi == "10.3897/biss.2.25589"
    assert work.publication_date == date(2018, 5, 21)
    assert work.venue.name == "Biodiversity Information Science and Standards"
    assert work.journal_ref == ""
    assert work.byline_complete is False
    assert len(work.authors) == 1
    owner = work.authors[0]
    assert (owner.printed_name, owner.display_name, owner.orcid) == (CHAMBERLAIN,) * 3
    assert work.content_hash


def test_a_group_of_several_sources_takes_the_first_summary():
    items = read_all(ORCID / f"{CHAMBERLAIN}_works.json")
    group_8 = items[7]
    # Two sources: Crossref Metadata Search (2014-07, listed first) and Crossref (2014-09).
    assert group_8.location.endswith("works group 8 (put-code 13215478)")
    assert group_8.record.external_id == f"{CHAMBERLAIN}/work/13215478"
    assert group_8.record.publication_year == 2014
    assert group_8.record.publication_date is None  # no day given
    assert group_8.record.doi == "10.1111/1365-2745.12293"


def test_works_without_dates_or_external_ids_still_import():
    works = records(ORCID / f"{CHAMBERLAIN}_works.json")
    bare = works[97:]  # groups 98 to 111
    assert len(bare) == 14
    assert all(w.doi is None and w.publication_year is None and w.title for w in bare)


def test_a_second_works_summary_counts_and_identifiers():
    works = records(ORCID / f"{EGLEN}_works.json")
    assert len(works) == 74
    assert sum(1 for work in works if work.doi) == 54
    # 20 "other" and one "conference-abstract", which BZPEER has no kind for.
    assert Counter(w.kind for w in works) == {"article": 50, "other": 21, "report": 2, "dataset": 1}
    assert sum(1 for work in works if work.publication_date) == 13
    assert sum(1 for work in works if work.publication_year) == 60
    assert all(work.kind in KINDS for work in works)
    # Group 11: Europe PMC (listed first) and Crossref, whose DOI is printed in capitals.
    assert works[10].external_id == f"{EGLEN}/work/28902902"
    assert works[10].doi == "10.1523/jneurosci.2511-15.2016"


def test_an_empty_works_summary_gives_nothing():
    assert read_all(ORCID / "0000-0003-1620-1408_works_empty.json") == []


def test_a_gzipped_works_summary_reads_the_same(tmp_path):
    plain = ORCID / f"{CHAMBERLAIN}_works.json"
    packed = tmp_path / "works.json.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert orcid.sniff(head(packed))
    assert [i.record for i in orcid.read(packed)] == records(plain)


def test_a_single_work_gives_one_record_by_its_path():
    items = read_all(ORCID / "0000-0002-0734-2199_work_40038622.json")
    assert [item.location for item in items] == [
        "0000-0002-0734-2199_work_40038622.json work (put-code 40038622)"
    ]
    work = items[0].record
    assert work.external_id == "0000-0002-0734-2199/work/40038622"
    assert work.title == "Introducing an R package for luminescence dating analysis"
    assert (work.publication_year, work.publication_date, work.doi) == (2012, None, None)
    assert work.venue.name == "Ancient TL"


# People -----------------------------------------------------------------------------------


def test_a_person_with_a_credit_name_keeps_the_formal_name_as_other_name():
    items = read_all(ORCID / f"{CHAMBERLAIN}_person.json")
    assert [item.location for item in items] == [f"{CHAMBERLAIN}_person.json person"]
    person = items[0].record
    assert person == ResearcherRecord(
        source=Source.ORCID,
        external_id=CHAMBERLAIN,
        display_name="Scott A Chamberlain",
        other_names=("Scott Chamberlain",),
        orcid=CHAMBERLAIN,
        institution=None,  # a /person response carries no employments
    )
    assert person.content_hash


def test_a_person_without_credit_name_lists_only_their_other_names():
    [person] = records(ORCID / "0000-0002-5377-2624_person.json", ResearcherRecord)
    assert person.display_name == "Carl Beringer"
    assert person.other_names == ("Carl R. Beringer III",)


def test_a_person_without_a_public_name_is_an_error(tmp_path):
    payload = load(f"{CHAMBERLAIN}_person.json")
    payload["name"] = None
    [item] = read_all(write_json(tmp_path, "nameless.json", payload))
    assert item.location == "nameless.json person"
    assert "no public name" in str(item.error)


def test_a_full_record_gives_the_person_and_works_under_their_name():
    items = read_all(ORCID / "record-full-3.0.json")
    assert [item.location for item in items] == [
        "record-full-3.0.json person",
        "record-full-3.0.json works group 1 (put-code 178602)",
    ]
    person, work = (item.record for item in items)
    assert person.display_name == "Three releasecandidate1"
    assert person.other_names == ("Other Name", "{}", "{yo}", "dreamofaredbird")
    # Its only employment has ended, so the most recent education stands in.
    assert person.institution == InstitutionRecord(name="common:name")
    assert work.authors[0].display_name == "Three releasecandidate1"
    assert work.authors[0].orcid == "0000-0002-7319-2192"
    # The self DOI is the placeholder "work:doi"; a version-of DOI names another version.
    assert work.doi is None
    assert (work.title, work.kind, work.publication_date) == (
        "Work Title",
        "article",
        date(2012, 10, 1),
    )


def test_current_employment_is_the_institution(tmp_path):
    payload = load("record-full-3.0.json")
    summary = payload["activities-summary"]["employments"]["affiliation-group"][0]["summaries"][0]
    summary["employment-summary"]["end-date"] = None
    summary["employment-summary"]["organization"]["name"] = "Current Employer"
    [person] = records(write_json(tmp_path, "record.json", payload), ResearcherRecord)
    assert person.institution == InstitutionRecord(name="Current Employer")


def test_a_record_without_person_section_still_owns_its_works(tmp_path):
    payload = load("record-full-3.0.json")
    del payload["person"]
    items = read_all(write_json(tmp_path, "activities.json", payload))
    assert [type(item.record) for item in items] == [WorkRecord]
    owner = items[0].record.authors[0]
    assert owner.printed_name == owner.display_name == owner.orcid == "0000-0002-7319-2192"


# XML --------------------------------------------------------------------------------------


def test_the_xml_record_sample():
    items = read_all(ORCID / "record-3.0.xml")
    assert [item.location for item in items] == [
        "record-3.0.xml person",
        "record-3.0.xml works group 1 (put-code 0)",
    ]
    person, work = (item.record for item in items)
    assert person.external_id == person.orcid == SAMPLE
    assert person.display_name == "credit-name"
    assert person.other_names == ("other-name-1", "give-names family-name")
    # The employment ended in 2025; the education (ended 2019) is the most recent one.
    assert person.institution == InstitutionRecord(name="education-org")
    assert work.external_id == f"{SAMPLE}/work/0"
    assert work.kind == "other"  # artistic-performance
    assert work.publication_date == date(1948, 2, 2)
    assert work.venue.name == "Procedia Computer Science"
    assert work.authors[0].printed_name == "credit-name"


def test_the_xml_works_sample():
    items = read_all(ORCID / "works-3.0.xml")
    assert [item.location for item in items] == [
        "works-3.0.xml works group 1 (put-code 3356)",
        "works-3.0.xml works group 2 (put-code 3357)",
        "works-3.0.xml works group 3 (put-code 3358)",
    ]
    works = [item.record for item in items]
    assert [w.title for w in works] == ["Work # 0", "Work # 1", "Work # 2"]
    assert [w.kind for w in works] == ["article", "article", "article"]
    # The sample's identifiers are placeholders ("123456") or part-of: none is kept.
    assert [(w.doi, w.arxiv_id) for w in works] == [(None, None)] * 3
    assert [w.venue.name if w.venue else None for w in works] == [None, None, "some journal title"]
    assert all(w.authors[0].printed_name == SAMPLE for w in works)


def _works_sample_as_json() -> dict:
    """works-3.0.xml written out as ORCID's JSON would serve it."""

    def summary(put_code, title, kind, day, ids, journal=None):
        return {
            "put-code": put_code,
            "title": {"title": {"value": title}, "subtitle": None},
            "external-ids": {"external-id": ids},
            "type": kind,
            "publication-date": {
                "year": {"value": "2017"},
                "month": {"value": day[0]},
                "day": {"value": day[1]},
            },
            "journal-title": {"value": journal} if journal else None,
            "path": f"/{SAMPLE}/work/{put_code}",
        }

    def ext(kind, value, relationship):
        return {
            "external-id-type": kind,
            "external-id-value": value,
            "external-id-url": None,
            "external-id-relationship": relationship,
        }

    summaries = [
        summary(
            3356, "Work # 0", "conference-paper", ("03", "03"), [ext("doi", "123456", "part-of")]
        ),
        summary(
            3357, "Work # 1", "conference-paper", ("02", "02"), [ext("arxiv", "123456", "self")]
        ),
        summary(
            3358,
            "Work # 2",
            "journal-article",
            ("03", "03"),
            [ext("bibcode", "4567", "self")],
            "some journal title",
        ),
    ]
    return {
        "group": [{"external-ids": None, "work-summary": [s]} for s in summaries],
        "path": f"/{SAMPLE}/works",
    }


def test_xml_and_json_works_summaries_of_the_same_content_give_equal_records(tmp_path):
    from_xml = records(ORCID / "works-3.0.xml")
    from_json = records(write_json(tmp_path, "works.json", _works_sample_as_json()))
    assert from_json == from_xml
    assert [w.content_hash for w in from_json] == [w.content_hash for w in from_xml]


RECORD_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<record:record path="/{CARBERRY}" xmlns:record="http://www.orcid.org/ns/record"
    xmlns:common="http://www.orcid.org/ns/common" xmlns:person="http://www.orcid.org/ns/person"
    xmlns:personal-details="http://www.orcid.org/ns/personal-details"
    xmlns:other-name="http://www.orcid.org/ns/other-name"
    xmlns:activities="http://www.orcid.org/ns/activities"
    xmlns:employment="http://www.orcid.org/ns/employment"
    xmlns:education="http://www.orcid.org/ns/education" xmlns:work="http://www.orcid.org/ns/work">
  <common:orcid-identifier><common:path>{CARBERRY}</common:path></common:orcid-identifier>
  <person:person path="/{CARBERRY}/person">
    <person:name>
      <personal-details:given-names>Josiah</personal-details:given-names>
      <personal-details:family-name>Carberry</personal-details:family-name>
      <personal-details:credit-name>J. S. Carberry</personal-details:credit-name>
    </person:name>
    <other-name:other-names>
      <other-name:other-name put-code="1">
        <other-name:content>Josiah Stinkney Carberry</other-name:content>
      </other-name:other-name>
    </other-name:other-names>
  </person:person>
  <activities:activities-summary>
    <activities:educations>
      <activities:affiliation-group>
        <education:education-summary put-code="5">
          <common:start-date><common:year>1920</common:year></common:start-date>
          <common:end-date><common:year>1925</common:year></common:end-date>
          <common:organization><common:name>Wesleyan University</common:name></common:organization>
        </education:education-summary>
      </activities:affiliation-group>
    </activities:educations>
    <activities:employments>
      <activities:affiliation-group>
        <employment:employment-summary put-code="6">
          <common:start-date><common:year>1927</common:year></common:start-date>
          <common:end-date><common:year>1929</common:year></common:end-date>
          <common:organization><common:name>Old College</common:name></common:organization>
        </employment:employment-summary>
      </activities:affiliation-group>
      <activities:affiliation-group>
        <employment:employment-summary put-code="7">
          <common:start-date>
            <common:year>1929</common:year><common:month>09</common:month>
          </common:start-date>
          <common:organization><common:name>Brown University</common:name></common:organization>
        </employment:employment-summary>
      </activities:affiliation-group>
      <activities:affiliation-group>
        <employment:employment-summary put-code="8">
          <common:start-date><common:year>1928</common:year></common:start-date>
          <common:organization><common:name>Visiting Institute</common:name></common:organization>
        </employment:employment-summary>
      </activities:affiliation-group>
    </activities:employments>
    <activities:works>
      <activities:group>
        <work:work-summary put-code="101">
          <work:title><common:title>Psychoceramics revisited</common:title></work:title>
          <common:external-ids>
            <common:external-id>
              <common:external-id-type>doi</common:external-id-type>
              <common:external-id-value>10.5555/12345678</common:external-id-value>
              <common:external-id-relationship>self</common:external-id-relationship>
            </common:external-id>
            <common:external-id>
              <common:external-id-type>doi</common:external-id-type>
              <common:external-id-value>10.5555/BOOK</common:external-id-value>
              <common:external-id-relationship>part-of</common:external-id-relationship>
            </common:external-id>
          </common:external-ids>
          <work:type>book-chapter</work:type>
          <common:publication-date>
            <common:year>1931</common:year><common:month>04</common:month>
            <common:day>01</common:day>
          </common:publication-date>
          <work:journal-title>Cracked Pots</work:journal-title>
        </work:work-summary>
        <work:work-summary put-code="102">
          <work:title><common:title>Psychoceramics Revisited</common:title></work:title>
          <common:external-ids>
            <common:external-id>
              <common:external-id-type>arxiv</common:external-id-type>
              <common:external-id-value>arXiv:2101.00001v2</common:external-id-value>
              <common:external-id-relationship>self</common:external-id-relationship>
            </common:external-id>
          </common:external-ids>
          <work:type>preprint</work:type>
        </work:work-summary>
      </activities:group>
    </activities:works>
  </activities:activities-summary>
</record:record>
"""


def _date(year, month=None):
    parts = {"year": {"value": year}, "month": None, "day": None}
    if month:
        parts["month"] = {"value": month}
    return parts


def _affiliation(kind, put_code, name, start, end=None):
    return {
        "summaries": [
            {
                f"{kind}-summary": {
                    "put-code": put_code,
                    "start-date": start,
                    "end-date": end,
                    "organization": {"name": name},
                }
            }
        ]
    }


def _ext(kind, value, relationship):
    return {
        "external-id-type": kind,
        "external-id-value": value,
        "external-id-url": None,
        "external-id-relationship": relationship,
    }


RECORD_JSON = {
    "orcid-identifier": {"path": CARBERRY},
    "person": {
        "name": {
            "given-names": {"value": "Josiah"},
            "family-name": {"value": "Carberry"},
            "credit-name": {"value": "J. S. Carberry"},
        },
        "other-names": {"other-name": [{"content": "Josiah Stinkney Carberry", "put-code": 1}]},
        "path": f"/{CARBERRY}/person",
    },
    "activities-summary": {
        "educations": {
            "affiliation-group": [
                _affiliation("education", 5, "Wesleyan University", _date("1920"), _date("1925"))
            ]
        },
        "employments": {
            "affiliation-group": [
                _affiliation("employment", 6, "Old College", _date("1927"), _date("1929")),
                _affiliation("employment", 7, "Brown University", _date("1929", "09")),
                _affiliation("employment", 8, "Visiting Institute", _date("1928")),
            ]
        },
        "works": {
            "group": [
                {
                    "work-summary": [
                        {
                            "put-code": 101,
                            "title": {"title": {"value": "Psychoceramics revisited"}},
                            "external-ids": {
                                "external-id": [
                                    _ext("doi", "10.5555/12345678", "self"),
                                    _ext("doi", "10.5555/BOOK", "part-of"),
                                ]
                            },
                            "type": "book-chapter",
                            "publication-date": {
                                "year": {"value": "1931"},
                                "month": {"value": "04"},
                                "day": {"value": "01"},
                            },
                            "journal-title": {"value": "Cracked Pots"},
                        },
                        {
                            "put-code": 102,
                            "title": {"title": {"value": "Psychoceramics Revisited"}},
                            "external-ids": {
                                "external-id": [_ext("arxiv", "arXiv:2101.00001v2", "self")]
                            },
                            "type": "preprint",
                            "publication-date": None,
                        },
                    ]
                }
            ]
        },
    },
    "path": f"/{CARBERRY}",
}


def test_xml_and_json_records_of_the_same_content_give_equal_records(tmp_path):
    xml_path = tmp_path / "record.xml"
    xml_path.write_text(RECORD_XML, encoding="utf-8")
    from_xml = [item.record for item in read_all(xml_path)]
    from_json = [item.record for item in read_all(write_json(tmp_path, "record.json", RECORD_JSON))]
    assert from_json == from_xml
    assert [r.content_hash for r in from_json] == [r.content_hash for r in from_xml]
    person, work = from_xml
    assert person.display_name == "J. S. Carberry"
    assert person.other_names == ("Josiah Stinkney Carberry", "Josiah Carberry")
    # Two current jobs: the one started last wins; the ended one and the education do not.
    assert person.institution == InstitutionRecord(name="Brown University")
    assert work.external_id == f"{CARBERRY}/work/101"
    assert work.title == "Psychoceramics revisited"
    assert work.kind == "book-chapter"
    assert work.doi == "10.5555/12345678"  # the part-of DOI is the book's
    assert (work.arxiv_id, work.arxiv_version) == ("2101.00001", 2)  # from the second source
    assert work.publication_date == date(1931, 4, 1)
    assert work.venue.name == "Cracked Pots"
    assert work.authors[0].display_name == "J. S. Carberry"


# Errors -----------------------------------------------------------------------------------


def test_a_json_group_without_title_is_an_error_at_its_location(tmp_path):
    payload = load(f"{CHAMBERLAIN}_works.json")
    payload["group"][11]["work-summary"][0]["title"] = None
    items = read_all(write_json(tmp_path, "works.json", payload))
    errors = [item for item in items if item.error]
    assert len(items) == 111
    assert [(e.location, str(e.error)) for e in errors] == [
        ("works.json works group 12 (put-code 30098082)", "work group 12 has no title")
    ]


def test_an_xml_group_without_title_is_an_error_at_its_location(tmp_path):
    text = (ORCID / "works-3.0.xml").read_text(encoding="utf-8")
    path = tmp_path / "works.xml"
    path.write_text(text.replace("<common:title>Work # 1</common:title>", ""), encoding="utf-8")
    items = read_all(path)
    assert [item.record.title for item in items if item.record] == ["Work # 0", "Work # 2"]
    [error] = [item for item in items if item.error]
    assert error.location == "works.xml works group 2 (put-code 3357)"
    assert str(error.error) == "work group 2 has no title"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not_found_404.json", "ORCID iD asdfadf not found"),
        ("error-3.0.xml", "error:developer-message"),
        ("search_given-names_carl.json", "search results"),
        ("work-full-3.0.xml", "does not say whose"),
        ("bulk-work-err.xml", "does not say whose"),
    ],
)
def test_orcid_responses_without_records_raise_with_orcids_message(name, message):
    with pytest.raises(FileFormatError) as caught:
        read_all(ORCID / name)
    assert str(caught.value).startswith(f"{name}: ")
    assert message in str(caught.value)


def test_truncated_json_names_the_file(tmp_path):
    path = tmp_path / "cut.json"
    path.write_text((ORCID / f"{CHAMBERLAIN}_works.json").read_text()[:5000], encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"^cut\.json: not valid JSON"):
        read_all(path)


def test_malformed_xml_names_the_file_and_line(tmp_path):
    path = tmp_path / "cut.xml"
    path.write_text((ORCID / "works-3.0.xml").read_text()[:3000], encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"^cut\.xml: malformed XML at line \d+"):
        read_all(path)


CROSSREF = {
    "status": "ok",
    "message-type": "work",
    "message": {
        "DOI": "10.5555/12345678",
        "title": ["Toward a Unified Theory of High-Energy Metaphysics"],
        "author": [
            {"given": "Josiah", "family": "Carberry", "ORCID": f"http://orcid.org/{CARBERRY}"}
        ],
    },
}
BIBTEX = "@article{carberry2008,\n  author = {Carberry, Josiah},\n  title = {Metaphysics},\n}\n"


@pytest.fixture
def other_formats(tmp_path):
    crossref = write_json(tmp_path, "crossref.json", CROSSREF)
    bibtex = tmp_path / "refs.bib"
    bibtex.write_text(BIBTEX, encoding="utf-8")
    return [
        FIXTURES / "W2741809807.json",
        FIXTURES / "A5023888391.json",
        FIXTURES / "works_cursor_page_1.json",
        FIXTURES / "search_au_del_maestro.atom.xml",
        FIXTURES / "arxiv_astro-ph_0601001.json",
        crossref,
        bibtex,
    ]


def test_sniff_recognises_orcid_json_and_xml():
    names = sorted(p.name for p in ORCID.iterdir() if p.suffix in {".json", ".xml"})
    assert len(names) == 15
    assert {name: orcid.sniff(head(ORCID / name)) for name in names} == dict.fromkeys(names, True)


def test_sniff_rejects_and_read_refuses_other_formats(other_formats):
    for path in other_formats:
        assert not orcid.sniff(head(path)), path.name
        with pytest.raises(FileFormatError, match=f"^{path.name}: "):
            read_all(path)


def test_every_kind_the_reader_gives_is_a_bzpeer_kind():
    assert set(orcid.WORK_KINDS.values()) <= KINDS
