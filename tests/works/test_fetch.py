"""`manage.py fetch` reads records live from OpenAlex (here a local fake server replaying real
recorded answers) through the same importer as files: the same records, a summary, keys it
cannot read skipped by name, and a second run that changes nothing. The client waits as
the source asks (429 Retry-After), retries 500s and timeouts, follows a merged entity, keeps
to its rate and sends conditional requests. DOIs come from Crossref, else DataCite; arXiv's
own DOIs from DataCite, as the work its arXiv entry makes."""

import pytest

from profiles.models import Institution, Researcher
from tests.conftest import FIXTURES, run_command
from tests.sources_server import Fault
from works.clients import http
from works.models import Authorship, Work

pytestmark = pytest.mark.usefixtures("quick")

PRIEM = "openalex:A5023888391"


@pytest.mark.django_db
def test_fetching_an_author_imports_them_and_all_their_works_and_twice_changes_nothing(openalex):
    code, out, err = run_command("fetch", PRIEM)
    assert code == 0, err
    priem = Researcher.objects.get(openalex_id="A5023888391")
    assert priem.display_name == "Jason Priem"
    assert priem.orcid == "0000-0001-6187-6610"
    assert set(Work.objects.values_list("title", flat=True)) == {
        "The state of OA: a large-scale analysis of the prevalence and impact of Open Access "
        "articles",
        "bibliometrix : An R-tool for comprehensive science mapping analysis",
    }
    assert Authorship.objects.count() == 9 + 2
    assert Researcher.objects.count() == 9 + 2
    assert priem.works_count == 1
    assert "3 records: 13 created" in out or "3 records" in out
    counts = (Work.objects.count(), Researcher.objects.count(), Authorship.objects.count())

    code, out, err = run_command("fetch", PRIEM)
    assert code == 0, err
    assert "0 created, 0 updated, 3 unchanged" in out
    assert (Work.objects.count(), Researcher.objects.count(), Authorship.objects.count()) == counts
    # The second run asked with the validators of the first, and OpenAlex answered 304.
    assert openalex.seen("authors/A5023888391")[-1].headers.get("If-None-Match")


@pytest.mark.django_db
def test_every_request_names_the_site_pages_by_cursor_and_keeps_to_the_rate(openalex):
    run_command("fetch", PRIEM)
    pages = openalex.seen("works")
    assert [p.query["cursor"][0] for p in pages][0] == "*"
    assert len(pages) == 2  # the second page is empty and has no next cursor: the end
    for request in openalex.requests:
        assert request.headers["User-Agent"].startswith("BZPEER/1.0 (+http")
        assert "mailto:sources@bzpeer.example.org" in request.headers["User-Agent"]
        assert request.query["api_key"] == ["test-key"]
        assert request.query["mailto"] == ["sources@bzpeer.example.org"]
    assert pages[0].query["per-page"] == ["200"]
    assert pages[0].query["filter"] == ["author.id:A5023888391"]
    times = [r.at for r in openalex.requests]
    assert all(b - a >= 0.15 for a, b in zip(times, times[1:], strict=False))


@pytest.mark.django_db
def test_a_work_alone(openalex):
    assert run_command("fetch", "openalex:https://openalex.org/W2741809807")[0] == 0
    assert Work.objects.get().identifiers.filter(scheme="doi", value="10.7717/peerj.4375")


@pytest.mark.django_db
def test_keys_it_cannot_read_are_reported_by_name_and_the_others_still_land(openalex):
    code, out, err = run_command(
        "fetch", "openalex:A9999999999", "doi:10.1/x", "openalex:T11636", PRIEM
    )
    assert code == 1
    assert "openalex:A9999999999: OpenAlex holds no such record" in err
    assert "doi:10.1/x: not a key BZPEER fetches" in err
    assert "openalex:T11636: not a key BZPEER fetches" in err
    assert "3 skipped" in out
    assert Researcher.objects.filter(openalex_id="A5023888391").exists()


@pytest.mark.django_db
def test_it_waits_as_long_as_retry_after_says_and_retries_server_errors(openalex):
    openalex.faults["authors/A5023888391"] = [
        Fault(429, {"Retry-After": "1"}, body='{"error": "Too many requests"}'),
        Fault(500, body="<html>Internal Server Error</html>"),
    ]
    code, out, err = run_command("fetch", PRIEM)
    assert code == 0, err
    tries = openalex.seen("authors/A5023888391")
    assert len(tries) == 3
    assert tries[1].at - tries[0].at >= 1.0  # the Retry-After
    assert Researcher.objects.filter(openalex_id="A5023888391").exists()


@pytest.mark.django_db
def test_a_timeout_is_retried_and_a_source_down_for_good_is_a_skipped_key(openalex):
    openalex.faults["works/W2741809807"] = [Fault(delay=1.0)]
    assert run_command("fetch", "openalex:W2741809807")[0] == 0
    assert len(openalex.seen("works/W2741809807")) == 2

    openalex.faults["works/W2741809807"] = [Fault(503)] * http.ATTEMPTS
    Work.objects.all().delete()
    code, out, err = run_command("fetch", "openalex:W2741809807")
    assert code == 1 and "openalex:W2741809807: openalex answered" in err and "503" in err
    assert not Work.objects.exists()


@pytest.mark.django_db
def test_a_malformed_answer_is_a_skipped_key_and_what_came_before_it_is_kept(openalex):
    openalex.faults["works"] = [Fault(body='{"meta": {"next_cursor": null}, "results": 5}')]
    code, out, err = run_command("fetch", PRIEM)
    assert code == 1
    assert "openalex:A5023888391: openalex answered a page" in err
    assert Researcher.objects.filter(openalex_id="A5023888391").exists()  # the author came first
    assert not Work.objects.exists()


@pytest.mark.django_db
def test_a_merged_authors_old_id_brings_the_kept_record(openalex):
    openalex.redirects["authors/A5000000001"] = "authors/A5023888391"
    assert run_command("fetch", "openalex:A5000000001")[0] == 0
    assert Researcher.objects.filter(openalex_id="A5023888391").count() == 1


def test_retry_after_reads_seconds_and_http_dates():
    assert http.retry_after("7") == 7.0
    assert http.retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert http.retry_after("soon") is None
    assert http.retry_after(None) is None


@pytest.mark.django_db
def test_a_doi_comes_from_crossref_in_the_polite_pool_and_twice_changes_nothing(
    fake_crossref, fake_datacite
):
    code, out, err = run_command("fetch", "doi:https://doi.org/10.1038/SREP16696")
    assert code == 0, err
    work = Work.objects.get()
    assert work.identifiers.filter(scheme="doi", value="10.1038/srep16696").exists()
    assert work.authorships.count() == 8
    assert fake_crossref.requests[0].path == "works/10.1038/srep16696"
    assert fake_crossref.requests[0].query["mailto"] == ["sources@bzpeer.example.org"]
    assert run_command("fetch", "doi:10.1038/srep16696")[1].count("1 unchanged") == 1
    assert Work.objects.count() == 1 and Authorship.objects.count() == 8
    assert not fake_datacite.requests  # Crossref had it

    code, out, err = run_command("fetch", "doi:10.1234/not-registered")
    assert code == 1
    assert "doi:10.1234/not-registered: neither Crossref nor DataCite holds it" in err
    assert [r.path for r in fake_datacite.requests] == ["dois/10.1234/not-registered"]


@pytest.mark.django_db
def test_a_doi_crossref_does_not_hold_comes_from_datacite_with_its_creators(
    fake_crossref, fake_datacite
):
    code, out, err = run_command("fetch", "doi:10.5281/zenodo.1196821")
    assert code == 0, err
    assert [r.path for r in fake_crossref.requests] == ["works/10.5281/zenodo.1196821"]
    assert [r.path for r in fake_datacite.requests] == ["dois/10.5281/zenodo.1196821"]
    assert fake_datacite.requests[0].headers["Accept"] == "application/vnd.api+json"
    assert "mailto:sources@bzpeer.example.org" in fake_datacite.requests[0].headers["User-Agent"]
    work = Work.objects.get()
    assert work.title.startswith("Pspm-Sc4B: Scr, Ecg, Emg, Psr And Respiration Measurements")
    assert (work.kind, work.publication_year, str(work.publication_date)) == (
        "dataset",
        2018,
        "2018-03-14",
    )
    assert work.sources == ["datacite"]
    assert work.venue.name == "Zenodo"
    assert work.abstract.startswith("This dataset includes pupil size response (PSR)")
    byline = work.authorships.order_by("position").select_related("researcher")
    assert [a.printed_name for a in byline] == [
        "Matthias Staib",
        "Giuseppe Castegnetti",
        "Athina Tzovara",
        "Philipp C. Paulus",
        "Nicolas Hofer",
        "Dominik R. Bach",
    ]
    assert [a.researcher.orcid for a in byline] == [
        "0000-0001-9688-838X",
        None,
        "0000-0002-7588-1418",
        "0000-0001-8090-3266",
        None,
        "0000-0003-3717-2036",
    ]
    assert {i.name for a in byline for i in a.institutions.all()} == {
        "University of Zurich, Zurich, Switzerland"
    }
    assert Researcher.objects.count() == 6
    assert run_command("fetch", "doi:10.5281/zenodo.1196821")[1].count("1 unchanged") == 1
    assert (Work.objects.count(), Authorship.objects.count()) == (1, 6)


@pytest.mark.django_db
def test_arxivs_own_doi_comes_from_datacite_as_the_work_arxiv_makes(
    fake_crossref, fake_datacite, fake_arxiv
):
    assert run_command("fetch", "arxiv:2311.16162")[0] == 0
    from_arxiv = Work.objects.get()
    code, out, err = run_command("fetch", "doi:10.48550/arXiv.2311.16162")
    assert code == 0, err
    assert "1 records: 0 created, 1 updated" in out
    assert [r.path for r in fake_datacite.requests] == ["dois/10.48550/arxiv.2311.16162"]
    assert not fake_crossref.requests  # arXiv's DOIs are DataCite's
    work = Work.objects.get()
    assert work.pk == from_arxiv.pk
    assert sorted(work.sources) == ["arxiv", "datacite"]
    assert list(work.identifiers.values_list("scheme", "value")) == [("arxiv", "2311.16162")]
    assert (work.kind, work.publication_year, str(work.first_posted)) == (
        "preprint",
        2023,
        "2023-11-09",
    )
    assert work.venue.name == "arXiv"
    assert sorted(work.topics.values_list("code", flat=True)) == ["cs.AI", "cs.CL", "cs.DL"]
    assert work.authorships.count() == 10
    assert Researcher.objects.count() == 10  # the same ten people, not twenty
    assert run_command("fetch", "doi:10.48550/arxiv.2311.16162")[1].count("1 unchanged") == 1

    code, out, err = run_command("fetch", "doi:10.48550/arXiv.2999.99999")
    assert code == 1 and "doi:10.48550/arXiv.2999.99999: DataCite holds no such record" in err


@pytest.mark.django_db
def test_arxiv_ids_come_from_arxiv_and_twice_changes_nothing(fake_arxiv):
    keys = ("arxiv:1111.2011v2", "arxiv:astro-ph/0601001")
    assert run_command("fetch", *keys)[0] == 0
    assert set(Work.objects.values_list("identifiers__value", flat=True)) >= {
        "1111.2011",
        "astro-ph/0601001",
    }
    assert [r.query["id_list"] for r in fake_arxiv.requests] == [
        ["1111.2011"],
        ["astro-ph/0601001"],
    ]
    counts = (Work.objects.count(), Researcher.objects.count(), Authorship.objects.count())
    assert counts == (2, 7, 7)
    code, out, err = run_command("fetch", *keys)
    assert code == 0 and "2 records: 0 created, 0 updated, 2 unchanged" in out
    assert (Work.objects.count(), Researcher.objects.count(), Authorship.objects.count()) == counts

    code, out, err = run_command("fetch", "arxiv:2999.99999", "arxiv:abc")
    assert code == 1
    assert "arxiv:2999.99999: arXiv holds no such record" in err
    assert "arxiv:abc: not a key BZPEER fetches" in err


@pytest.mark.django_db
def test_an_institution_is_a_record_and_staff_corrections_to_its_domains_stay(openalex):
    assert run_command("fetch", "openalex:I27837315")[0] == 0
    michigan = Institution.objects.get(openalex_id="I27837315")
    assert (michigan.name, michigan.ror, michigan.country_code, michigan.homepage) == (
        "University of Michigan",
        "00jmfr291",
        "US",
        "https://www.umich.edu",
    )
    Institution.objects.filter(pk=michigan.pk).update(email_domains=["umich.edu"])
    Institution.objects.filter(pk=michigan.pk).update(name="U of M")  # an older import's name
    code, out, err = run_command("fetch", "openalex:I27837315")
    assert code == 0 and "1 unchanged" in out  # the same answer: nothing to write
    code, out, err = run_command("import", FIXTURES / "I27837315.json")
    assert code == 0, err
    michigan.refresh_from_db()
    assert michigan.email_domains == ["umich.edu"]
    assert Institution.objects.count() == 1
