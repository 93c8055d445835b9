from works.management.commands._importing import ImportCommand
from works.sources import bibtex


class Command(ImportCommand):
    help = "Import BibTeX files."
    reader = bibtex.read
    source_name = "BibTeX"
