"""The open scholarly sources BZPEER imports from."""

from django.db import models


class Source(models.TextChoices):
    OPENALEX = "openalex", "OpenAlex"
    ARXIV = "arxiv", "arXiv"
    ORCID = "orcid", "ORCID"
    CROSSREF = "crossref", "Crossref"
    DATACITE = "datacite", "DataCite"
    ROR = "ror", "ROR"
    BIBTEX = "bibtex", "BibTeX"
    MANUAL = "manual", "Entered on BZPEER"


def source_labels(codes: list[str]) -> list[str]:
    """Display names of source codes, in the order given, skipping unknown ones."""
    labels = dict(Source.choices)
    return [labels[code] for code in codes if code in labels]
