from works.management.commands._importing import ImportCommand
from works.sources import openalex


class Command(ImportCommand):
    help = (
        "Import OpenAlex Work and Author records: one object, an API page with meta and results, "
        "or JSON Lines; plain or gzipped."
    )
    reader = openalex.read
    source_name = "OpenAlex"
