"""An owner's sources page (when each source was last read, a refresh, their jobs), adding a
work by DOI or arXiv ID (fetched by a job when BZPEER does not hold it), and a job's status,
which polls itself with htmx while the job waits or runs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from profiles.forms import AddWorkForm
from profiles.views import get_researcher_for_owner
from sources.jobs import added_message
from sources.models import FetchJob, SourceRead
from sources.services import refresh_start, work_add_or_fetch
from works.models import WorkAddition

RECENT_JOBS = 10


@login_required
def researcher_sources(request, slug):
    researcher = get_researcher_for_owner(request.user, slug)
    context = {
        "researcher": researcher,
        "reads": SourceRead.objects.filter(researcher=researcher),
        "jobs": FetchJob.objects.visible_to(request.user).filter(researcher=researcher)[
            :RECENT_JOBS
        ],
        "add_form": AddWorkForm(),
    }
    return render(request, "sources/researcher_sources.html", context)


@require_POST
@login_required
def work_add(request, slug):
    researcher = get_researcher_for_owner(request.user, slug)
    form = AddWorkForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(map(str, form.errors["identifier"])))
        return redirect("sources:researcher-sources", slug=researcher.slug)
    try:
        added = work_add_or_fetch(
            researcher=researcher, user=request.user, identifier=form.cleaned_data["identifier"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if isinstance(added, FetchJob):
            messages.info(request, "BZPEER does not hold that work yet: fetching it now.")
        elif isinstance(added, WorkAddition):
            messages.info(request, added_message(added))
        else:
            messages.success(request, added_message(added))
    return redirect("sources:researcher-sources", slug=researcher.slug)


@require_POST
@login_required
def refresh(request, slug):
    researcher = get_researcher_for_owner(request.user, slug)
    try:
        refresh_start(researcher=researcher, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(request, "Reading your sources again: the result shows below.")
    return redirect("sources:researcher-sources", slug=researcher.slug)


@login_required
def job_detail(request, public_id):
    """A job of one's own (else 404); htmx gets the status fragment, which polls itself."""
    job = get_object_or_404(
        FetchJob.objects.visible_to(request.user).select_related("researcher"),
        public_id=public_id,
    )
    template = "sources/job.html#job-status" if request.htmx else "sources/job.html"
    response = render(request, template, {"job": job})
    patch_vary_headers(response, ["HX-Request"])
    return response
