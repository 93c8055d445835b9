"""Researcher pages: the profile, its owner's edits, its trust page."""

from allauth.core import ratelimit
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
from profiles import trust
from profiles.forms import (
    AddWorkForm,
    ResearcherEditForm,
)
from profiles.models import (
    Follow,
    Researcher,
    SlugRedirect,
    TrustHistory,
    WorkAddition,
)
from profiles.services import (
    OWNERS_ONLY,
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
        "is_owner": researcher.is_owned_by(request.user),
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
    if not researcher.is_owned_by(user):
        raise PermissionDenied(OWNERS_ONLY)
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
        messages.error(request, " ".join(map(str, form.errors["identifier"])))
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


@login_required
def followers(request, slug):
    """Who follows a record: for its owner only."""
    researcher = get_researcher_for_owner(request.user, slug)
    people = Follow.objects.filter(researcher=researcher).select_related("user")
    page = page_or_last(
        Paginator(people.order_by("-created_at", "-id"), 50), request.GET.get("page")
    )
    return render(request, "profiles/followers.html", {"researcher": researcher, "page": page})
