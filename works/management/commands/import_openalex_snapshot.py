from pathlib import Path

from django.core.management.base import CommandError

from works.management.commands._importing import ImportCommand
from works.snapshot import snapshot_import


class Command(ImportCommand):
    help = (
        "Load an OpenAlex snapshot folder, as `aws s3 sync s3://openalex DIR` copies it: each "
        "entity's updated_date= partitions newer than the last loaded (institutions, authors, "
        "works; topics and sources are read, not kept), then the merged IDs of authors and "
        "works. Progress as it goes, a summary at the end; a bad file or line is reported and "
        "skipped (exit 1). Running it twice loads nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="the snapshot's folder, or its data/")

    def handle(self, *args, **options):
        folder = options["folder"]
        if not folder.is_dir():
            raise CommandError(f"{folder}: no such folder", returncode=1)
        self.stdout.write(f"Importing the OpenAlex snapshot in {folder}")
        self.finish(snapshot_import(folder, self._progress))
