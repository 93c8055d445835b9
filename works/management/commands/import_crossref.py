from works.management.commands._importing import ImportCommand
from works.sources import crossref


class Command(ImportCommand):
    help = "Import Crossref REST API work and work-list messages (JSON, plain or gzipped)."
    reader = crossref.read
    source_name = "Crossref"
