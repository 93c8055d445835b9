from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bzpeer.lib.identifiers import normalize_openalex_id, normalize_orcid
from bzpeer.lib.pagination import KnownCountPaginator, page_or_last
from profiles.models import Follow, Researcher, SlugRedirect
from profiles.services import follow_create, follow_delete
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


def researcher_detail(request, slug):
    researcher = Researcher.objects.select_related("institution").filter(slug=slug).first()
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
    following = (
        request.user.is_authenticated
        and Follow.objects.filter(user=request.user, researcher=researcher).exists()
    )
    context = {"researcher": researcher, "page": page, "following": following}
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
