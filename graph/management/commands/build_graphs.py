import time

from django.core.management.base import BaseCommand

from graph.models import GraphSlice
from graph.services import slice_build


class Command(BaseCommand):
    help = (
        "Build waiting research graph slices here and now (workers do this in production; "
        "this is for a machine without one, and for operators)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="build at most this many")

    def handle(self, *args, limit, **options):
        ids = list(
            GraphSlice.objects.waiting()
            .order_by("requested_at")
            .values_list("researcher_id", flat=True)[:limit]
        )
        started = last = time.monotonic()
        built = 0
        for done, researcher_id in enumerate(ids, start=1):
            built += slice_build(researcher_id=researcher_id) is not None
            if time.monotonic() - last >= 2:
                last = time.monotonic()
                rate = done / (last - started)
                self.stdout.write(
                    f"{done:,} of {len(ids):,} slices, {rate:,.1f}/s, "
                    f"{(len(ids) - done) / rate:,.0f} s left"
                )
        self.stdout.write(f"Built {built:,} graph slices in {time.monotonic() - started:.1f} s")
