from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bzpeer.lib.identifiers import normalize_openalex_id, normalize_orcid
from bzpeer.lib.pagination import KnownCountPaginator, page_or_last
from claims.models import Claim
from profiles.models import Follow, Researcher, SlugRedirect
from profiles.services import (
    authorship_add,
    authorship_hide,
    follow_create,
    follow_delete,
    researcher_update,
)
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


def researcher_detail(request, slug, explorer=False):
    """The profile; with ``explorer`` (its /graph/ address) the graph explorer is open."""
    researcher = (
        Researcher.objects.select_related("institution", "graph_slice").filter(slug=slug).first()
    )
    if researcher is None:
        return _redirect_old_slug(slug)
    byline = Authorship.objects.select_related("researcher").order_by("position")
    works = (
        Work.objects.by_researcher(researcher)
        .newest_first()
        .select_related("venue")
        .prefetch_related(
            Prefetch("authorships", queryset=byline[:AUTHORS_SHOWN], to_attr="byline"),
            "identifiers",
        )
    )
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
    summary = forms.CharField(max_length=300, required=False, label="One-line summary")
    affiliation = forms.CharField(
        max_length=300,
        required=False,
        help_text="Your institution, where the sources did not give one.",
    )
    open_to_collaborate = forms.BooleanField(required=False, label="Open to collaborate")


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
    identifier = forms.CharField(max_length=300, label="DOI or arXiv ID of a work of yours")


@require_POST
@login_required
def work_add(request, slug):
    researcher = get_researcher_for_owner(request.user, slug)
    form = AddWorkForm(request.POST)
    if form.is_valid():
        try:
            work = authorship_add(
                researcher=researcher, user=request.user, identifier=form.cleaned_data["identifier"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Added “{work.title}”.")
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
