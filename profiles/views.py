"""The profiles app's pages: a record's owner editing it, look-ups by ORCID iD or OpenAlex
ID, a person's account name and their API tokens."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from bzpeer.lib.identifiers import normalize_openalex_id, normalize_orcid
from profiles.forms import AccountForm, ApiTokenForm, ResearcherEditForm
from profiles.models import ApiToken, Researcher
from profiles.services import (
    account_rename,
    api_token_create,
    api_token_revoke,
    check_owner,
    researcher_update,
)


def researcher_by_orcid(request, orcid):
    normalized = normalize_orcid(orcid)
    if not normalized:
        raise Http404("Not an ORCID iD.")
    return redirect(get_object_or_404(Researcher, orcid=normalized))


def researcher_by_openalex(request, openalex_id):
    normalized = normalize_openalex_id(openalex_id, "A")
    if not normalized:
        raise Http404("Not an OpenAlex author ID.")
    researcher = Researcher.objects.filter(openalex_id=normalized).first()
    if researcher is None:  # an ID that OpenAlex merged into another
        researcher = get_object_or_404(Researcher, openalex_redirects__openalex_id=normalized)
    return redirect(researcher)


def get_researcher_for_owner(user, slug) -> Researcher:
    """The record if it exists (else 404) and is this person's (else PermissionDenied)."""
    researcher = get_object_or_404(Researcher.objects.select_related("institution"), slug=slug)
    check_owner(researcher, user)
    return researcher


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
    if request.method == "POST" and form.is_valid():
        researcher_update(researcher=researcher, user=request.user, **form.cleaned_data)
        messages.success(request, "Saved.")
        return redirect(researcher)
    context = {
        "researcher": researcher,
        "form": form,
        "my_other_records": Researcher.objects.filter(owner=request.user).exclude(pk=researcher.pk),
    }
    return render(request, "profiles/researcher_edit.html", context)


@login_required
def account(request):
    form = AccountForm(request.POST or None, initial={"name": request.user.name})
    if request.method == "POST" and form.is_valid():
        account_rename(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, "Saved.")
        return redirect("profiles:account")
    return render(request, "profiles/account.html", {"form": form})


@login_required
@reauthentication_required(allow_get=True)
def api_tokens(request):
    """The person's API tokens: make one (its text is shown on this answer only), revoke one."""
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and "revoke" in request.POST:
        token = get_object_or_404(ApiToken, pk=_int(request.POST["revoke"]), user=request.user)
        api_token_revoke(token=token, user=request.user)
        messages.success(request, f"Revoked “{token.name}”.")
        return redirect("profiles:api-tokens")
    if request.method == "POST" and form.is_valid():
        _, created = api_token_create(user=request.user, **form.cleaned_data)
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    context = {"form": form, "tokens": tokens, "created": created, "now": timezone.now()}
    return render(request, "profiles/api_tokens.html", context)


def _int(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 18 else 0
