from works.management.commands._importing import ImportCommand
from works.sources import arxiv


class Command(ImportCommand):
    help = "Import works from arXiv API Atom feeds (plain, gzipped, or a recorded JSON response)."
    reader = arxiv.read
    source_name = "arXiv"
