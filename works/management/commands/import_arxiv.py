from works.management.commands._importing import ImportCommand
from works.readers import read_arxiv


class Command(ImportCommand):
    help = "Import works from arXiv API Atom feeds (plain, gzipped, or a recorded JSON response)."
    reader = read_arxiv
    source_name = "arXiv"
