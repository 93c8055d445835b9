"""The REST API at /api/v1/: what anonymous readers, signed-in people (by session or token) and
staff get, its pages, its errors, its limits and its conditional answers."""

import json

import pytest
from django.test import Client

from profiles.models import ApiToken, Follow, Researcher
from profiles.services import api_token_create
from social.models import Invitation
from tests.factories import AuthorshipFactory, ResearcherFactory, WorkFactory
from works.models import Authorship, Work

API = "/api/v1"


def get(client, path, **headers):
    response = client.get(f"{API}{path}", **headers)
    return response, (response.json() if response.content else None)


def post(client, path, data=None, **headers):
    response = client.post(
        f"{API}{path}", json.dumps(data or {}), content_type="application/json", **headers
    )
    return response, (response.json() if response.content else None)


def bearer(text: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def error_shape(body: dict, status: int) -> None:
    assert set(body) == {"status", "code", "message", "errors"}
    assert body["status"] == status and body["message"]


@pytest.mark.django_db
def test_anyone_finds_researchers_by_name_identifier_and_claim_and_pages_by_cursor(
    client, cast, demo
):
    response, body = get(client, "/researchers/?q=lillicrap")
    assert response.status_code == 200
    assert [r["slug"] for r in body["results"]] == ["timothy-lillicrap"]
    assert body["results"][0]["works_count"] == 13
    priem = ResearcherFactory(display_name="Jason Priem", orcid="0000-0001-6187-6610")
    _, body = get(client, "/researchers/?orcid=https://orcid.org/0000-0001-6187-6610")
    assert [r["slug"] for r in body["results"]] == [priem.slug]
    _, body = get(client, "/researchers/?claimed=true&order=name")
    claimed = sorted([cast.owner_record.slug, cast.coauthor_record.slug])
    assert [r["slug"] for r in body["results"]] == claimed
    assert all(r["claimed"] for r in body["results"])

    everyone = Researcher.objects.count()
    seen, url = [], f"{API}/researchers/?page_size=5"
    while url:
        page = client.get(url).json()
        assert len(page["results"]) <= 5
        seen += [r["slug"] for r in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == everyone
    _, body = get(client, "/researchers/?page_size=100000")
    assert len(body["results"]) == min(everyone, 100)


@pytest.mark.django_db
def test_a_researcher_has_counts_trust_parts_identifiers_and_answers_304_when_unchanged(
    client, demo
):
    response, body = get(client, f"/researchers/{demo.slug}/")
    assert body["works_count"] == 13 and body["claimed"] is False
    assert [p["key"] for p in body["trust_parts"]] == [p["key"] for p in demo.trust_components]
    assert {"verification", "identifiers", "works", "network"} <= {
        p["key"] for p in body["trust_parts"]
    }
    assert body["trust_band"] == demo.trust_band
    etag, modified = response["ETag"], response["Last-Modified"]
    again = client.get(f"{API}/researchers/{demo.slug}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and not again.content
    since = client.get(f"{API}/researchers/{demo.slug}/", HTTP_IF_MODIFIED_SINCE=modified)
    assert since.status_code == 304
    Researcher.objects.filter(pk=demo.pk).update(summary="Changed.")
    Researcher.objects.get(pk=demo.pk).save()
    assert client.get(f"{API}/researchers/{demo.slug}/", HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.django_db
def test_a_researchers_works_come_newest_first_in_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    small, big = ResearcherFactory(), ResearcherFactory()
    for researcher, count in ((small, 2), (big, 60)):
        for year in range(count):
            work = WorkFactory(publication_year=1960 + year)
            AuthorshipFactory(work=work, researcher=researcher, position=0)
    undated = WorkFactory(publication_year=None, publication_date=None)
    AuthorshipFactory(work=undated, researcher=big, position=0)
    with django_assert_max_num_queries(6):
        get(client, f"/researchers/{small.slug}/works/")
    years, url = [], f"{API}/researchers/{big.slug}/works/?page_size=25"
    while url:
        with django_assert_max_num_queries(6):
            page = client.get(url).json()
        years += [w["publication_year"] for w in page["results"]]
        url = page["next"]
    assert years == [*range(2019, 1959, -1), None]


@pytest.mark.django_db
def test_a_work_is_found_by_its_id_doi_arxiv_or_openalex_key(client, demo):
    work = Work.objects.identified_by("arxiv", "1912.01603").get()
    _, by_id = get(client, f"/works/{work.public_id}/")
    _, by_arxiv = get(client, "/works/arxiv:1912.01603/")
    assert by_id == by_arxiv
    assert [a["printed_name"] for a in by_id["authors"]] == list(
        Authorship.objects.filter(work=work)
        .order_by("position")
        .values_list("printed_name", flat=True)
    )
    assert by_id["identifiers"]["arxiv"] == "1912.01603"
    assert by_id["source_records"][0]["source"] == "arxiv"
    doi_work = WorkFactory()
    doi_work.identifiers.create(scheme="doi", value="10.7717/peerj.4375")
    _, by_doi = get(client, "/works/doi:https://doi.org/10.7717/PeerJ.4375/")
    assert by_doi["id"] == str(doi_work.public_id)
    for missing in ("/works/doi:10.1/none/", "/works/not-a-key/", "/works/openalex:X1/"):
        response, body = get(client, missing)
        assert response.status_code == 404
        error_shape(body, 404)


@pytest.mark.django_db
def test_every_error_has_one_shape(client, cast):
    response, body = get(client, "/researchers/nobody/")
    error_shape(body, 404)
    assert body["code"] == "not_found"
    response, body = get(client, "/me/")
    assert response.status_code in (401, 403)
    error_shape(body, response.status_code)
    owner = cast.client("owner")
    response, body = post(owner, "/me/invitations/", {"researcher": "x", "subject": "a\nb"})
    assert response.status_code == 400
    error_shape(body, 400)
    assert set(body["errors"]) == {"subject", "message"}
    response, body = post(owner, "/me/follows/", {"researcher": "bad\x00slug"})
    assert response.status_code == 400 and "researcher" in body["errors"]


@pytest.mark.django_db
def test_tokens_are_shown_once_stored_hashed_scoped_expire_and_never_act_as_staff(cast):
    owner = cast.client("owner")
    page = owner.post(
        "/account/tokens/", {"name": "Zotero sync", "scope": "read", "days": "30"}
    ).content.decode()
    token = ApiToken.objects.get(user=cast.owner)
    text = page.split('id="new-token">')[1].split("<")[0]
    secret = text.removeprefix(f"bzp_{token.prefix}_")  # a secret may hold "_" itself
    assert text.startswith(f"bzp_{token.prefix}_") and secret not in token.secret_hash
    assert text not in owner.get("/account/tokens/").content.decode()  # shown once

    reader = Client()
    response, body = get(reader, "/me/", **bearer(text))
    assert body["email"] == cast.owner.email
    token.refresh_from_db()
    assert token.last_used_at is not None
    response, body = post(
        reader, "/me/follows/", {"researcher": cast.coauthor_record.slug}, **bearer(text)
    )
    assert response.status_code == 403 and body["message"] == "This token is read-only."
    assert not Follow.objects.filter(user=cast.owner).exists()

    _, writer = api_token_create(user=cast.owner, name="bot", scope="read-write", days=30)
    response, body = post(
        reader, "/me/follows/", {"researcher": cast.coauthor_record.slug}, **bearer(writer)
    )
    assert response.status_code == 201
    assert body == {"following": True, "followers_count": 1}

    owner.post("/account/tokens/", {"revoke": str(token.pk)})
    refused = get(reader, "/me/", **bearer(text))[0]
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Bearer")
    assert get(reader, "/me/", **bearer(text[:-1] + "x"))[0].status_code == 401
    assert get(reader, "/me/", **bearer("nonsense"))[0].status_code == 401
    ApiToken.objects.filter(user=cast.owner).update(expires_at="2000-01-01T00:00Z")
    assert get(reader, "/me/", **bearer(writer))[0].status_code == 401

    _, staff_token = api_token_create(user=cast.staff, name="s", scope="read-write", days=30)
    response, body = get(reader, "/staff/claims/", **bearer(staff_token))
    assert response.status_code == 403 and "tokens never act as staff" in body["message"]
    assert get(cast.client("staff"), "/staff/claims/")[0].status_code == 200
    assert get(cast.client("staff", mfa=False), "/staff/claims/")[0].status_code == 403


@pytest.mark.django_db
def test_a_session_write_needs_its_csrf_token(cast):
    browser = cast.client("owner", csrf_checks=True)
    response, body = post(browser, "/me/follows/", {"researcher": cast.coauthor_record.slug})
    assert response.status_code == 403 and "CSRF" in body["message"]
    assert not Follow.objects.filter(user=cast.owner).exists()


@pytest.mark.django_db
def test_signed_in_people_follow_invite_talk_and_claim_through_the_api(cast):
    stranger, owner = cast.client("stranger"), cast.client("owner")
    slug = cast.owner_record.slug
    assert post(stranger, "/me/follows/", {"researcher": slug})[1]["followers_count"] == 1
    assert post(stranger, "/me/follows/", {"researcher": slug})[1]["followers_count"] == 1
    assert [r["slug"] for r in get(stranger, "/me/follows/")[1]["results"]] == [slug]
    response = stranger.delete(f"{API}/me/follows/{slug}/")
    assert response.json() == {"following": False, "followers_count": 0}

    response, body = post(
        stranger,
        "/me/invitations/",
        {"researcher": slug, "subject": "Compilers", "message": "Shall we?"},
    )
    assert response.status_code == 201 and body["role"] == "sender"
    invitation = body["id"]
    assert post(stranger, f"/me/invitations/{invitation}/accept/")[0].status_code == 403
    assert post(owner, f"/me/invitations/{invitation}/accept/")[1]["status"] == "accepted"
    response, body = post(owner, f"/me/invitations/{invitation}/messages/", {"body": "Yes."})
    assert response.status_code == 201 and body["mine"] is True
    messages = get(stranger, f"/me/invitations/{invitation}/messages/")[1]["results"]
    assert [(m["body"], m["mine"]) for m in messages] == [("Yes.", False)]
    assert get(cast.client("coauthor"), f"/me/invitations/{invitation}/")[0].status_code == 404
    notes = get(owner, "/me/notifications/")[1]["results"]
    assert notes[0]["kind"] == "invitation"
    assert post(owner, "/me/notifications/read/")[1]["marked"] >= 1

    other = ResearcherFactory(display_name="Sam Stranger")
    response, body = post(
        stranger,
        "/me/claims/",
        {"researcher": other.slug, "kind": "other", "statement": "My lab page lists them."},
    )
    assert response.status_code == 201 and body["status"] == "pending"
    assert [e["to_status"] for e in body["events"]] == ["pending"]
    queue = get(cast.client("staff"), "/staff/claims/")[1]["results"]
    assert body["id"] in [c["id"] for c in queue]
    decided = post(
        cast.client("staff"),
        f"/staff/claims/{body['id']}/decision/",
        {"decision": "approve", "reason": "The lab page lists the works."},
    )[1]
    assert decided["status"] == "approved"
    assert Researcher.objects.get(pk=other.pk).owner_id == cast.stranger.pk
    released = post(stranger, f"/me/claims/{body['id']}/release/", {"reason": "Not needed."})[1]
    assert released["status"] == "released"
    assert get(owner, f"/me/claims/{body['id']}/")[0].status_code == 404
    assert Invitation.objects.count() == 1


@pytest.mark.django_db
def test_the_api_throttles_per_client_and_per_token(client, cast, settings):
    settings.API_THROTTLE_RATES = {"client": "3/min", "token": "2/min"}
    for _ in range(3):
        assert get(client, "/topics/")[0].status_code == 200
    response, body = get(client, "/topics/")
    assert response.status_code == 429
    error_shape(body, 429)
    assert "Retry-After" in response
    _, text = api_token_create(user=cast.owner, name="t", scope="read", days=30)
    for _ in range(2):
        assert get(client, "/topics/", **bearer(text))[0].status_code == 200
    assert get(client, "/topics/", **bearer(text))[0].status_code == 429


@pytest.mark.django_db
def test_the_schema_and_its_docs_are_served_without_a_cdn(client):
    schema = client.get(f"{API}/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    spec = schema.json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/researchers/{slug}/works/" in spec["paths"]
    assert spec["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    docs = client.get(f"{API}/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()


@pytest.mark.django_db
def test_lists_cost_the_same_few_queries_for_few_rows_and_for_many(
    cast, django_assert_max_num_queries
):
    reader = cast.client("stranger")
    for count in (2, 40):  # the follows stay under the 60-a-minute limit
        researchers = ResearcherFactory.create_batch(count)
        for researcher in researchers:
            post(reader, "/me/follows/", {"researcher": researcher.slug})
            AuthorshipFactory(researcher=researcher, position=0)
        for path in ("/researchers/?page_size=100", "/me/follows/?page_size=100", "/me/feed/"):
            with django_assert_max_num_queries(9):
                response, body = get(reader, path)
            assert response.status_code == 200 and body["results"], path
