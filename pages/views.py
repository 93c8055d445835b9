"""Pages that show several apps at once: the home list, a researcher's profile (works, graph,
follow box, claim state), and a person's account data and its deletion."""

import json

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from bzpeer.lib.pagination import (
    RESEARCHERS_PER_PAGE,
    WORKS_PER_PAGE,
    KnownCountPaginator,
    page_or_last,
)
from claims.builds import researcher_for_orcid
from claims.models import Claim
from pages.services import account_delete, account_export
from profiles import linked_data
from profiles.models import Follow, Researcher, SlugRedirect
from sources.models import FetchJob, SourceRead
from works.models import Work
from works.views import (
    JSON_LD,
    asked_for,
    export_formats,
    jsonld_response,
    researcher_works_export,
)


def home(request):
    query = request.GET.get("q", "").strip()[:200]
    researchers = Researcher.objects.select_related("institution")
    if query:
        researchers = researchers.search(query)
    paginator = Paginator(researchers.by_prominence(), RESEARCHERS_PER_PAGE)
    page = page_or_last(paginator, request.GET.get("page"))
    context = {"query": query, "page": page, "orcid": None}
    if request.user.is_authenticated and (found := researcher_for_orcid(request.user)):
        # Signed in with ORCID: their record, or the offer to build it (or the build waiting).
        context["orcid"], context["orcid_record"] = found
        context["build"] = FetchJob.objects.visible_to(request.user).filter(kind="build").first()
    return render(request, "pages/home.html", context)


def researcher_detail(request, slug, explorer=False):
    """The profile; with ``explorer`` (its /graph/ address) the graph explorer is open. Its
    works as citations, or the profile as JSON-LD, by content negotiation."""
    wanted = asked_for(request)
    if wanted and wanted != JSON_LD:
        return researcher_works_export(request, slug, wanted)
    researcher = (
        Researcher.objects.select_related("institution", "graph_slice").filter(slug=slug).first()
    )
    if researcher is None:
        return _redirect_old_slug(slug)
    jsonld = linked_data.profile_page(researcher, site_url=settings.SITE_URL)
    if wanted == JSON_LD:
        return jsonld_response(jsonld)
    works = Work.objects.by_researcher(researcher).listed()
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
        "source_reads": SourceRead.objects.filter(researcher=researcher),
        "explorer_open": explorer,
        "jsonld": jsonld,
        "export_formats": export_formats(),
    }
    response = render(request, "pages/researcher_detail.html", context)
    patch_vary_headers(response, ["Accept"])
    return response


def _redirect_old_slug(slug):
    """A merged or renamed researcher's old address leads to the page it became."""
    old = get_object_or_404(SlugRedirect.objects.select_related("researcher"), slug=slug)
    return redirect(old.researcher, permanent=True)


@login_required
def your_data(request):
    return render(request, "pages/your_data.html", {})


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
        return redirect("pages:your-data")
    user = request.user
    logout(request)
    account_delete(user=user)
    messages.success(request, "Your account and everything you added are deleted.")
    return redirect("pages:home")


def robots_txt(request):
    """What crawlers may read: the public pages, not accounts, staff pages or the admin."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /account/",
        "Disallow: /staff/",
        "Disallow: /conversations/",
        "Disallow: /notifications/",
        f"Sitemap: {settings.SITE_URL}{reverse('pages:sitemap-index')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
