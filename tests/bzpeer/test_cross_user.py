"""Every address that takes an object's key (pages and API) has a cross-user case here: a
signed-in stranger asks for the owner's object, and gets it only where it is public, acts only
on their own rows where the address acts for its caller, and otherwise gets 403 or 404. A new
keyed address fails the first test until it has its case."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from claims.models import Claim, Report
from graph.models import GraphSlice
from profiles.models import Follow
from social.emails import unsubscribe_url
from social.models import Invitation
from social.services import follow_create, invitation_send
from sources.models import FetchJob
from tests.factories import FetchJobFactory, InstitutionFactory, ResearcherFactory, TopicFactory

# The addresses third-party apps bring, each with its own tests: the admin (all behind the
# staff boundary, tests/bzpeer/test_staff_boundary.py) and allauth's account pages.
THIRD_PARTY = ("django.contrib.admin", "allauth")

PUBLIC, OWNER, PARTIES, STAFF, SELF, CREDENTIAL = (
    "public",
    "owner",
    "parties",
    "staff",
    "self",
    "credential",
)

# name: (method, address from the objects, who may)
CASES = {
    "pages:researcher-detail": ("get", "/researchers/{record}/", PUBLIC),
    "pages:researcher-graph": ("get", "/researchers/{record}/graph/", PUBLIC),
    "pages:sitemap-section": ("get", "/sitemap-researchers.xml", PUBLIC),
    "profiles:researcher-edit": ("post", "/researchers/{record}/edit/", OWNER),
    "profiles:researcher-by-orcid": ("get", "/orcid/{orcid}", PUBLIC),
    "profiles:researcher-by-openalex": ("get", "/openalex/A5023888391", PUBLIC),
    "works:work-detail": ("get", "/works/{work}/", PUBLIC),
    "works:work-cite": ("get", "/works/{work}/cite.bib", PUBLIC),
    "works:researcher-feed": ("get", "/researchers/{record}/feed.atom", PUBLIC),
    "works:researcher-works-export": ("get", "/researchers/{record}/works.ris", PUBLIC),
    "sources:work-add": ("post", "/researchers/{record}/works/add/", OWNER),
    "sources:researcher-sources": ("get", "/researchers/{record}/sources/", OWNER),
    "sources:refresh": ("post", "/researchers/{record}/sources/refresh/", OWNER),
    "sources:job-detail": ("get", "/jobs/{job}/", PARTIES),
    "works:work-hide": ("post", "/researchers/{record}/works/{work}/hide/", OWNER),
    "graph:graph-json": ("get", "/researchers/{record}/graph.json", PUBLIC),
    "graph:graph-section": ("get", "/researchers/{record}/graph/section/", PUBLIC),
    "graph:graph-retry": ("post", "/researchers/{record}/graph/retry/", PUBLIC),
    "claims:claim-start": ("post", "/researchers/{record}/claim/", SELF),
    "claims:claim-orcid": ("post", "/researchers/{record}/claim/orcid/", SELF),
    "claims:report": ("post", "/researchers/{record}/report/", SELF),
    "claims:merge-request": ("post", "/researchers/{record}/merge-request/", OWNER),
    "claims:claim-detail": ("get", "/claims/{claim}/", PARTIES),
    "claims:claim-release": ("post", "/claims/{claim}/release/", PARTIES),
    "claims:conversation-report": ("post", "/conversations/{invitation}/report/", PARTIES),
    "claims:staff-review": ("post", "/staff/claims/{claim}/", STAFF),
    "claims:staff-report-decide": ("post", "/staff/reports/{report}/uphold/", STAFF),
    "social:researcher-follow": ("post", "/researchers/{record}/follow/", SELF),
    "social:researcher-followers": ("get", "/researchers/{record}/followers/", OWNER),
    "social:invite": ("post", "/researchers/{record}/invite/", SELF),
    "social:unsubscribe": ("post", "/notifications/unsubscribe/forged-token/", CREDENTIAL),
    "social:conversation": ("get", "/conversations/{invitation}/", PARTIES),
    "social:conversation-act": ("post", "/conversations/{invitation}/accept/", PARTIES),
    "trust:researcher-trust": ("get", "/researchers/{record}/trust/", PUBLIC),
    "api:researcher": ("get", "/api/v1/researchers/{record}/", PUBLIC),
    "api:researcher-works": ("get", "/api/v1/researchers/{record}/works/", PUBLIC),
    "api:researcher-trust": ("get", "/api/v1/researchers/{record}/trust/", PUBLIC),
    "api:researcher-graph": ("get", "/api/v1/researchers/{record}/graph/", PUBLIC),
    "api:work": ("get", "/api/v1/works/{work}/", PUBLIC),
    "api:topic": ("get", "/api/v1/topics/{topic}/", PUBLIC),
    "api:institution": ("get", "/api/v1/institutions/{institution}/", PUBLIC),
    "api:unfollow": ("delete", "/api/v1/me/follows/{record}/", SELF),
    "api:invitation": ("get", "/api/v1/me/invitations/{invitation}/", PARTIES),
    "api:messages": ("get", "/api/v1/me/invitations/{invitation}/messages/", PARTIES),
    "api:invitation-report": ("post", "/api/v1/me/invitations/{invitation}/report/", PARTIES),
    "api:invitation-answer": ("post", "/api/v1/me/invitations/{invitation}/accept/", PARTIES),
    "api:claim": ("get", "/api/v1/me/claims/{claim}/", PARTIES),
    "api:claim-release": ("post", "/api/v1/me/claims/{claim}/release/", PARTIES),
    "api:staff-decision": ("post", "/api/v1/staff/claims/{claim}/decision/", STAFF),
}


def keyed_addresses(patterns=None, namespace=""):
    """(name, route) of every address with a path parameter, third-party apps aside."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from keyed_addresses(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.pattern.regex.groupindex:
            third_party = pattern.callback.__module__.startswith(THIRD_PARTY)
            if not third_party and not namespace.startswith("admin:"):
                yield f"{namespace}{pattern.name}", str(pattern.pattern)


def test_every_keyed_address_has_a_cross_user_case():
    names = {name for name, _ in keyed_addresses()}
    assert names - set(CASES) == set(), "add a cross-user case for these addresses"
    assert set(CASES) - names == set(), "these cases name addresses that are gone"


@pytest.fixture
def objects(cast):
    """The owner's objects, which the stranger asks for."""
    invitation = invitation_send(
        sender=cast.coauthor,
        researcher=cast.owner_record,
        subject="Compilers",
        message="Shall we?",
    )
    report = Report.objects.create(
        researcher=cast.owner_record, kind=Report.Kind.NOT_ME, message="Not her."
    )
    follow_create(user=cast.coauthor, researcher=cast.owner_record)
    GraphSlice.objects.create(researcher=cast.owner_record, state=GraphSlice.State.FAILED)
    ResearcherFactory(orcid="0000-0001-6187-6610", openalex_id="A5023888391")
    return {
        "record": cast.owner_record.slug,
        "orcid": "0000-0001-6187-6610",
        "work": cast.shared_work.public_id,
        "claim": cast.owner_claim.public_id,
        "invitation": invitation.public_id,
        "report": report.pk,
        "topic": TopicFactory().pk,
        "institution": InstitutionFactory().pk,
        "job": FetchJobFactory(user=cast.owner, researcher=cast.owner_record).public_id,
    }


def owners_rows(cast) -> dict:
    return {
        "follows": list(Follow.objects.exclude(user=cast.stranger).values_list("pk", flat=True)),
        "claims": list(Claim.objects.values_list("pk", "status", "claimant_id")),
        "invitations": list(Invitation.objects.values_list("pk", "status", "reported")),
        "jobs": list(FetchJob.objects.values_list("pk", "status")),
        "owner": list(
            type(cast.owner_record)
            .objects.filter(pk=cast.owner_record.pk)
            .values_list("owner_id", "claim_level", "summary")
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_stranger_gets_another_persons_object_only_where_it_is_public(cast, objects, name):
    method, route, who = CASES[name]
    stranger = cast.client("stranger")
    before = owners_rows(cast)
    path = route.format(**objects)
    response = getattr(stranger, method)(path, **({"data": {}} if method == "post" else {}))
    status = response.status_code
    assert status < 500, (name, status)
    if who == PUBLIC:
        assert status in (200, 301, 302), (name, status)
    elif who in (OWNER, PARTIES, CREDENTIAL):
        assert status in (403, 404), (name, status)
        assert owners_rows(cast) == before, name
    elif who == STAFF:
        assert status in (302, 403, 404), (name, status)
        assert not response.get("Location", "").startswith(path)
        assert owners_rows(cast) == before, name
    else:  # SELF: the address acts for its caller; nobody else's rows change
        assert owners_rows(cast) == before, name


@pytest.mark.django_db
def test_an_unsubscribe_link_is_its_owners_credential(cast, client):
    link = unsubscribe_url(cast.owner, "weekly_digest")
    assert client.post(link.replace("unsubscribe/", "unsubscribe/x")).status_code == 404
    assert client.post(link).status_code == 200
    assert not cast.owner.email_settings.weekly_digest
