from works.management.commands._importing import ImportCommand
from works.sources import orcid


class Command(ImportCommand):
    help = (
        "Import ORCID public API v3.0 responses (JSON or XML): records (person, employments, "
        "works), works in full and bulk answers, whose contributors make the bylines."
    )
    reader = orcid.read
    source_name = "ORCID"
