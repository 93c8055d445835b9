import resource
import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection

from works.importer import run_import
from works.sources import openalex


class Command(BaseCommand):
    help = (
        "Import a synthetic OpenAlex file into a fresh, throwaway PostgreSQL database and "
        "print works per second and peak memory."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        creation = connection.creation
        old_name = connection.settings_dict["NAME"]
        creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            self._run(file)
        finally:
            creation.destroy_test_db(old_name, verbosity=0)

    def _run(self, file: Path) -> None:
        from works.models import Authorship, Work

        started = time.monotonic()
        summary = run_import([file], openalex.read, self.stdout.write)
        seconds = time.monotonic() - started
        works = Work.objects.count()
        authorships = Authorship.objects.count()
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(summary.line())
        self.stdout.write(
            f"BENCH {file.name}: {works:,} works and {authorships:,} authorships in "
            f"{seconds:.1f} s = {works / seconds:,.0f} works/s "
            f"({authorships / seconds:,.0f} authorships/s), peak memory {peak_mb:,.0f} MB"
        )
