import json

from allauth.account.decorators import reauthentication_required
from allauth.core import ratelimit
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bzpeer.lib.forms import LineField, ParagraphsField
from bzpeer.lib.identifiers import normalize_openalex_id, normalize_orcid
from bzpeer.lib.pagination import KnownCountPaginator, page_or_last
from bzpeer.lib.staff import is_staff_session
from claims.models import Claim
from profiles import trust
from profiles.emails import read_unsubscribe_token
from profiles.models import (
    Follow,
    Invitation,
    Notification,
    NotificationSettings,
    Researcher,
    SlugRedirect,
    TrustHistory,
    User,
    WorkAddition,
)
from profiles.services import (
    InvitationError,
    account_rename,
    authorship_add,
    authorship_hide,
    can_invite,
    email_settings,
    follow_create,
    follow_delete,
    get_invitation_for_user,
    invitation_accept,
    invitation_decline,
    invitation_report,
    invitation_send,
    message_send,
    researcher_update,
)
from profiles.services.social import account_delete, account_export
from works.models import Authorship, Work

WORKS_PER_PAGE = 20
AUTHORS_SHOWN = 20
RESEARCHERS_PER_PAGE = 25


def home(request):
    query = request.GET.get("q", "").strip()[:200]
    researchers = Researcher.objects.select_related("institution")
    if query:
        researchers = researchers.search(query)
    paginator = Paginator(researchers.by_prominence(), RESEARCHERS_PER_PAGE)
    page = page_or_last(paginator, request.GET.get("page"))
    return render(request, "profiles/home.html", {"query": query, "page": page})


def _listed(works):
    """Works as a list shows them: newest first, with venue, identifiers and the first
    names of the byline, in a fixed number of queries."""
    byline = Authorship.objects.select_related("researcher").order_by("position")
    return (
        works.newest_first()
        .select_related("venue")
        .prefetch_related(
            Prefetch("authorships", queryset=byline[:AUTHORS_SHOWN], to_attr="byline"),
            "identifiers",
        )
    )


def researcher_detail(request, slug, explorer=False):
    """The profile; with ``explorer`` (its /graph/ address) the graph explorer is open."""
    researcher = (
        Researcher.objects.select_related("institution", "graph_slice").filter(slug=slug).first()
    )
    if researcher is None:
        return _redirect_old_slug(slug)
    works = _listed(Work.objects.by_researcher(researcher))
    paginator = KnownCountPaginator(works, WORKS_PER_PAGE, count=researcher.works_count)
    page = page_or_last(paginator, request.GET.get("page"))
    signed_in = request.user.is_authenticated
    following = (
        signed_in and Follow.objects.filter(user=request.user, researcher=researcher).exists()
    )
    context = {
        "researcher": researcher,
        "page": page,
        "following": following,
        "claim_pending": Claim.objects.open().filter(researcher=researcher).exists(),
        "my_claim": (
            Claim.objects.filter(researcher=researcher, claimant=request.user).first()
            if signed_in
            else None
        ),
        "is_owner": signed_in and researcher.owner_id == request.user.pk,
        "graph_slice": getattr(researcher, "graph_slice", None),
        "explorer_open": explorer,
    }
    return render(request, "profiles/researcher_detail.html", context)


def _redirect_old_slug(slug):
    """A merged or renamed researcher's old address leads to the page it became."""
    old = get_object_or_404(SlugRedirect.objects.select_related("researcher"), slug=slug)
    return redirect(old.researcher, permanent=True)


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
        return render(request, "profiles/researcher_detail.html#follow-box", context)
    return redirect(researcher.get_absolute_url() + "#actions")


def researcher_by_orcid(request, orcid):
    normalized = normalize_orcid(orcid)
    if not normalized:
        raise Http404("Not an ORCID iD.")
    return redirect(get_object_or_404(Researcher, orcid=normalized))


def researcher_by_openalex(request, openalex_id):
    normalized = normalize_openalex_id(openalex_id, "A")
    if not normalized:
        raise Http404("Not an OpenAlex author ID.")
    return redirect(get_object_or_404(Researcher, openalex_id=normalized))


def get_researcher_for_owner(user, slug) -> Researcher:
    """The record if it exists (else 404) and is this person's (else PermissionDenied)."""
    researcher = get_object_or_404(Researcher.objects.select_related("institution"), slug=slug)
    if researcher.owner_id is None or researcher.owner_id != user.pk:
        raise PermissionDenied("Only the researcher who claimed this record can change it.")
    return researcher


class ResearcherEditForm(forms.Form):
    summary = LineField(max_length=300, required=False, label="One-line summary")
    affiliation = LineField(
        max_length=300,
        required=False,
        help_text="Your institution, where the sources did not give one.",
    )
    open_to_collaborate = forms.BooleanField(required=False, label="Open to collaborate")
    collaboration_topics = LineField(
        max_length=300, required=False, label="Open to collaborate on (topics)"
    )
    collaboration_capacity = LineField(
        max_length=200,
        required=False,
        label="How much time you have",
        help_text="e.g. “a few hours a month”",
    )


@login_required
def researcher_edit(request, slug):
    researcher = get_researcher_for_owner(request.user, slug)
    imported = researcher.institution_id and not researcher.affiliation_set_by_owner
    form = ResearcherEditForm(
        request.POST or None,
        initial={
            "summary": researcher.summary,
            "affiliation": researcher.institution.name if researcher.institution else "",
            "open_to_collaborate": researcher.open_to_collaborate,
            "collaboration_topics": researcher.collaboration_topics,
            "collaboration_capacity": researcher.collaboration_capacity,
        },
    )
    if imported:
        form.fields["affiliation"].disabled = True
        form.fields["affiliation"].help_text = "Imported from the sources."
    add_form = AddWorkForm()
    if request.method == "POST" and form.is_valid():
        researcher_update(researcher=researcher, user=request.user, **form.cleaned_data)
        messages.success(request, "Saved.")
        return redirect(researcher)
    context = {
        "researcher": researcher,
        "form": form,
        "add_form": add_form,
        "my_other_records": Researcher.objects.filter(owner=request.user).exclude(pk=researcher.pk),
    }
    return render(request, "profiles/researcher_edit.html", context)


class AddWorkForm(forms.Form):
    identifier = LineField(max_length=300, label="DOI or arXiv ID of a work of yours")


@require_POST
@login_required
def work_add(request, slug):
    researcher = get_researcher_for_owner(request.user, slug)
    form = AddWorkForm(request.POST)
    if form.is_valid():
        try:
            added = authorship_add(
                researcher=researcher, user=request.user, identifier=form.cleaned_data["identifier"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if isinstance(added, WorkAddition):
                messages.info(
                    request,
                    f"No name in the byline of “{added.work.title}” fits this record: staff "
                    "will check the work is yours before it is added.",
                )
            else:
                messages.success(request, f"Added “{added.work.title}” as {added.printed_name}.")
    else:
        messages.error(request, " ".join(form.errors["identifier"]))
    return redirect("profiles:researcher-edit", slug=researcher.slug)


@require_POST
@login_required
def work_hide(request, slug, public_id):
    researcher = get_researcher_for_owner(request.user, slug)
    work = get_object_or_404(Work, public_id=public_id)
    try:
        authorship_hide(researcher=researcher, user=request.user, work=work)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"Hidden: “{work.title}”. Staff can see it; imports keep it hidden."
        )
    return redirect(researcher.get_absolute_url() + "#works")


# People: following, the feed, notifications, invitations and conversations ---------------


@login_required
def following(request):
    researchers = (
        Researcher.objects.filter(follows__user=request.user)
        .select_related("institution")
        .order_by("display_name", "id")
    )
    page = page_or_last(Paginator(researchers, RESEARCHERS_PER_PAGE), request.GET.get("page"))
    return render(request, "profiles/following.html", {"page": page})


@login_required
def followers(request, slug):
    """Who follows a record: for its owner only."""
    researcher = get_researcher_for_owner(request.user, slug)
    people = Follow.objects.filter(researcher=researcher).select_related("user")
    page = page_or_last(
        Paginator(people.order_by("-created_at", "-id"), 50), request.GET.get("page")
    )
    return render(request, "profiles/followers.html", {"researcher": researcher, "page": page})


@login_required
def feed(request):
    """New works by the researchers this person follows, newest first."""
    works = _listed(Work.objects.by_followed(request.user))
    page = page_or_last(Paginator(works, WORKS_PER_PAGE), request.GET.get("page"))
    return render(request, "profiles/feed.html", {"page": page})


@login_required
def notifications(request):
    items = Notification.objects.filter(user=request.user)
    page = page_or_last(Paginator(items, 30), request.GET.get("page"))
    unread = [n.pk for n in page.object_list if n.read_at is None]
    Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return render(request, "profiles/notifications.html", {"page": page, "unread": set(unread)})


class EmailSettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = NotificationSettings.KINDS


@login_required
def email_settings_view(request):
    form = EmailSettingsForm(request.POST or None, instance=email_settings(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved.")
        return redirect("profiles:email-settings")
    return render(request, "profiles/email_settings.html", {"form": form})


@csrf_exempt
def unsubscribe(request, token):
    """One click from an email, no login: GET shows what it does, POST (also what mail
    programs send for one-click unsubscribe, RFC 8058, with no CSRF token) turns that kind
    of email off. The signed token in the address is the credential."""
    try:
        user_id, kind = read_unsubscribe_token(token)
    except signing.SignatureExpired:
        context = {"expired": True}
        return render(request, "profiles/unsubscribe.html", context, status=410)
    except (signing.BadSignature, KeyError, ValueError) as exc:
        raise Http404("This unsubscribe link is not valid.") from exc
    user = get_object_or_404(User, pk=user_id)
    label = NotificationSettings._meta.get_field(kind).verbose_name
    done = False
    if request.method == "POST":
        NotificationSettings.objects.update_or_create(user=user, defaults={kind: False})
        done = True
    return render(request, "profiles/unsubscribe.html", {"label": label, "done": done})


class InvitationForm(forms.Form):
    subject = LineField(max_length=200)
    message = ParagraphsField(widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    work = forms.ModelChoiceField(
        queryset=Work.objects.none(), required=False, label="About one of their works (optional)"
    )

    def __init__(self, *args, researcher, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work"].queryset = Work.objects.by_researcher(researcher).newest_first()


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
    return render(request, "profiles/invite.html", context)


@login_required
def conversations(request):
    items = (
        Invitation.objects.involving(request.user)
        .select_related("sender", "recipient", "researcher")
        .order_by("-created_at")
    )
    page = page_or_last(Paginator(items, 30), request.GET.get("page"))
    return render(request, "profiles/conversations.html", {"page": page})


def _conversation_or_404(request, public_id) -> Invitation:
    try:
        return get_invitation_for_user(request.user, public_id, staff=is_staff_session(request))
    except Invitation.DoesNotExist as exc:
        raise Http404("No such conversation.") from exc


@login_required
def conversation(request, public_id):
    invitation = _conversation_or_404(request, public_id)
    context = {
        "invitation": invitation,
        "messages_list": invitation.messages.select_related("author"),
        "is_recipient": invitation.recipient_id == request.user.pk,
        "is_party": request.user.pk in (invitation.sender_id, invitation.recipient_id),
    }
    return render(request, "profiles/conversation.html", context)


class MessageForm(forms.Form):
    body = ParagraphsField(max_length=5000)


class ReasonForm(forms.Form):
    reason = ParagraphsField(max_length=500, required=False)


class ReportReasonForm(forms.Form):
    reason = ParagraphsField(max_length=4000, required=False)


CONVERSATION_FORMS = {
    "accept": None,
    "decline": ReasonForm,
    "block": ReasonForm,
    "message": MessageForm,
    "report": ReportReasonForm,
}


@require_POST
@login_required
def conversation_act(request, public_id, action):
    """Accept, decline, block, write or report: each checks who may, on the server."""
    if action not in CONVERSATION_FORMS:
        raise Http404("No such action.")
    invitation = _conversation_or_404(request, public_id)
    form_class = CONVERSATION_FORMS[action]
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(invitation)
    data = form.cleaned_data if form is not None else {}
    if action in ("message", "report") and not ratelimit.consume(
        request, action=action, user=request.user
    ):
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
        elif action == "message":
            message_send(invitation=invitation, user=request.user, body=data["body"])
        else:
            invitation_report(invitation=invitation, user=request.user, reason=data["reason"])
            messages.success(request, "Reported to staff. Thank you.")
    except InvitationError as exc:
        messages.error(request, str(exc))
    return redirect(invitation)


class AccountForm(forms.Form):
    name = LineField(
        max_length=200,
        label="Your name",
        help_text="As you publish it. Others see it on your invitations and messages.",
    )


@login_required
def account(request):
    form = AccountForm(request.POST or None, initial={"name": request.user.name})
    if request.method == "POST" and form.is_valid():
        account_rename(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, "Saved.")
        return redirect("profiles:account")
    return render(request, "profiles/account.html", {"form": form})


@login_required
def your_data(request):
    return render(request, "profiles/your_data.html", {})


@login_required
def your_data_json(request):
    response = HttpResponse(
        json.dumps(account_export(user=request.user), indent=2, ensure_ascii=False),
        content_type="application/json",
    )
    response["Content-Disposition"] = 'attachment; filename="bzpeer-my-data.json"'
    return response


@require_POST
@login_required
@reauthentication_required
def account_delete_view(request):
    if request.POST.get("confirm") != "delete":
        messages.error(request, "Type “delete” to confirm.")
        return redirect("profiles:your-data")
    user = request.user
    logout(request)
    account_delete(user=user)
    messages.success(request, "Your account and everything you added are deleted.")
    return redirect("profiles:home")


def researcher_trust(request, slug):
    """Why this score: each part, its maximum, what would raise it; the evidence behind the
    verification level (nothing private); and how the score moved, and why."""
    researcher = get_object_or_404(Researcher.objects.select_related("institution"), slug=slug)
    claim = (
        Claim.objects.filter(researcher=researcher, status=Claim.Status.APPROVED)
        .prefetch_related("evidence")
        .first()
    )
    history = TrustHistory.objects.filter(researcher=researcher)[:30]
    context = {
        "researcher": researcher,
        "claim": claim,
        "history": history,
        "bands": trust.BANDS[::-1],
        "formula_version": trust.FORMULA_VERSION,
    }
    return render(request, "profiles/researcher_trust.html", context)
