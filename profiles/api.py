"""The API's researchers, institutions and account (``/api/v1/``): what the profile pages show,
as JSON."""

from typing import cast

from django.db.models import BigIntegerField, ExpressionWrapper, F
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bzpeer.lib.api import CursorPage, LineCharField, SignedIn, conditional, query
from bzpeer.lib.identifiers import normalize_openalex_id, normalize_orcid
from profiles.models import Institution, Researcher, User
from profiles.services import account_rename


class InstitutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = ["id", "name", "country_code", "kind", "ror", "openalex_id"]


class ResearcherSummarySerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    institution = InstitutionSerializer(allow_null=True)
    trust_band = serializers.CharField()
    claimed = serializers.BooleanField(source="is_claimed")

    class Meta:
        model = Researcher
        fields = [
            "slug",
            "display_name",
            "url",
            "orcid",
            "openalex_id",
            "institution",
            "works_count",
            "followers_count",
            "top_topics",
            "trust_score",
            "trust_band",
            "verification_level",
            "claimed",
        ]

    def get_url(self, researcher: Researcher) -> str:
        return self.context["request"].build_absolute_uri(researcher.get_absolute_url())


class TrustPartSerializer(serializers.Serializer):
    """One part of the trust score (docs/trust.md): its points of its maximum, why, and what
    would raise it."""

    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the part's label, a field
    value = serializers.FloatField()
    maximum = serializers.FloatField()
    explanation = serializers.CharField()
    to_raise = serializers.CharField()


class ResearcherSerializer(ResearcherSummarySerializer):
    trust_parts = TrustPartSerializer(source="trust_components", many=True)

    class Meta(ResearcherSummarySerializer.Meta):
        fields = [
            *ResearcherSummarySerializer.Meta.fields,
            "other_names",
            "summary_line",
            "topics_count",
            "close_collaborators_count",
            "first_year",
            "last_year",
            "trust_parts",
            "stats_refreshed_at",
            "sources",
            "open_to_collaborate",
            "collaboration_topics",
            "collaboration_capacity",
            "updated_at",
        ]


# A cursor needs one ordering key that no two rows share: most works first (then the older
# record) folded into one number, or the slug.
ID_SPAN = 10**10
_ORDERINGS = {"prominence": ("-prominence",), "name": ("slug",)}


class ByProminence(CursorPage):
    ordering = _ORDERINGS["prominence"]


class ByName(CursorPage):
    ordering = _ORDERINGS["name"]


class ByInstitution(CursorPage):
    ordering = ("id",)


class ResearcherQuery(serializers.Serializer):
    q = LineCharField(
        required=False, allow_blank=True, max_length=200, help_text="Words of the name."
    )
    orcid = LineCharField(required=False, allow_blank=True, max_length=100, help_text="ORCID iD.")
    openalex = LineCharField(
        required=False, allow_blank=True, max_length=100, help_text="OpenAlex A…."
    )
    institution = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    topic = LineCharField(
        required=False, allow_blank=True, max_length=255, help_text="A top topic."
    )
    # Missing from a query string reads as false for a BooleanField: a choice keeps it unset.
    claimed = serializers.ChoiceField(choices=["true", "false"], required=False, allow_blank=True)
    order = serializers.ChoiceField(
        choices=list(_ORDERINGS), required=False, allow_blank=True, help_text="Prominence first."
    )


@extend_schema(parameters=[ResearcherQuery])
class ResearcherList(generics.ListAPIView):
    """Researchers, most prominent first (or by name)."""

    serializer_class = ResearcherSummarySerializer

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            order = self.request.query_params.get("order", "prominence")
            self._paginator = ByName() if order == "name" else ByProminence()
        return self._paginator

    def get_queryset(self):
        params = query(self.request, ResearcherQuery)
        researchers = Researcher.objects.select_related("institution").annotate(
            # A big integer: compared as the small counts it is built from, Django would drop
            # a cursor's condition as out of range.
            prominence=ExpressionWrapper(
                F("works_count") * ID_SPAN + (ID_SPAN - F("id")), output_field=BigIntegerField()
            )
        )
        if words := params.get("q", "").strip():
            researchers = researchers.search(words)
        if "orcid" in params:
            researchers = researchers.filter(orcid=normalize_orcid(params["orcid"]) or "-")
        if "openalex" in params:
            openalex = normalize_openalex_id(params["openalex"], "A") or "-"
            researchers = researchers.filter(openalex_id=openalex)
        if "institution" in params:
            researchers = researchers.filter(institution_id=params["institution"])
        if topic := params.get("topic", "").strip():
            researchers = researchers.filter(top_topics__contains=[topic])
        if params.get("claimed"):
            researchers = researchers.filter(owner__isnull=params["claimed"] == "false")
        return researchers


class ResearcherDetail(generics.RetrieveAPIView):
    """One researcher: counts, trust snapshot with its parts, verification level, claimed or
    not, identifiers and sources. ``ETag``/``Last-Modified``: 304 when unchanged."""

    serializer_class = ResearcherSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Researcher.objects.select_related("institution")

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        researcher = self.get_object()
        return conditional(
            request,
            version=f"{researcher.pk}:{researcher.updated_at}:{researcher.stats_refreshed_at}",
            modified=max(filter(None, [researcher.updated_at, researcher.stats_refreshed_at])),
            build=lambda: Response(self.get_serializer(researcher).data),
        )


def person(request: Request) -> User:
    """The signed-in person of a request that passed SignedIn."""
    return cast(User, request.user)


def researcher_for_api(slug: str) -> Researcher:
    """The researcher the API's ``researchers/<slug>/…`` addresses name, else 404."""
    return get_object_or_404(Researcher, slug=slug)


class InstitutionQuery(serializers.Serializer):
    q = LineCharField(
        required=False, allow_blank=True, max_length=200, help_text="Part of the name."
    )
    country = LineCharField(
        required=False, allow_blank=True, max_length=2, help_text="ISO 3166 code."
    )


class InstitutionList(generics.ListAPIView):
    """Institutions; ``q`` for part of the name, ``country`` for an ISO code."""

    serializer_class = InstitutionSerializer
    pagination_class = ByInstitution

    @extend_schema(parameters=[InstitutionQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = query(self.request, InstitutionQuery)
        institutions = Institution.objects.all()
        if words := params.get("q", "").strip():
            institutions = institutions.filter(name__icontains=words)
        if country := params.get("country", "").strip():
            institutions = institutions.filter(country_code__iexact=country)
        return institutions


class InstitutionDetail(generics.RetrieveAPIView):
    serializer_class = InstitutionSerializer
    queryset = Institution.objects.all()


class AccountSerializer(serializers.ModelSerializer):
    name = LineCharField(max_length=200)
    records = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["email", "name", "date_joined", "records"]
        read_only_fields = ["email", "date_joined"]

    def get_records(self, user: User) -> list[str]:
        return [r.slug for r in user.researchers.all()]


class Account(generics.RetrieveUpdateAPIView):
    """The signed-in person's account: their name (as others see it) and their records."""

    serializer_class = AccountSerializer
    permission_classes = [SignedIn]
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> User:
        return User.objects.prefetch_related("researchers").get(pk=person(self.request).pk)

    def perform_update(self, serializer) -> None:
        if "name" in serializer.validated_data:
            account_rename(user=person(self.request), name=serializer.validated_data["name"])
