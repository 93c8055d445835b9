"""The API's works and topics (``/api/v1/``): a work with its ordered byline, identifiers,
venue, topics and source records, found by its id or by ``doi:``, ``arxiv:`` or ``openalex:``;
a researcher's works, newest first."""

import uuid

from django.db.models import BigIntegerField, ExpressionWrapper, F, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bzpeer.lib.api import CursorPage, LineCharField, conditional, query
from bzpeer.lib.identifiers import normalize_arxiv_id, normalize_doi, normalize_openalex_id
from profiles.api import researcher_for_api
from works.models import Authorship, SourceRecord, Topic, Work, byline_prefetch

AUTHORS_LISTED = 20


class AuthorSerializer(serializers.ModelSerializer):
    researcher: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    name = serializers.CharField(source="researcher.display_name")

    class Meta:
        model = Authorship
        fields = ["position", "printed_name", "researcher", "name"]


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "scheme", "code", "name"]


class IdentifiersSerializer(serializers.Serializer):
    doi = serializers.ListField(child=serializers.CharField(), source="dois")
    arxiv = serializers.CharField(source="arxiv_id", allow_null=True)
    openalex = serializers.ListField(child=serializers.CharField(), source="openalex_ids")


class WorkSummarySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    url = serializers.SerializerMethodField()
    venue = serializers.CharField(source="venue.name", allow_null=True, default=None)
    identifiers = IdentifiersSerializer(source="*")
    authors = AuthorSerializer(source="byline", many=True)

    class Meta:
        model = Work
        fields = [
            "id",
            "url",
            "title",
            "kind",
            "publication_year",
            "publication_date",
            "venue",
            "identifiers",
            "authors_count",
            "authors",
        ]

    def get_url(self, work: Work) -> str:
        return self.context["request"].build_absolute_uri(work.get_absolute_url())


class SourceRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = SourceRecord
        fields = ["source", "external_id", "imported_at", "summary"]


class WorkSerializer(WorkSummarySerializer):
    topics = TopicSerializer(many=True)
    source_records = SourceRecordSerializer(source="records", many=True)

    class Meta(WorkSummarySerializer.Meta):
        fields = [
            *WorkSummarySerializer.Meta.fields,
            "abstract",
            "first_posted",
            "arxiv_version",
            "last_revised",
            "journal_ref",
            "topics",
            "source_records",
            "sources",
            "updated_at",
        ]


# A cursor needs one key no two rows share: the year (none sorts last) and then the newer
# record, folded into one number.
ID_SPAN = 10**10


class NewestFirst(CursorPage):
    ordering = ("-year_key",)


class ResearcherWorks(generics.ListAPIView):
    """A researcher's public works, newest first, with the first 20 names of each byline."""

    serializer_class = WorkSummarySerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        researcher = researcher_for_api(self.kwargs["slug"])
        return (
            Work.objects.by_researcher(researcher)
            .annotate(
                year_key=ExpressionWrapper(
                    Coalesce("publication_year", Value(0)) * ID_SPAN + F("id"),
                    output_field=BigIntegerField(),
                )
            )
            .select_related("venue")
            .prefetch_related(byline_prefetch(AUTHORS_LISTED), "identifiers")
        )


def work_for_key(key: str) -> Work:
    """A work by its BZPEER id or ``doi:…``, ``arxiv:…``, ``openalex:W…``; else 404."""
    works = Work.objects.in_full()
    scheme, _, value = key.partition(":")
    normalize = {
        "doi": normalize_doi,
        "arxiv": normalize_arxiv_id,
        "openalex": lambda v: normalize_openalex_id(v, "W"),
    }
    if value and scheme in normalize:
        normalized = normalize[scheme](value[:300])
        work = works.identified_by(scheme, normalized).first() if normalized else None
    else:
        try:
            work = works.filter(public_id=uuid.UUID(key[:40])).first()
        except ValueError:
            work = None
    if work is None:
        raise Http404("No such work.")
    return work


@extend_schema(
    parameters=[
        OpenApiParameter(
            "key",
            str,
            OpenApiParameter.PATH,
            description="The work's id, or doi:10.…, arxiv:…, openalex:W…",
        )
    ]
)
class WorkDetail(generics.RetrieveAPIView):
    """One work with its ordered byline (up to 500 names), identifiers, venue, topics and the
    source records it came from. ``ETag``/``Last-Modified``: 304 when unchanged."""

    serializer_class = WorkSerializer

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        work = work_for_key(self.kwargs["key"])
        return conditional(
            request,
            version=f"{work.pk}:{work.updated_at}",
            modified=work.updated_at,
            build=lambda: Response(self.get_serializer(work).data),
        )


class TopicQuery(serializers.Serializer):
    q = LineCharField(
        required=False, allow_blank=True, max_length=200, help_text="Part of the name."
    )


class ByTopic(CursorPage):
    ordering = ("id",)


class TopicList(generics.ListAPIView):
    """Topics; ``q`` for part of the name."""

    serializer_class = TopicSerializer
    pagination_class = ByTopic

    @extend_schema(parameters=[TopicQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        topics = Topic.objects.all()
        if words := query(self.request, TopicQuery).get("q", "").strip():
            topics = topics.filter(name__icontains=words)
        return topics


class TopicDetail(generics.RetrieveAPIView):
    serializer_class = TopicSerializer
    queryset = Topic.objects.all()
