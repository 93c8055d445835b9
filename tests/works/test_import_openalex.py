import gzip
import json

import pytest

from profiles.models import Institution, Researcher
from tests.conftest import run_command
from tests.snapshot import database_snapshot
from works.models import Authorship, SourceRecord, Work, WorkIdentifier

SAMPLES = [
    "W2741809807.json",
    "A5023888391.json",
    "works_cursor_page_1.json",
    "works_cursor_page_2_last.json",
]


def run_import(*paths):
    return run_command("import_openalex", *paths)


@pytest.mark.django_db
def test_a_full_work_imports_with_authors_in_order_and_their_ids(fixture_path):
    code, out, _ = run_import(fixture_path("W2741809807.json"))
    assert code == 0, out

    work = Work.objects.identified_by("openalex", "W2741809807").get()
    assert work.dois == ["10.7717/peerj.4375"]
    assert work.kind == "article"
    assert str(work.publication_date) == "2018-02-13"
    assert work.venue.name == "PeerJ"
    assert work.venue.openalex_id == "S1983995261"
    assert work.sources == ["openalex"]
    assert work.abstract.startswith("Despite growing interest in Open Access")
    byline = list(work.authorships.order_by("position").select_related("researcher"))
    assert [a.researcher.display_name for a in byline][:3] == [
        "Heather Piwowar",
        "Jason Priem",
        "Vincent Larivière",
    ]
    assert len(byline) == 9
    alperin = byline[3]
    assert alperin.printed_name == "Juan Pablo Alperin"  # as printed on the work
    assert alperin.researcher.display_name == "Juan Pablo Alperín"
    assert alperin.researcher.orcid == "0000-0002-9344-7439"
    assert alperin.researcher.openalex_id == "A5085171399"
    assert {i.name for i in alperin.institutions.all()} == {
        "Simon Fraser University",
        "Public Knowledge Project",
    }
    assert set(work.topics.values_list("scheme", flat=True)) == {"openalex"}
    assert work.topics.count() == 3


@pytest.mark.django_db
def test_the_abstract_is_rebuilt_from_the_inverted_index(fixture_path):
    payload = json.loads(fixture_path("W2741809807.json").read_text())
    index = payload["abstract_inverted_index"]
    words = sorted((p, w) for w, positions in index.items() for p in positions)
    run_import(fixture_path("W2741809807.json"))
    assert Work.objects.get().abstract == " ".join(w for _, w in words)


@pytest.mark.django_db
def test_an_author_record_fills_in_the_researcher_and_affiliation(fixture_path):
    run_import(fixture_path("W2741809807.json"), fixture_path("A5023888391.json"))
    priem = Researcher.objects.get(openalex_id="A5023888391")
    assert priem.orcid == "0000-0001-6187-6610"
    assert priem.institution.name == "OurResearch"
    assert priem.institution.ror == "02nr0ka47"
    assert priem.works_count == 1
    assert "Priem Jason" in priem.other_names
    assert Researcher.objects.filter(display_name="Jason Priem").count() == 1
    assert priem.verification_level == 1


@pytest.mark.django_db
def test_a_page_of_results_imports_each_work_once(fixture_path):
    code, out, _ = run_import(
        fixture_path("W2741809807.json"), fixture_path("works_cursor_page_1.json")
    )
    assert code == 0
    assert "1 unchanged" in out
    assert Work.objects.count() == 2
    bibliometrix = Work.objects.identified_by("openalex", "W2755950973").get()
    assert bibliometrix.abstract == ""


@pytest.mark.django_db
def test_importing_the_real_samples_twice_changes_nothing(fixture_path):
    paths = [fixture_path(name) for name in SAMPLES]
    assert run_import(*paths)[0] == 0
    before = database_snapshot()
    code, out, _ = run_import(*paths)
    assert code == 0
    assert " 0 created, 0 updated" in out
    assert database_snapshot() == before


@pytest.mark.django_db
def test_json_lines_with_a_broken_line_and_a_record_without_id(fixture_path, tmp_path):
    work = json.loads(fixture_path("W2741809807.json").read_text())
    page = json.loads(fixture_path("works_cursor_page_1.json").read_text())
    other = page["results"][0]
    nameless = dict(other, id=None)
    lines = [
        json.dumps(work),
        '{"id": "https://openalex.org/W1", "title": ',  # cut off mid-record
        json.dumps(nameless),
        json.dumps(other),
    ]
    path = tmp_path / "works.jsonl"
    path.write_text("\n".join(lines) + "\n")

    code, out, err = run_import(path)

    assert code == 1
    assert "works.jsonl line 2: not valid JSON" in err
    assert "works.jsonl line 3: record has no OpenAlex id" in err
    assert "2 created, 0 updated, 0 unchanged, 2 skipped" in out
    assert set(
        WorkIdentifier.objects.filter(scheme="openalex").values_list("value", flat=True)
    ) == {
        "W2741809807",
        "W2755950973",
    }


@pytest.mark.django_db
def test_a_gzipped_json_lines_file_imports(fixture_path, tmp_path):
    page = json.loads(fixture_path("works_cursor_page_1.json").read_text())
    path = tmp_path / "works.jsonl.gz"
    path.write_bytes(gzip.compress("".join(json.dumps(w) + "\n" for w in page["results"]).encode()))
    code, _, _ = run_import(path)
    assert code == 0
    assert Work.objects.count() == 2


@pytest.mark.django_db
def test_a_deleted_author_tombstone_is_skipped(fixture_path):
    code, _, err = run_import(fixture_path("A5317838346.json"))
    assert code == 1
    assert "A5317838346 is a deleted OpenAlex record" in err
    assert not Researcher.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_not_json_is_refused(fixture_path):
    code, _, err = run_import(fixture_path("search_au_del_maestro.atom.xml"))
    assert code == 1
    assert "not JSON or JSON Lines" in err
    assert not Work.objects.exists()


@pytest.mark.django_db
def test_a_missing_file_is_reported(tmp_path):
    code, _, err = run_import(tmp_path / "nope.json")
    assert code == 1
    assert "no such file" in err


@pytest.mark.django_db
def test_a_changed_record_updates_the_work_in_place(fixture_path, tmp_path):
    run_import(fixture_path("W2741809807.json"))
    payload = json.loads(fixture_path("W2741809807.json").read_text())
    payload["display_name"] = "A corrected title"
    payload["authorships"] = payload["authorships"][:2]
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(payload))

    code, out, _ = run_import(path)

    assert code == 0
    assert "0 created, 1 updated" in out
    work = Work.objects.get()
    assert work.title == "A corrected title"
    assert work.authorships.count() == 2 == work.authors_count
    assert Authorship.objects.count() == 2
    haustein = Researcher.objects.get(openalex_id="A5014077037")
    assert haustein.works_count == 0
    assert SourceRecord.objects.count() == 1


@pytest.mark.django_db
def test_institutions_are_shared_not_duplicated(fixture_path):
    run_import(fixture_path("W2741809807.json"), fixture_path("works_cursor_page_1.json"))
    assert Institution.objects.filter(name="University of Washington").count() == 1
