from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from works.models import Authorship, SourceRecord, Work

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
