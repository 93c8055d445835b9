from datetime import UTC, date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from bzpeer.lib.names import name_key, parse_name, title_key
from profiles.models import Institution, Researcher, User
from works.models import Authorship, Topic, Venue, Work, WorkIdentifier


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def two_factor(user, create, extracted, **kwargs):
        """Staff have two-factor authentication on, as the site requires of them."""
        if create and user.is_staff and extracted is not False:
            from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

            TOTP.activate(user, generate_totp_secret())


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Institute {n}")
    country_code = "GB"


class ResearcherFactory(DjangoModelFactory):
    class Meta:
        model = Researcher

    display_name = factory.Faker("name")
    name_key = factory.LazyAttribute(lambda o: name_key(o.display_name))
    match_key = factory.LazyAttribute(lambda o: parse_name(o.display_name).match_key)
    slug = factory.Sequence(lambda n: f"researcher-{n}")
    sources = factory.LazyFunction(lambda: ["arxiv"])


class VenueFactory(DjangoModelFactory):
    class Meta:
        model = Venue
        django_get_or_create = ["name"]

    name = "arXiv"
    kind = "repository"


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["scheme", "code"]

    scheme = "arxiv"
    code = "cs.LG"
    name = "Machine Learning"


class WorkFactory(DjangoModelFactory):
    class Meta:
        model = Work
        skip_postgeneration_save = True

    title = factory.Faker("sentence", nb_words=8)
    title_key = factory.LazyAttribute(lambda o: title_key(o.title))
    abstract = factory.Faker("paragraph")
    kind = "preprint"
    publication_date = factory.Faker("date_between", start_date="-10y", end_date="today")
    publication_year = factory.LazyAttribute(lambda o: o.publication_date.year)
    venue = factory.SubFactory(VenueFactory)
    sources = factory.LazyFunction(lambda: ["arxiv"])
    primary_source = "arxiv"
    byline_source = "arxiv"
    identifier = factory.RelatedFactory(
        "tests.factories.WorkIdentifierFactory", factory_related_name="work"
    )


class WorkIdentifierFactory(DjangoModelFactory):
    class Meta:
        model = WorkIdentifier

    work = factory.SubFactory("tests.factories.WorkFactory", identifier=None)
    scheme = "arxiv"
    value = factory.Sequence(lambda n: f"2101.{n:05d}")


class AuthorshipFactory(DjangoModelFactory):
    class Meta:
        model = Authorship

    work = factory.SubFactory(WorkFactory)
    researcher = factory.SubFactory(ResearcherFactory)
    position = factory.Sequence(lambda n: n)
    printed_name = factory.LazyAttribute(lambda o: o.researcher.display_name)


class FollowFactory(DjangoModelFactory):
    class Meta:
        model = "profiles.Follow"

    user = factory.SubFactory(UserFactory)
    researcher = factory.SubFactory(ResearcherFactory)


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = "social.Notification"

    user = factory.SubFactory(UserFactory)
    kind = "new_follower"
    text = factory.Faker("sentence")
    key = factory.Sequence(lambda n: f"factory:{n}")


class InvitationFactory(DjangoModelFactory):
    """An invitation to the owner of a claimed record (``researcher__owner`` by default)."""

    class Meta:
        model = "social.Invitation"

    sender = factory.SubFactory(UserFactory)
    researcher = factory.SubFactory(
        ResearcherFactory, owner=factory.SubFactory(UserFactory), claim_level=2
    )
    recipient = factory.LazyAttribute(lambda o: o.researcher.owner)
    subject = factory.Faker("sentence", nb_words=4)
    message = factory.Faker("paragraph")


class ClaimFactory(DjangoModelFactory):
    class Meta:
        model = "claims.Claim"

    researcher = factory.SubFactory(ResearcherFactory)
    claimant = factory.SubFactory(UserFactory)
    status = "pending"


class SlugRedirectFactory(DjangoModelFactory):
    class Meta:
        model = "profiles.SlugRedirect"

    slug = factory.Sequence(lambda n: f"old-name-{n}")
    researcher = factory.SubFactory(ResearcherFactory)


class OpenAlexRedirectFactory(DjangoModelFactory):
    class Meta:
        model = "profiles.OpenAlexRedirect"

    openalex_id = factory.Sequence(lambda n: f"A{9000000000 + n}")
    researcher = factory.SubFactory(ResearcherFactory)


class ResearcherChangeFactory(DjangoModelFactory):
    class Meta:
        model = "profiles.ResearcherChange"

    kind = "merge"
    researcher = factory.SubFactory(ResearcherFactory)
    other_name = factory.Faker("name")
    other_slug = factory.Sequence(lambda n: f"merged-{n}")
    reason = "The same person."


class WorkAdditionFactory(DjangoModelFactory):
    class Meta:
        model = "works.WorkAddition"

    researcher = factory.SubFactory(ResearcherFactory)
    work = factory.SubFactory(WorkFactory)


class NotificationSettingsFactory(DjangoModelFactory):
    class Meta:
        model = "social.NotificationSettings"
        django_get_or_create = ["user"]

    user = factory.SubFactory(UserFactory)


class MessageFactory(DjangoModelFactory):
    class Meta:
        model = "social.Message"

    invitation = factory.SubFactory(InvitationFactory, status="accepted")
    author = factory.LazyAttribute(lambda o: o.invitation.sender)
    body = factory.Faker("paragraph")


class BlockFactory(DjangoModelFactory):
    class Meta:
        model = "social.Block"

    blocker = factory.SubFactory(UserFactory)
    blocked = factory.SubFactory(UserFactory)


class TrustHistoryFactory(DjangoModelFactory):
    class Meta:
        model = "trust.TrustHistory"

    researcher = factory.SubFactory(ResearcherFactory)
    score = 25
    verification_level = 1
    formula_version = 1
    components = factory.LazyFunction(lambda: [{"name": "Verification", "points": 25}])
    event = "imported"


class SourceRecordFactory(DjangoModelFactory):
    class Meta:
        model = "works.SourceRecord"

    source = "arxiv"
    external_id = factory.Sequence(lambda n: f"2101.{n:05d}")
    content_hash = factory.Faker("sha256")
    imported_at = factory.Faker("date_time", tzinfo=UTC)
    work = factory.SubFactory(WorkFactory)


class SnapshotPartitionFactory(DjangoModelFactory):
    class Meta:
        model = "works.SnapshotPartition"

    entity = "works"
    updated_date = factory.Sequence(lambda n: date(2025, 1, 1) + timedelta(days=n))
    records = 400_000
    loaded_at = factory.Faker("date_time", tzinfo=UTC)


class AttributionDecisionFactory(DjangoModelFactory):
    class Meta:
        model = "works.AttributionDecision"

    source = "arxiv"
    external_id = factory.Sequence(lambda n: f"2101.{n:05d}")
    printed_name = factory.Faker("name")
    rule = "new"
    detail = "No researcher fits: a new record."


class GraphSliceFactory(DjangoModelFactory):
    class Meta:
        model = "graph.GraphSlice"
        django_get_or_create = ["researcher"]

    researcher = factory.SubFactory(ResearcherFactory)


class EvidenceFactory(DjangoModelFactory):
    class Meta:
        model = "claims.Evidence"

    claim = factory.SubFactory(ClaimFactory)
    kind = "other"
    statement = "These are my papers."
    summary = "Links and a statement, for staff to check."


class ClaimEventFactory(DjangoModelFactory):
    class Meta:
        model = "claims.ClaimEvent"

    claim = factory.SubFactory(ClaimFactory)
    action = "submitted"
    to_status = "pending"


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = "claims.Report"

    researcher = factory.SubFactory(ResearcherFactory)
    kind = "not-me"
    message = "This is not me."


class ApiTokenFactory(DjangoModelFactory):
    """A token row; its text is unknown (only the hash is stored): to use one in a request,
    make it with profiles.services.api_token_create."""

    class Meta:
        model = "profiles.ApiToken"

    user = factory.SubFactory(UserFactory)
    name = "Reference manager"
    prefix = factory.Sequence(lambda n: f"{n:08x}")
    secret_hash = factory.LazyFunction(lambda: "0" * 64)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class FetchJobFactory(DjangoModelFactory):
    class Meta:
        model = "sources.FetchJob"

    kind = "refresh"
    user = factory.SubFactory(UserFactory)
    researcher = factory.SubFactory(ResearcherFactory, owner=factory.SelfAttribute("..user"))
    keys = factory.LazyFunction(lambda: ["openalex:A5023888391"])


class SourceReadFactory(DjangoModelFactory):
    class Meta:
        model = "sources.SourceRead"

    researcher = factory.SubFactory(ResearcherFactory)
    source = "openalex"
    read_at = factory.LazyFunction(timezone.now)
