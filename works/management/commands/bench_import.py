import resource
import time
from pathlib import Path

from django.core.management.base import BaseCommand

from bzpeer.lib.benchmark import throwaway_database
from bzpeer.lib.bulk import may_skip_row_triggers
from works.importer import refresh_stale, run_import
from works.models import Authorship, Work
from works.sources import openalex


class Command(BaseCommand):
    help = (
        "Import an OpenAlex file (see make_synthetic) into a fresh, throwaway PostgreSQL "
        "database; print works per second and peak memory."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        with throwaway_database("bench"):  # apart from the tests' database
            self._run(file)

    def _run(self, file: Path) -> None:
        quiet = lambda message: None  # noqa: E731
        started = time.monotonic()
        summary = run_import([file], openalex.read, quiet, refresh=False)
        imported = time.monotonic()
        refreshed = refresh_stale(quiet)
        finished = time.monotonic()
        works = Work.objects.count()
        authorships = Authorship.objects.count()
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        summary.researchers_refreshed = refreshed
        import_s, refresh_s = imported - started, finished - imported
        checks = "per batch" if may_skip_row_triggers() else "row by row (README: Database role)"
        self.stdout.write(
            f"BENCH {file.name}: {works:,} works with {authorships:,} authorships imported in "
            f"{import_s:.1f} s = {works / import_s:,.0f} works/s "
            f"({authorships / import_s:,.0f} authorships/s); peak memory {peak_mb:,.0f} MB; "
            f"foreign keys checked {checks}"
        )
        self.stdout.write(
            f"refresh {file.name}: counts and trust of {refreshed:,} researchers in "
            f"{refresh_s:.1f} s; import and refresh together "
            f"{works / (import_s + refresh_s):,.0f} works/s"
        )
