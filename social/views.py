"""The social app's pages: following and the follow button, followers, the feed,
notifications and their emails, invitations and conversations."""

from typing import cast

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Field
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bzpeer.lib.pagination import RESEARCHERS_PER_PAGE, WORKS_PER_PAGE, page_or_last
from bzpeer.lib.staff import is_staff_session
from profiles.models import Follow, Researcher, User
from profiles.views import get_researcher_for_owner
from social.emails import read_unsubscribe_token
from social.forms import CONVERSATION_FORMS, EmailSettingsForm, InvitationForm
from social.models import Invitation, Notification, NotificationSettings
from social.services import (
    InvitationError,
    can_invite,
    email_settings,
    follow_create,
    follow_delete,
    get_invitation_for_user,
    invitation_accept,
    invitation_decline,
    invitation_send,
    message_send,
)
from works.models import Work


@login_required
def following(request):
    researchers = (
        Researcher.objects.filter(follows__user=request.user)
        .select_related("institution")
        .order_by("display_name", "id")
    )
    page = page_or_last(Paginator(researchers, RESEARCHERS_PER_PAGE), request.GET.get("page"))
    return render(request, "social/following.html", {"page": page})


@login_required
def feed(request):
    """New works by the researchers this person follows, newest first."""
    works = Work.objects.by_followed(request.user).listed()
    page = page_or_last(Paginator(works, WORKS_PER_PAGE), request.GET.get("page"))
    return render(request, "social/feed.html", {"page": page})


@login_required
def notifications(request):
    items = Notification.objects.filter(user=request.user)
    page = page_or_last(Paginator(items, 30), request.GET.get("page"))
    unread = [n.pk for n in page.object_list if n.read_at is None]
    Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return render(request, "social/notifications.html", {"page": page, "unread": set(unread)})


@login_required
def email_settings_view(request):
    form = EmailSettingsForm(request.POST or None, instance=email_settings(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved.")
        return redirect("social:email-settings")
    return render(request, "social/email_settings.html", {"form": form})


@csrf_exempt
def unsubscribe(request, token):
    """One click from an email, no login: GET shows what it does, POST (also what mail
    programs send for one-click unsubscribe, RFC 8058, with no CSRF token) turns that kind
    of email off. The signed token in the address is the credential."""
    try:
        user_id, kind = read_unsubscribe_token(token)
    except signing.SignatureExpired:
        context = {"expired": True}
        return render(request, "social/unsubscribe.html", context, status=410)
    except (signing.BadSignature, KeyError, ValueError) as exc:
        raise Http404("This unsubscribe link is not valid.") from exc
    user = get_object_or_404(User, pk=user_id)
    label = cast(Field, NotificationSettings._meta.get_field(kind)).verbose_name
    done = False
    if request.method == "POST":
        NotificationSettings.objects.update_or_create(user=user, defaults={kind: False})
        done = True
    return render(request, "social/unsubscribe.html", {"label": label, "done": done})


@login_required
def invite(request, slug):
    researcher = get_object_or_404(Researcher, slug=slug)
    blocked = can_invite(request.user, researcher)
    form = InvitationForm(request.POST or None, researcher=researcher)
    if request.method == "POST" and not blocked and form.is_valid():
        try:
            invitation = invitation_send(
                sender=request.user, researcher=researcher, **form.cleaned_data
            )
        except InvitationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Invitation sent.")
            return redirect(invitation)
    context = {"researcher": researcher, "form": form, "blocked": blocked}
    return render(request, "social/invite.html", context)


@login_required
def conversations(request):
    items = (
        Invitation.objects.involving(request.user)
        .select_related("sender", "recipient", "researcher")
        .order_by("-created_at")
    )
    page = page_or_last(Paginator(items, 30), request.GET.get("page"))
    return render(request, "social/conversations.html", {"page": page})


def conversation_or_404(request, public_id) -> Invitation:
    """The conversation if this request's person may see it (staff: once reported), else 404."""
    try:
        return get_invitation_for_user(request.user, public_id, staff=is_staff_session(request))
    except Invitation.DoesNotExist as exc:
        raise Http404("No such conversation.") from exc


@login_required
def conversation(request, public_id):
    invitation = conversation_or_404(request, public_id)
    context = {
        "invitation": invitation,
        "messages_list": invitation.messages.select_related("author"),
        "is_recipient": invitation.recipient_id == request.user.pk,
        "is_party": request.user.pk in (invitation.sender_id, invitation.recipient_id),
    }
    return render(request, "social/conversation.html", context)


@require_POST
@login_required
def conversation_act(request, public_id, action):
    """Accept, decline, block or write: each checks who may, on the server. Reporting a
    conversation is the claims app's (claims.views.conversation_report)."""
    if action not in CONVERSATION_FORMS:
        raise Http404("No such action.")
    invitation = conversation_or_404(request, public_id)
    form_class = CONVERSATION_FORMS[action]
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(map(str, errors)))
        return redirect(invitation)
    data = form.cleaned_data if form is not None else {}
    if action == "message" and not ratelimit.consume(request, action=action, user=request.user):
        messages.error(request, "You are doing that too often: wait a little and try again.")
        return redirect(invitation)
    try:
        if action == "accept":
            invitation_accept(invitation=invitation, user=request.user)
        elif action in ("decline", "block"):
            invitation_decline(
                invitation=invitation,
                user=request.user,
                reason=data["reason"],
                block=action == "block",
            )
        else:
            message_send(invitation=invitation, user=request.user, body=data["body"])
    except InvitationError as exc:
        messages.error(request, str(exc))
    return redirect(invitation)


@require_POST
@login_required
def researcher_follow(request, slug):
    """Follow or unfollow (``action=unfollow``); htmx gets the follow box back."""
    researcher = get_object_or_404(Researcher, slug=slug)
    if not ratelimit.consume(request, action="follow", user=request.user):
        messages.error(request, "You are following and unfollowing too fast: wait a minute.")
        return redirect(researcher.get_absolute_url() + "#actions")
    if request.POST.get("action") == "unfollow":
        follow_delete(user=request.user, researcher=researcher)
    else:
        follow_create(user=request.user, researcher=researcher)
    if request.htmx:
        # The follow box is a fragment of the profile page; htmx swaps it in place.
        researcher.refresh_from_db(fields=["followers_count"])
        following = request.POST.get("action") != "unfollow"
        context = {"researcher": researcher, "following": following, "swapped": True}
        return render(request, "social/follow_box.html", context)
    return redirect(researcher.get_absolute_url() + "#actions")


@login_required
def followers(request, slug):
    """Who follows a record: for its owner only."""
    researcher = get_researcher_for_owner(request.user, slug)
    people = Follow.objects.filter(researcher=researcher).select_related("user")
    page = page_or_last(
        Paginator(people.order_by("-created_at", "-id"), 50), request.GET.get("page")
    )
    return render(request, "social/followers.html", {"researcher": researcher, "page": page})
