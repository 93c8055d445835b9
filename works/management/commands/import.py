from works.management.commands._importing import ImportCommand
from works.sources.formats import read_any


class Command(ImportCommand):
    help = (
        "Import files of any supported format, told apart by their content: OpenAlex, arXiv, "
        "ORCID, Crossref, DataCite, ROR, BibTeX."
    )
    reader = read_any
    source_name = "metadata"
