"""Institutions from ROR (here a local fake replaying ROR's own records): ``manage.py fetch
ror:…`` and ``manage.py import`` give an institution its name, country, kind, homepage and the
email domains claims check addresses against; an OpenAlex Institution and the ROR record of
the same organisation are one row; domains staff corrected in the admin stay."""

import pytest
from django.urls import reverse

from profiles.models import Institution
from tests.conftest import FIXTURES, run_command, staff_login
from tests.factories import UserFactory
from tests.snapshot import database_snapshot
from tests.sources_server import Fault
from works.clients import ror
from works.models import Authorship, SourceRecord

pytestmark = [pytest.mark.usefixtures("quick"), pytest.mark.django_db]

MICHIGAN = "00jmfr291"  # also OpenAlex's I27837315, whose record names this ROR ID


def as_row(institution: Institution) -> tuple:
    return (
        institution.name,
        institution.ror,
        institution.country_code,
        institution.kind,
        institution.homepage,
        institution.email_domains,
    )


def test_an_organisation_comes_with_its_domains_and_fetching_it_twice_changes_nothing(fake_ror):
    code, out, err = run_command("fetch", "ror:044j76961", "ror:https://ror.org/02jx3x895")
    assert code == 0, err
    assert "2 records: 2 created, 0 updated, 0 unchanged, 0 skipped" in out
    rows = {i.ror: as_row(i) for i in Institution.objects.all()}
    assert rows == {
        "044j76961": (
            "University of Lethbridge",
            "044j76961",
            "CA",
            "education",
            "https://www.ulethbridge.ca",
            ["uleth.ca", "ulethbridge.ca"],
        ),
        "02jx3x895": (
            "University College London",
            "02jx3x895",
            "GB",
            "education",
            "http://www.ucl.ac.uk/",
            [],  # ROR lists no domain for UCL
        ),
    }
    assert [r.path for r in fake_ror.requests] == [
        "v2/organizations/044j76961",
        "v2/organizations/02jx3x895",
    ]
    assert {r.headers["Client-Id"] for r in fake_ror.requests} == {"test-client-id"}
    before = database_snapshot()

    code, out, err = run_command("fetch", "ror:044j76961", "ror:02jx3x895")
    assert code == 0, err
    assert "2 records: 0 created, 0 updated, 2 unchanged" in out
    assert database_snapshot() == before


def test_without_a_client_id_it_keeps_to_rors_lower_rate(settings):
    settings.ROR_CLIENT_ID = ""
    unidentified = ror.client()
    assert unidentified.per_second * 300 <= 50 and "Client-Id" not in unidentified.session.headers
    settings.ROR_CLIENT_ID = "abc"
    assert ror.client().per_second * 300 <= 2000


@pytest.mark.parametrize("first", ["openalex", "ror"])
def test_an_openalex_institution_and_its_ror_record_are_one_row(first, openalex, fake_ror):
    keys = ["openalex:I27837315", f"ror:{MICHIGAN}"]
    for key in keys if first == "openalex" else keys[::-1]:
        code, out, err = run_command("fetch", key)
        assert code == 0, err
    michigan = Institution.objects.get()
    assert (michigan.openalex_id, michigan.ror, michigan.email_domains) == (
        "I27837315",
        MICHIGAN,
        ["umich.edu"],
    )
    assert (michigan.name, michigan.country_code, michigan.homepage) == (
        "University of Michigan",
        "US",
        "https://www.umich.edu",
    )
    assert SourceRecord.objects.filter(external_id__in=["I27837315", MICHIGAN]).count() == 2


def test_an_openalex_affiliation_lands_on_the_institution_ror_made(openalex, fake_ror):
    assert run_command("fetch", "ror:00cvxb145")[0] == 0
    assert run_command("fetch", "openalex:W2741809807")[0] == 0
    washington = Institution.objects.get(ror="00cvxb145")
    assert washington.openalex_id == "I201448701"
    assert washington.email_domains == ["washington.edu"]
    assert Institution.objects.filter(name="University of Washington").count() == 1
    at_washington = Authorship.objects.filter(institutions=washington)
    assert sorted(at_washington.values_list("printed_name", flat=True)) == [
        "Ashley Farley",
        "Bree Norlander",
        "Jevin West",
    ]


def test_domains_staff_corrected_stay_through_later_imports_until_staff_give_them_back(
    client, fake_ror
):
    assert run_command("fetch", f"ror:{MICHIGAN}")[0] == 0
    michigan = Institution.objects.get()
    assert (michigan.email_domains, michigan.email_domains_set_by_staff) == (["umich.edu"], False)
    staff_login(client, UserFactory(is_staff=True, is_superuser=True))

    def staff_save(domains: str, **flag) -> None:
        url = reverse("admin:profiles_institution_change", args=[michigan.pk])
        form = {
            "name": "University of Michigan",
            "openalex_id": "",
            "ror": MICHIGAN,
            "country_code": "US",
            "kind": "education",
            "homepage": "https://www.umich.edu",
            "email_domains": domains,
            **flag,
        }
        response = client.post(url, form)
        assert response.status_code == 302, response.content.decode()[:2000]

    def refetch() -> Institution:
        # As if ROR had changed its record since: the next fetch writes it, not "unchanged".
        SourceRecord.objects.filter(source="ror").update(content_hash="")
        code, out, err = run_command("fetch", f"ror:{MICHIGAN}")
        assert code == 0 and "1 updated" in out, err
        return Institution.objects.get()

    staff_save("umich.edu,med.umich.edu")
    assert Institution.objects.get().email_domains_set_by_staff
    michigan = refetch()
    assert michigan.email_domains == ["umich.edu", "med.umich.edu"]
    assert michigan.name == "University of Michigan" and Institution.objects.count() == 1

    staff_save("umich.edu,med.umich.edu", email_domains_set_by_staff="")  # the box cleared
    assert not Institution.objects.get().email_domains_set_by_staff
    assert refetch().email_domains == ["umich.edu"]


def test_an_unknown_id_and_a_malformed_answer_are_skipped_by_key_and_the_rest_lands(fake_ror):
    fake_ror.faults[f"v2/organizations/{MICHIGAN}"] = [Fault(body="<html>Service Unavailable")]
    fake_ror.faults["v2/organizations/02jx3x895"] = [Fault(body='{"errors": []}')]
    code, out, err = run_command(
        "fetch", "ror:052gg0110", f"ror:{MICHIGAN}", "ror:02jx3x895", "ror:abc", "ror:044j76961"
    )
    assert code == 1
    assert "ror:052gg0110: ROR holds no such record" in err
    assert (
        f"ror:{MICHIGAN}: ror answered v2/organizations/{MICHIGAN} with something not JSON" in err
    )
    assert "ror:02jx3x895: ror answered v2/organizations/02jx3x895 with no organisation" in err
    assert "ror:abc: not a key BZPEER fetches" in err
    assert "4 skipped" in out
    assert list(Institution.objects.values_list("ror", flat=True)) == ["044j76961"]
    assert not fake_ror.seen("v2/organizations/abc")  # never asked


def test_ror_records_import_from_files_told_apart_by_content(tmp_path):
    files = []
    for name in ("044j76961.json", "00cvxb145.json"):
        target = tmp_path / f"{name}.data"
        target.write_bytes((FIXTURES / "ror" / name).read_bytes())
        files.append(target)
    code, out, err = run_command("import", *files)
    assert code == 0, err
    assert "2 records: 2 created" in out
    assert sorted(Institution.objects.values_list("name", "email_domains")) == [
        ("University of Lethbridge", ["uleth.ca", "ulethbridge.ca"]),
        ("University of Washington", ["washington.edu"]),
    ]
    assert "0 created, 0 updated, 2 unchanged" in run_command("import", *files)[1]
