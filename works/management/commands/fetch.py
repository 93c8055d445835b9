from works.fetching import KEYS, fetch
from works.importer import run_fetch
from works.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Fetch records live from their sources and import them as `import` does files: "
        f"{KEYS}. Progress as it goes, a summary at the end; a key that does not exist or a "
        "bad answer is reported by key and skipped (exit 1). Running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("keys", nargs="+", help="e.g. openalex:A5023888391")

    def handle(self, *args, **options):
        keys = options["keys"]
        self.stdout.write(f"Fetching {len(keys)} key(s)")
        self.finish(run_fetch(keys, fetch, self._progress))
