from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

from django.core.management.base import BaseCommand, CommandError

from works.importer import run_import
from works.sources.files import Item


class ImportCommand(BaseCommand):
    """Shared shape of the import commands: files in, progress out, a summary at the end."""

    # Read off the class, not the instance, so a plain function is not bound as a method.
    reader: ClassVar[Callable[[Path], Iterator[Item]]]
    source_name = ""

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="files to import (or .gz)")

    def handle(self, *args, **options):
        files = options["files"]
        self.stdout.write(f"Importing {len(files)} {self.source_name} file(s)")
        self.finish(run_import(files, type(self).reader, self._progress))

    def finish(self, summary) -> None:
        """The summary line; exit 1 when anything was skipped."""
        self.stdout.write(
            ("Done: " if not summary.skipped else "Finished with problems: ") + summary.line()
        )
        if summary.skipped:
            raise CommandError(
                f"{summary.skipped} record(s) skipped; see the lines starting 'skipped' above.",
                returncode=1,
            )

    def _progress(self, message: str) -> None:
        stream = self.stderr if message.startswith("skipped") else self.stdout
        stream.write(message)
