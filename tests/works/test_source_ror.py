"""ROR v2 records (ROR's own, in tests/fixtures/ror) read as institution records."""

import json

import pytest

from tests.conftest import FIXTURES
from works.sources import formats, ror
from works.sources.files import FileFormatError

MICHIGAN = FIXTURES / "ror" / "00jmfr291.json"


def record(payload: dict):
    (item,) = ror.organization_items(payload, "answer")
    return item


def test_a_record_gives_name_ror_id_country_kind_homepage_and_domains():
    (item,) = ror.read(MICHIGAN)
    place = item.record
    assert (place.source, place.external_id, place.homepage, place.email_domains) == (
        "ror",
        "00jmfr291",
        "https://www.umich.edu",
        ("umich.edu",),
    )
    assert place.institution.name == "University of Michigan"  # ror_display, not an alias
    assert (place.institution.ror, place.institution.country_code) == ("00jmfr291", "US")
    assert place.institution.kind == "education"  # not "funder", its other type


def test_funder_is_the_kind_only_of_an_organisation_that_is_nothing_else():
    payload = json.loads(MICHIGAN.read_text())
    payload["types"] = ["funder", "nonprofit"]
    assert record(payload).record.institution.kind == "nonprofit"
    payload["types"] = ["funder"]
    assert record(payload).record.institution.kind == "funder"


def test_domains_are_host_names_each_once_in_lower_case():
    payload = json.loads(MICHIGAN.read_text())
    payload["domains"] = ["UMich.edu", "umich.edu", "not a domain", "med.umich.edu", 7]
    assert record(payload).record.email_domains == ("umich.edu", "med.umich.edu")


def test_a_v1_record_or_one_without_an_id_is_an_error_item():
    v1 = {"id": "https://ror.org/00jmfr291", "name": "University of Michigan"}
    assert str(record(v1).error) == "00jmfr291 is not a ROR v2 record (no names)"
    assert str(record({"id": "https://ror.org/nope"}).error).startswith("record has no ROR ID")


def test_rors_error_answer_is_a_format_error_in_its_own_words():
    errors = {"errors": ["ROR ID 'https://ror.org/052gg0110' does not exist"]}
    with pytest.raises(FileFormatError, match="ROR ID 'https://ror.org/052gg0110' does not"):
        list(ror.organization_items(errors, "answer"))


def test_a_dump_and_an_api_page_are_read_record_by_record(tmp_path):
    records = [json.loads(path.read_text()) for path in sorted((FIXTURES / "ror").glob("*.json"))]
    dump = tmp_path / "dump.json"
    dump.write_text(json.dumps(records))
    assert [i.record.external_id for i in ror.read(dump)] == [
        "00cvxb145",
        "00jmfr291",
        "02jx3x895",
        "044j76961",
    ]
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"number_of_results": 1, "items": records[:1]}))
    assert [i.location for i in ror.read(page)] == ["page.json items[0]"]


def test_sniff_tells_ror_from_an_openalex_institution_that_names_its_ror_id():
    for path in sorted((FIXTURES / "ror").glob("*.json")):
        assert formats.detect(path) is ror
    assert not ror.sniff((FIXTURES / "I27837315.json").read_text())
    assert not ror.sniff((FIXTURES / "datacite" / "10.5281_zenodo.1196821.json").read_text())
