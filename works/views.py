"""The works app's pages: a work, and a record's owner adding or hiding one of theirs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from profiles.forms import AddWorkForm
from profiles.views import get_researcher_for_owner
from works.models import Authorship, SourceRecord, Work, WorkAddition
from works.services import authorship_add, authorship_hide

AUTHORS_SHOWN = 500


def work_detail(request, public_id):
    """A work with its full byline and where each of its records came from."""
    work = get_object_or_404(
        Work.objects.select_related("venue").prefetch_related(
            "identifiers",
            "topics",
            Prefetch(
                "authorships",
                queryset=Authorship.objects.select_related("researcher").order_by("position")[
                    :AUTHORS_SHOWN
                ],
                to_attr="byline",
            ),
            Prefetch(
                "source_records",
                queryset=SourceRecord.objects.order_by("source", "external_id"),
                to_attr="records",
            ),
        ),
        public_id=public_id,
    )
    return render(request, "works/work_detail.html", {"work": work})


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
