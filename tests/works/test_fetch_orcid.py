"""`manage.py fetch orcid:…` reads the record, then its works in full by put-code in bulk
(100 a call), from a local fake of ORCID's public API replaying real recorded answers
(tests/sources_server.py): the person, the works, and the bylines the works' contributors
give, the owner on them once; a work ORCID answers with an error keeps its summary; a
second run changes nothing and asks conditionally; a 500 is retried."""

import pytest

from profiles.models import Researcher
from tests.conftest import run_command
from tests.sources_server import CHAMBERLAIN, KREUTZER, Fault
from works.clients import http, orcid
from works.models import Authorship, Work

# His 111 ORCID work groups make 55 works, as importing the recorded /person and /works files
# makes them (groups that describe one work twice merge).
WORKS_OF_CHAMBERLAIN = 55
AFTERMATH, LUMINESCENCE = "77226586", "40038622"  # the order of his record's groups
BULK = f"v3.0/{KREUTZER}/works/{AFTERMATH},{LUMINESCENCE}"
# Aftermath lists Kreutzer (with his iD) and three others; Luminescence lists no one.
OTHERS = ["Chantal Tribolo", "Loïc Martin", "Norbert Mercier"]


pytestmark = pytest.mark.usefixtures("quick")


@pytest.fixture
def server(fake_orcid_api):
    return fake_orcid_api


def counts() -> tuple[int, int, int]:
    return Work.objects.count(), Researcher.objects.count(), Authorship.objects.count()


def byline(title_start: str) -> list[tuple[str, str | None]]:
    work = Work.objects.get(title__startswith=title_start)
    rows = work.authorships.order_by("position").select_related("researcher")
    return [(a.researcher.display_name, a.researcher.orcid) for a in rows]


@pytest.mark.django_db
def test_a_record_brings_the_person_the_works_and_the_bylines_of_their_details(server):
    code, out, err = run_command("fetch", f"orcid:https://orcid.org/{KREUTZER}")
    assert code == 0, err
    assert [r.path for r in server.requests] == [f"v3.0/{KREUTZER}/record", BULK]
    assert all(r.headers["Accept"] == "application/json" for r in server.requests)
    # Two works created, and the person, whom the first byline created, updated.
    assert "3 records: 2 created, 1 updated, 0 unchanged, 0 skipped" in out
    kreutzer = Researcher.objects.get(orcid=KREUTZER)
    assert kreutzer.display_name == "Sebastian Kreutzer"
    assert counts() == (2, 4, 4 + 1)
    assert byline("Dose-Rate Estimation") == [
        ("Sebastian Kreutzer", KREUTZER),
        *((name, None) for name in OTHERS),
    ]
    assert byline("Introducing an R package") == [("Sebastian Kreutzer", KREUTZER)]
    # Linked once to each work, on the entry that is his: no second Kreutzer.
    assert Authorship.objects.filter(researcher=kreutzer).count() == 2
    assert not Researcher.objects.filter(display_name__contains="0000-").exists()

    code, out, err = run_command("fetch", f"orcid:{KREUTZER}")
    assert code == 0, err
    assert "0 created, 0 updated, 3 unchanged" in out
    assert counts() == (2, 4, 5)
    # The second run asked with the validators of the first, for the record and the details.
    second = server.requests[2:]
    assert [r.path for r in second] == [f"v3.0/{KREUTZER}/record", BULK]
    assert all(r.headers.get("If-None-Match") for r in second)


@pytest.mark.django_db
def test_a_work_answered_with_an_error_keeps_its_summary_and_gains_its_byline_later(server):
    server.withheld = {AFTERMATH}
    code, out, err = run_command("fetch", f"orcid:{KREUTZER}")
    assert code == 0, err
    assert counts() == (2, 1, 1 + 1)
    assert byline("Dose-Rate Estimation") == [("Sebastian Kreutzer", KREUTZER)]

    server.withheld = set()
    code, out, err = run_command("fetch", f"orcid:{KREUTZER}")
    assert code == 0, err
    assert "0 created, 1 updated, 2 unchanged" in out
    assert counts() == (2, 4, 5)
    assert byline("Dose-Rate Estimation")[0] == ("Sebastian Kreutzer", KREUTZER)
    assert [name for name, _ in byline("Dose-Rate Estimation")[1:]] == OTHERS


@pytest.mark.django_db
def test_more_than_100_works_are_read_in_detail_100_put_codes_a_call(server):
    code, out, err = run_command("fetch", f"orcid:{CHAMBERLAIN}")
    assert code == 0, err
    asked = [r.path.rsplit("/", 1)[1].split(",") for r in server.requests[1:]]
    assert [len(codes) for codes in asked] == [100, 11]
    assert len({c for codes in asked for c in codes}) == 111
    # The fake holds none of his works in full and answers each with ORCID's error for a
    # put-code it does not hold: every work keeps its summary, his alone.
    assert Researcher.objects.get().display_name == "Scott A Chamberlain"
    assert counts() == (WORKS_OF_CHAMBERLAIN, 1, WORKS_OF_CHAMBERLAIN)
    assert run_command("fetch", f"orcid:{CHAMBERLAIN}")[0] == 0
    assert counts() == (WORKS_OF_CHAMBERLAIN, 1, WORKS_OF_CHAMBERLAIN)


@pytest.mark.django_db
def test_a_server_error_on_the_details_is_retried(server):
    server.faults[BULK] = [Fault(500, body="<html>Internal Server Error</html>")]
    code, out, err = run_command("fetch", f"orcid:{KREUTZER}")
    assert code == 0, err
    assert len(server.seen(BULK)) == 2
    assert counts() == (2, 4, 5)


@pytest.mark.django_db
def test_details_down_for_good_skip_the_key_and_an_unknown_id_is_orcids_404(server):
    server.faults[BULK] = [Fault(503)] * http.ATTEMPTS
    code, out, err = run_command("fetch", f"orcid:{KREUTZER}")
    assert code == 1 and f"orcid:{KREUTZER}: orcid answered" in err and "503" in err
    assert counts() == (0, 0, 0)

    code, out, err = run_command("fetch", "orcid:0000-0002-1825-0097")
    assert code == 1 and "orcid:0000-0002-1825-0097: ORCID holds no such record" in err


@pytest.mark.django_db
def test_the_client_asks_100_put_codes_at_most_a_call_and_nothing_for_none(server):
    api = orcid.client()
    codes = [str(n) for n in range(1, 251)]
    answers = orcid.works_in_detail(api, KREUTZER, codes)
    asked = [r.path.rsplit("/", 1)[1].split(",") for r in server.requests]
    assert [len(a) for a in asked] == [100, 100, 50]
    assert [c for a in asked for c in a] == codes
    assert len(answers) == 3 and all(a.startswith('{"bulk": [{"error"') for a in answers)
    assert orcid.works_in_detail(api, KREUTZER, []) == []
    assert len(server.requests) == 3
