from works.management.commands._importing import ImportCommand
from works.sources import orcid


class Command(ImportCommand):
    help = "Import ORCID public API v3.0 records (JSON or XML): person, employments, works."
    reader = orcid.read
    source_name = "ORCID"
