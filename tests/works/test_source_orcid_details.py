"""ORCID works in full: their contributors make the byline, the record's owner on the entry
that is theirs, from single works, bulk answers (files, and the details read with a record)
and ORCID's XML samples; no database."""

import copy
import json
from pathlib import Path

import pytest

from works.sources import orcid
from works.sources.files import FileFormatError
from works.sources.orcid_json import json_bulk
from works.sources.orcid_shapes import Contributor, Summary
from works.sources.orcid_xml import xml_bulk, xml_document
from works.sources.records import RecordError, ResearcherRecord, WorkRecord

ORCID = Path(__file__).parent.parent / "fixtures" / "orcid"
KREUTZER = "0000-0002-0734-2199"
CHAMBERLAIN = "0000-0003-1444-9135"
CARBERRY = "0000-0002-1825-0097"  # ORCID's documented test iD
SAMPLE = "8888-8888-8888-8880"  # the placeholder iD in ORCID's XML samples
AFTERMATH = "77226586"  # Kreutzer and three others, he with his iD, they without
LUMINESCENCE = "40038622"  # no contributors


def work(put_code: str) -> dict:
    return json.loads((ORCID / f"{KREUTZER}_work_{put_code}.json").read_text(encoding="utf-8"))


def bulk(*entries: dict) -> str:
    return json.dumps({"bulk": list(entries)})


def unknown(put_code: str) -> dict:
    """ORCID's entry for a put-code it does not hold (ORCID-Source's findWorkBulk), abridged."""
    message = (
        "400 Bad Request: The put code provided is not valid. Full validation error: "
        f"'{put_code}' is not a valid put code"
    )
    return {"error": {"response-code": 400, "developer-message": message, "error-code": 9034}}


def kreutzer_record(*works: dict, name: str = "Sebastian Kreutzer") -> str:
    """A record of his (none was recorded) with these works as its summaries."""
    summaries = [{k: v for k, v in w.items() if k != "contributors"} for w in works]
    return json.dumps(
        {
            "orcid-identifier": {"path": KREUTZER},
            "person": {"name": {"credit-name": {"value": name}}},
            "activities-summary": {"works": {"group": [{"work-summary": [s]} for s in summaries]}},
        }
    )


def with_details(record: str, *answers: str, asked: list | None = None) -> list:
    def details(put_codes: list[str]) -> list[str]:
        if asked is not None:
            asked.append(put_codes)
        return list(answers)

    return list(orcid.response_items(record, "orcid:test", details=details))


def works_of(items: list) -> list[WorkRecord]:
    return [item.record for item in items if isinstance(item.record, WorkRecord)]


def byline(record: WorkRecord) -> list[tuple[str, str, str | None]]:
    return [(a.printed_name, a.display_name, a.orcid) for a in record.authors]


KREUTZER_AND_OTHERS = [
    ("Sebastian Kreutzer", "Sebastian Kreutzer", KREUTZER),
    ("Chantal Tribolo", "Chantal Tribolo", None),
    ("Loïc Martin", "Loïc Martin", None),
    ("Norbert Mercier", "Norbert Mercier", None),
]


# A single work in full ------------------------------------------------------------------


def test_a_work_in_full_takes_its_contributors_as_its_byline_the_owner_by_his_id():
    [item] = list(orcid.read(ORCID / f"{KREUTZER}_work_{AFTERMATH}.json"))
    assert item.location == f"{KREUTZER}_work_{AFTERMATH}.json work (put-code {AFTERMATH})"
    record = item.record
    assert record.external_id == f"{KREUTZER}/work/{AFTERMATH}"
    assert byline(record) == KREUTZER_AND_OTHERS
    assert record.byline_complete is True


def test_a_work_in_full_without_contributors_reads_as_its_summary():
    [item] = list(orcid.read(ORCID / f"{KREUTZER}_work_{LUMINESCENCE}.json"))
    # The file names no one (no person section, no contributors): his iD stands in, as for a
    # summary, and the byline is not the whole one.
    assert byline(item.record) == [(KREUTZER, KREUTZER, KREUTZER)]
    assert item.record.byline_complete is False


def test_the_xml_work_sample_reads_its_contributor():
    text = (ORCID / "work-full-3.0.xml").read_text(encoding="utf-8")
    text = text.replace('put-code="', f'path="/{SAMPLE}/work/1" put-code="', 1)
    [group] = xml_document(text, "work-full-3.0.xml").groups
    assert group[0].contributors == (
        Contributor(name="work:credit-name", orcid=SAMPLE, sequence="first", role="author"),
    )


# The owner on their entry ------------------------------------------------------------------


def test_the_owner_without_an_id_on_the_byline_is_found_by_name_and_listed_once():
    detail = work(AFTERMATH)
    first = detail["contributors"]["contributor"][0]
    first["contributor-orcid"] = None
    first["credit-name"] = {"value": "S. Kreutzer"}
    items = with_details(kreutzer_record(detail), bulk({"work": detail}))
    assert isinstance(items[0].record, ResearcherRecord)
    [record] = works_of(items)
    assert byline(record)[0] == ("S. Kreutzer", "Sebastian Kreutzer", KREUTZER)
    assert [a.orcid for a in record.authors].count(KREUTZER) == 1
    assert len(record.authors) == 4 and record.byline_complete is True


def test_the_owner_listed_twice_by_id_is_kept_once_where_first_listed():
    detail = work(AFTERMATH)
    contributors = detail["contributors"]["contributor"]
    contributors.append(copy.deepcopy(contributors[0]))
    [record] = works_of(with_details(kreutzer_record(detail), bulk({"work": detail})))
    assert byline(record) == KREUTZER_AND_OTHERS


def test_a_namesake_with_another_id_is_not_the_owner():
    detail = work(AFTERMATH)
    first = detail["contributors"]["contributor"][0]
    first["contributor-orcid"] = {"path": CARBERRY}
    [record] = works_of(with_details(kreutzer_record(detail), bulk({"work": detail})))
    # The entry is Carberry's. A list the owner is not on is not the whole byline: only the
    # people an iD identifies are added, with the owner after them.
    assert byline(record) == [
        ("Sebastian Kreutzer", "Sebastian Kreutzer", CARBERRY),
        ("Sebastian Kreutzer", "Sebastian Kreutzer", KREUTZER),
    ]
    assert record.byline_complete is False


def test_a_list_without_the_owner_or_anyone_identified_leaves_the_owner_alone():
    detail = work(AFTERMATH)
    del detail["contributors"]["contributor"][0]
    [record] = works_of(with_details(kreutzer_record(detail), bulk({"work": detail})))
    assert byline(record) == [("Sebastian Kreutzer", "Sebastian Kreutzer", KREUTZER)]
    assert record.byline_complete is False


def test_the_first_in_sequence_leads_and_editors_and_unnamed_people_are_left_out():
    detail = work(AFTERMATH)
    contributors = detail["contributors"]["contributor"]
    contributors[2]["contributor-attributes"]["contributor-sequence"] = "first"
    contributors[3]["contributor-attributes"]["contributor-role"] = "editor"
    contributors.append({"contributor-orcid": {"path": CARBERRY}, "credit-name": None})
    [record] = works_of(with_details(kreutzer_record(detail), bulk({"work": detail})))
    assert [a.printed_name for a in record.authors] == [
        "Loïc Martin",
        "Sebastian Kreutzer",
        "Chantal Tribolo",
    ]
    assert CARBERRY not in {a.orcid for a in record.authors}  # no one named by an iD


def test_a_work_that_credits_the_owner_names_them_when_no_person_does():
    [record] = works_of(list(orcid.response_items(bulk({"work": work(AFTERMATH)}), "bulk.json")))
    assert byline(record) == KREUTZER_AND_OTHERS  # his own entry names him


# Works in detail with a record ------------------------------------------------------------


def test_the_preferred_put_code_of_each_group_is_asked_for():
    works = json.loads((ORCID / f"{CHAMBERLAIN}_works.json").read_text(encoding="utf-8"))
    record = json.dumps(
        {"orcid-identifier": {"path": CHAMBERLAIN}, "activities-summary": {"works": works}}
    )
    asked: list = []
    items = with_details(record, bulk(), asked=asked)
    [put_codes] = asked
    assert len(put_codes) == 111 == len(set(put_codes))
    assert put_codes[0] == "44924450"
    assert put_codes[7] == "13215478"  # group 8 lists two sources; the first is preferred
    # Nothing in detail: every work as the summary gives it.
    summaries = list(orcid.response_items(record, "orcid:test"))
    assert [i.record for i in items] == [i.record for i in summaries]


def test_details_are_matched_by_put_code_and_an_error_keeps_the_summary():
    record = kreutzer_record(work(AFTERMATH), work(LUMINESCENCE))
    answer = bulk({"work": work(LUMINESCENCE)}, unknown(AFTERMATH))
    person, aftermath, luminescence = with_details(record, answer)
    assert person.record.display_name == "Sebastian Kreutzer"
    assert aftermath.location == f"orcid:test works group 1 (put-code {AFTERMATH})"
    assert byline(aftermath.record) == [("Sebastian Kreutzer", "Sebastian Kreutzer", KREUTZER)]
    assert aftermath.record.byline_complete is False
    assert aftermath.record.title == "Dose-Rate Estimation using α-Al2O3:C Chips: Aftermath"
    assert byline(luminescence.record) == [("Sebastian Kreutzer", "Sebastian Kreutzer", KREUTZER)]

    answers = bulk({"work": work(LUMINESCENCE)}), bulk({"work": work(AFTERMATH)})
    complete = with_details(record, *answers)
    assert byline(complete[1].record) == KREUTZER_AND_OTHERS
    assert complete[1].record.content_hash != aftermath.record.content_hash


def test_a_bulk_answer_that_is_not_one_is_refused():
    record = kreutzer_record(work(AFTERMATH))
    with pytest.raises(FileFormatError, match="^orcid:test works in detail: not an ORCID bulk"):
        with_details(record, json.dumps(work(AFTERMATH)))


# Bulk answers as files ---------------------------------------------------------------------


def test_a_bulk_answer_file_gives_each_work_and_reports_each_error(tmp_path):
    path = tmp_path / "bulk.json"
    path.write_text(bulk({"work": work(AFTERMATH)}, unknown("1")), encoding="utf-8")
    assert orcid.sniff(path.read_text(encoding="utf-8"))
    first, second = orcid.read(path)
    assert first.location == f"bulk.json bulk entry 1 (put-code {AFTERMATH})"
    assert byline(first.record) == KREUTZER_AND_OTHERS
    assert second.location == "bulk.json bulk entry 2"
    assert "ORCID error 400" in str(second.error) and "'1' is not a valid put code" in str(
        second.error
    )


def test_orcids_xml_bulk_sample_gives_a_work_and_an_error_in_their_places():
    text = (ORCID / "bulk-work-err.xml").read_text(encoding="utf-8")
    work_entry, error = xml_bulk(text, "bulk-work-err.xml")
    assert isinstance(work_entry, Summary)
    assert (work_entry.put_code, work_entry.title, work_entry.contributors) == (
        "156043",
        "Current treatment of left main coronary artery disease # 1",
        (),
    )
    assert isinstance(error, RecordError)
    assert str(error).startswith("ORCID error 400: Invalid work type, valid values are:")


def test_json_and_xml_bulk_readers_agree_on_the_sample():
    text = (ORCID / "bulk-work-err.xml").read_text(encoding="utf-8")
    [xml_work, _] = xml_bulk(text, "sample")
    as_json = {
        "bulk": [
            {
                "work": {
                    "put-code": 156043,
                    "title": {"title": {"value": xml_work.title}},
                    "journal-title": {"value": "Cor et Vasa"},
                    "type": "journal-article",
                    "publication-date": {
                        "year": {"value": "2015"},
                        "month": {"value": "06"},
                        "day": {"value": "01"},
                    },
                    "external-ids": {
                        "external-id": [
                            {
                                "external-id-type": "doi",
                                "external-id-value": "10.1016/j.crvasa.2015.05.007",
                                "external-id-url": {"value": "http://extId/1"},
                                "external-id-relationship": "self",
                            }
                        ]
                    },
                }
            },
            {"error": {"response-code": 400, "developer-message": "x"}},
        ]
    }
    [json_work, error] = json_bulk(json.dumps(as_json), "sample")
    assert json_work == xml_work
    assert str(error) == "ORCID error 400: x"
