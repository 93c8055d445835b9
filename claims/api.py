"""The API's claims (``/api/v1/me/claims/``, ``/api/v1/staff/claims/``): a person starts a
claim with an institutional email or evidence, follows its state and history, releases a
record; staff, in a session that passed two-factor authentication, decide."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from bzpeer.lib.api import (
    EmailText,
    LineCharField,
    NewestFirst,
    OldestFirst,
    ParagraphsCharField,
    Refused,
    SignedIn,
    SlugText,
    StaffSession,
    TokenScope,
)
from claims.models import Claim, ClaimEvent, Evidence
from claims.services import (
    ClaimError,
    claim_approve,
    claim_reject,
    claim_release,
    claim_revoke,
    claim_submit,
    conversation_report,
    verified_emails,
)
from profiles.api import person, researcher_for_api
from social.api import invitation_for, limited, refused

ME = [SignedIn, TokenScope]


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["kind", "is_proof", "summary", "created_at"]


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClaimEvent
        fields = ["action", "from_status", "to_status", "reason", "created_at"]


class ClaimSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    researcher: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    evidence = EvidenceSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "researcher",
            "status",
            "level",
            "name_matches",
            "decision_reason",
            "decided_at",
            "created_at",
            "evidence",
            "events",
        ]


class NewClaim(serializers.Serializer):
    researcher = SlugText(max_length=120)
    kind = serializers.ChoiceField(choices=[Evidence.Kind.INSTITUTIONAL_EMAIL, Evidence.Kind.OTHER])
    email = EmailText(required=False, help_text="One of your verified addresses.")
    links = ParagraphsCharField(max_length=2000, required=False)
    statement = ParagraphsCharField(max_length=5000, required=False)

    def validate(self, data: dict) -> dict:
        if data["kind"] == Evidence.Kind.INSTITUTIONAL_EMAIL and not data.get("email"):
            raise Refused("A claim by email names one of your verified addresses.")
        if data["kind"] == Evidence.Kind.OTHER and not (
            data.get("links", "").strip() or data.get("statement", "").strip()
        ):
            raise Refused("A claim by evidence gives links or a statement.")
        return data


def _claims():
    return Claim.objects.select_related("researcher").prefetch_related("evidence", "events")


class MyClaims(generics.ListCreateAPIView):
    """This person's claims, newest first; POST starts one (ten attempts an hour)."""

    permission_classes = ME
    pagination_class = NewestFirst

    def get_serializer_class(self):
        return NewClaim if self.request.method == "POST" else ClaimSerializer

    def get_queryset(self):
        return _claims().filter(claimant=person(self.request))

    @extend_schema(request=NewClaim, responses={201: ClaimSerializer})
    def post(self, request: Request) -> Response:
        serializer = NewClaim(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        researcher = researcher_for_api(data["researcher"])
        limited(request, "claim")
        mine = {e.lower() for e in verified_emails(person(request))}
        if data["kind"] == Evidence.Kind.INSTITUTIONAL_EMAIL and data["email"].lower() not in mine:
            raise Refused("That is not one of your verified addresses.")
        try:
            claim = claim_submit(
                user=person(request),
                researcher=researcher,
                kind=data["kind"],
                email=data.get("email", ""),
                links=data.get("links", ""),
                statement=data.get("statement", ""),
            )
        except ClaimError as exc:
            raise refused(exc) from exc
        body = ClaimSerializer(_claims().get(pk=claim.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class MyClaim(generics.RetrieveAPIView):
    """One of this person's claims, with its evidence and history."""

    permission_classes = ME
    serializer_class = ClaimSerializer
    lookup_field = "public_id"

    def get_queryset(self):
        return _claims().filter(claimant=person(self.request))


class Reason(serializers.Serializer):
    reason = LineCharField(max_length=500, required=False, default="")


class ReleaseClaim(generics.GenericAPIView):
    """The owner gives their record up; it becomes unclaimed."""

    permission_classes = ME
    serializer_class = Reason

    @extend_schema(responses={200: ClaimSerializer})
    def post(self, request: Request, public_id) -> Response:
        claim = generics.get_object_or_404(
            _claims().filter(claimant=person(request)), public_id=public_id
        )
        serializer = Reason(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            claim_release(
                claim=claim, user=person(request), reason=serializer.validated_data["reason"]
            )
        except ClaimError as exc:
            raise refused(exc) from exc
        return Response(ClaimSerializer(_claims().get(pk=claim.pk)).data)


class ReportReason(serializers.Serializer):
    reason = ParagraphsCharField(max_length=4000, required=False, default="")


class ReportConversation(generics.GenericAPIView):
    """Either side reports a conversation to staff, who may then read it."""

    permission_classes = ME
    serializer_class = ReportReason

    @extend_schema(responses={201: None})
    def post(self, request: Request, public_id) -> Response:
        invitation = invitation_for(request, public_id)
        serializer = ReportReason(data=request.data)
        serializer.is_valid(raise_exception=True)
        limited(request, "report")
        conversation_report(
            invitation=invitation, user=person(request), reason=serializer.validated_data["reason"]
        )
        return Response(status=status.HTTP_201_CREATED)


class StaffClaimSerializer(ClaimSerializer):
    claimant = serializers.EmailField(source="claimant.email", read_only=True)

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "claimant"]


class StaffQueue(generics.ListAPIView):
    """Claims waiting for staff (pending or disputed), oldest first."""

    permission_classes = [StaffSession]
    serializer_class = StaffClaimSerializer
    pagination_class = OldestFirst

    def get_queryset(self):
        return _claims().open().select_related("claimant")


class Decision(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject", "revoke"])
    reason = LineCharField(max_length=500)


class StaffDecision(generics.GenericAPIView):
    """Staff approve, reject or revoke a claim, with a reason (written to its history)."""

    permission_classes = [StaffSession]
    serializer_class = Decision

    @extend_schema(responses={200: StaffClaimSerializer})
    def post(self, request: Request, public_id) -> Response:
        claim = generics.get_object_or_404(Claim.objects.all(), public_id=public_id)
        serializer = Decision(data=request.data)
        serializer.is_valid(raise_exception=True)
        decide = {"approve": claim_approve, "reject": claim_reject, "revoke": claim_revoke}
        data = serializer.validated_data
        try:
            decide[data["decision"]](claim=claim, staff=person(request), reason=data["reason"])
        except (ClaimError, PermissionDenied) as exc:
            raise refused(exc) from exc
        claim = _claims().select_related("claimant").get(pk=claim.pk)
        return Response(StaffClaimSerializer(claim).data)
