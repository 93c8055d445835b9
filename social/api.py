"""The API of a signed-in person's social side (``/api/v1/me/…``): follows, the feed,
notifications, invitations and their conversations, under the rules and limits of the pages
(social.services; the follow and message rate limits)."""

from allauth.core import ratelimit
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from bzpeer.lib.api import (
    CursorPage,
    LineCharField,
    NewestFirst,
    OldestFirst,
    ParagraphsCharField,
    Refused,
    SignedIn,
    SlugText,
    TokenScope,
    UUIDText,
    WholeNumber,
)
from profiles.api import ResearcherSummarySerializer, person, researcher_for_api
from profiles.models import Researcher
from social.models import Invitation, Message, Notification
from social.services import (
    InvitationError,
    follow_create,
    follow_delete,
    get_invitation_for_user,
    invitation_accept,
    invitation_decline,
    invitation_send,
    message_send,
)
from works.api import WorkSummarySerializer
from works.models import Work, byline_prefetch

ME = [SignedIn, TokenScope]


class TooOften(exceptions.Throttled):
    default_detail = "You are doing that too often: wait a little and try again."


def limited(request: Request, action: str) -> None:
    """The pages' per-person limit for ``action`` (settings.ACCOUNT_RATE_LIMITS)."""
    if not ratelimit.consume(request._request, action=action, user=person(request)):
        raise TooOften()


def refused(exc: Exception) -> exceptions.APIException:
    """A service's refusal as the API answers it: 403 for who may not, 409 for a rule."""
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(str(exc))
    return Refused(str(exc))


class FollowedSerializer(serializers.Serializer):
    researcher = SlugText(max_length=120)


class FollowState(serializers.Serializer):
    following = serializers.BooleanField()
    followers_count = serializers.IntegerField()


class BySlug(CursorPage):
    ordering = ("slug",)


class Follows(generics.ListCreateAPIView):
    """The researchers this person follows; POST ``{"researcher": slug}`` follows one (twice is
    a no-op) and answers with the exact follower count."""

    permission_classes = ME
    pagination_class = BySlug

    def get_serializer_class(self):
        return FollowedSerializer if self.request.method == "POST" else ResearcherSummarySerializer

    def get_queryset(self):
        return Researcher.objects.filter(follows__user=person(self.request)).select_related(
            "institution"
        )

    @extend_schema(request=FollowedSerializer, responses={201: FollowState})
    def post(self, request: Request) -> Response:
        serializer = FollowedSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        researcher = researcher_for_api(serializer.validated_data["researcher"])
        limited(request, "follow")
        follow_create(user=person(request), researcher=researcher)
        researcher.refresh_from_db(fields=["followers_count"])
        data = {"following": True, "followers_count": researcher.followers_count}
        return Response(data, status=status.HTTP_201_CREATED)


class Unfollow(generics.GenericAPIView):
    """Stop following a researcher (not following is a no-op)."""

    permission_classes = ME
    serializer_class = FollowState

    def delete(self, request: Request, slug: str) -> Response:
        researcher = researcher_for_api(slug)
        limited(request, "follow")
        follow_delete(user=person(request), researcher=researcher)
        researcher.refresh_from_db(fields=["followers_count"])
        return Response({"following": False, "followers_count": researcher.followers_count})


class Feed(generics.ListAPIView):
    """New works by the researchers this person follows, newest on BZPEER first."""

    permission_classes = ME
    serializer_class = WorkSummarySerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        return (
            Work.objects.by_followed(person(self.request))
            .select_related("venue")
            .prefetch_related(byline_prefetch(20), "identifiers")
        )


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "url", "created_at", "read_at"]


class Notifications(generics.ListAPIView):
    """This person's notifications, newest first."""

    permission_classes = ME
    serializer_class = NotificationSerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        return Notification.objects.filter(user=person(self.request))


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=WholeNumber(), required=False, max_length=500)


class MarkRead(generics.GenericAPIView):
    """Mark notifications read: ``{"ids": [...]}``, or all of them when ``ids`` is absent."""

    permission_classes = ME
    serializer_class = MarkReadSerializer

    @extend_schema(
        responses={200: inline_serializer("Marked", {"marked": serializers.IntegerField()})}
    )
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        mine = Notification.objects.filter(user=person(request), read_at__isnull=True)
        if "ids" in serializer.validated_data:
            mine = mine.filter(pk__in=serializer.validated_data["ids"])
        return Response({"marked": mine.update(read_at=timezone.now())})


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.name")
    mine = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "author", "mine", "body", "created_at"]

    def get_mine(self, message: Message) -> bool:
        return message.author_id == self.context["request"].user.pk


class InvitationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    researcher: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    role = serializers.SerializerMethodField()
    work = serializers.UUIDField(source="work.public_id", allow_null=True, read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "researcher", "role", "subject", "message", "work", "status", "created_at"]

    def get_role(self, invitation: Invitation) -> str:
        return "sender" if invitation.sender_id == self.context["request"].user.pk else "recipient"


class NewInvitation(serializers.Serializer):
    researcher = SlugText(max_length=120)
    subject = LineCharField(max_length=200)
    message = ParagraphsCharField(max_length=5000)
    work = UUIDText(required=False, allow_null=True)


class Invitations(generics.ListCreateAPIView):
    """This person's invitations, sent and received; POST sends one, under the pages' rules
    (a claimed record open to collaborate, five a day, one open per pair, ...)."""

    permission_classes = ME
    pagination_class = NewestFirst

    def get_serializer_class(self):
        return NewInvitation if self.request.method == "POST" else InvitationSerializer

    def get_queryset(self):
        return Invitation.objects.involving(person(self.request)).select_related(
            "researcher", "work"
        )

    @extend_schema(request=NewInvitation, responses={201: InvitationSerializer})
    def post(self, request: Request) -> Response:
        serializer = NewInvitation(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        researcher = researcher_for_api(data["researcher"])
        work = None
        if data.get("work"):
            work = Work.objects.filter(public_id=data["work"]).first()
            if work is None:
                raise Refused("No such work.")
        try:
            invitation = invitation_send(
                sender=person(request),
                researcher=researcher,
                subject=data["subject"],
                message=data["message"],
                work=work,
            )
        except (InvitationError, PermissionDenied) as exc:
            raise refused(exc) from exc
        body = InvitationSerializer(invitation, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


def invitation_for(request: Request, public_id) -> Invitation:
    try:
        return get_invitation_for_user(person(request), public_id)
    except Invitation.DoesNotExist as exc:
        raise Http404("No such conversation.") from exc


class InvitationDetail(generics.RetrieveAPIView):
    """One invitation of this person's."""

    permission_classes = ME
    serializer_class = InvitationSerializer

    def get_object(self) -> Invitation:
        return invitation_for(self.request, self.kwargs["public_id"])


class Answer(serializers.Serializer):
    reason = LineCharField(max_length=500, required=False, default="")


class InvitationAnswer(generics.GenericAPIView):
    """The person invited accepts, declines, or declines and blocks the sender."""

    permission_classes = ME
    serializer_class = Answer

    @extend_schema(responses={200: InvitationSerializer}, operation_id="me_invitations_answer")
    def post(self, request: Request, public_id, action: str) -> Response:
        if action not in ("accept", "decline", "block"):
            raise Http404("No such action.")
        invitation = invitation_for(request, public_id)
        serializer = Answer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            if action == "accept":
                invitation_accept(invitation=invitation, user=person(request))
            else:
                invitation_decline(
                    invitation=invitation,
                    user=person(request),
                    reason=serializer.validated_data["reason"],
                    block=action == "block",
                )
        except (InvitationError, PermissionDenied) as exc:
            raise refused(exc) from exc
        invitation.refresh_from_db()
        return Response(InvitationSerializer(invitation, context={"request": request}).data)


class NewMessage(serializers.Serializer):
    body = ParagraphsCharField(max_length=5000)


class Messages(generics.ListCreateAPIView):
    """The messages of one of this person's conversations, oldest first; POST writes one
    (once the invitation is accepted; 20 a minute)."""

    permission_classes = ME
    pagination_class = OldestFirst

    def get_serializer_class(self):
        return NewMessage if self.request.method == "POST" else MessageSerializer

    def get_queryset(self):
        invitation = invitation_for(self.request, self.kwargs["public_id"])
        return invitation.messages.select_related("author")

    @extend_schema(request=NewMessage, responses={201: MessageSerializer})
    def post(self, request: Request, public_id) -> Response:
        invitation = invitation_for(request, public_id)
        serializer = NewMessage(data=request.data)
        serializer.is_valid(raise_exception=True)
        limited(request, "message")
        try:
            message = message_send(
                invitation=invitation, user=person(request), body=serializer.validated_data["body"]
            )
        except (InvitationError, PermissionDenied) as exc:
            raise refused(exc) from exc
        body = MessageSerializer(message, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)
