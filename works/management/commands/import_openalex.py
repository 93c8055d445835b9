from works.management.commands._importing import ImportCommand
from works.readers import read_openalex


class Command(ImportCommand):
    help = (
        "Import OpenAlex Work and Author records: one object, an API page with meta and results, "
        "or JSON Lines; plain or gzipped."
    )
    reader = read_openalex
    source_name = "OpenAlex"
