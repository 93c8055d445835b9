"""Merging a record into its work: whose description and whose byline a work shows."""

from bzpeer.lib.names import title_key
from bzpeer.lib.sources import Source
from works.importing.reference import Key, reference_key
from works.models import Work
from works.sources.records import WorkRecord

# Whose metadata a work shows when several sources describe it: publishers' records (as
# deposited with Crossref or DataCite) first. Keyed by str: a work's stored source is a string.
METADATA_PRIORITY: dict[str, int] = {
    Source.MANUAL: 60,
    Source.CROSSREF: 50,
    Source.DATACITE: 45,
    Source.OPENALEX: 40,
    Source.ARXIV: 30,
    Source.BIBTEX: 20,
    Source.ORCID: 10,
}
# Whose author list a work shows: OpenAlex adds identifiers and affiliations to each author.
BYLINE_PRIORITY: dict[str, int] = {
    Source.MANUAL: 60,
    Source.OPENALEX: 50,
    Source.CROSSREF: 40,
    Source.DATACITE: 35,
    Source.ARXIV: 30,
    Source.BIBTEX: 20,
    Source.ORCID: 0,
}


def takes_metadata(record: WorkRecord, work: Work) -> bool:
    """Whose description a work shows: a published version's over a preprint's, and
    otherwise the higher-priority source's."""
    if (record.kind == "preprint") != (work.kind == "preprint"):
        return work.kind == "preprint"
    return METADATA_PRIORITY[record.source] >= METADATA_PRIORITY.get(work.primary_source, 0)


def takes_byline(record: WorkRecord, work: Work, *, is_new: bool) -> bool:
    """Whether the record's authors replace the work's byline: only a complete byline, from
    a source of at least the priority of the one shown."""
    return record.byline_complete and (
        is_new or BYLINE_PRIORITY[record.source] >= BYLINE_PRIORITY.get(work.byline_source, 0)
    )


def merge_record(work: Work, record: WorkRecord, *, metadata: bool, venues: dict[Key, int]) -> None:
    """Fill ``work`` in from ``record``: everything when the record takes the metadata
    (``metadata``), otherwise only what the work lacks."""
    if metadata:
        work.title = record.title
        work.kind = record.kind
        work.publication_date = record.publication_date or work.publication_date
        work.publication_year = record.publication_year or work.publication_year
        work.journal_ref = record.journal_ref or work.journal_ref
        if record.venue:
            work.venue_id = venues[reference_key(record.venue)]
        work.primary_source = record.source
    work.title = work.title or record.title
    work.title_key = title_key(work.title)[:255]
    if metadata or not work.abstract:
        work.abstract = record.abstract or work.abstract
    work.first_posted = work.first_posted or record.first_posted
    work.arxiv_version = record.arxiv_version or work.arxiv_version
    work.last_revised = record.last_revised or work.last_revised
    work.publication_year = work.publication_year or record.publication_year
    if record.source not in work.sources:
        work.sources = [*work.sources, record.source]
