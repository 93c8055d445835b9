"""Source records: which record of which source each work and person came from.

Each record's content hash is kept, so a second run of the same file changes nothing, with a
summary of what the record says for the provenance list on a work's page.
"""

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db import connection
from psycopg.types.json import Jsonb

from bzpeer.lib.bulk import copy_rows
from works.importing.matching import record_identifiers
from works.models import SourceRecord
from works.sources.records import InstitutionEntityRecord, Record, ResearcherRecord


def stored_hashes(records: list[Record]) -> dict[tuple[str, str], str]:
    """The content hash stored for each ``(source, external_id)`` imported before."""
    by_source: dict[str, list[str]] = defaultdict(list)
    for record in records:
        by_source[record.source].append(record.external_id)
    stored = {}
    with connection.cursor() as cursor:
        for source, ids in by_source.items():
            cursor.execute(
                f"SELECT external_id, content_hash FROM {SourceRecord._meta.db_table} "  # noqa: S608
                "WHERE source = %s AND external_id = ANY(%s)",
                [source, ids],
            )
            for ext_id, content_hash in cursor.fetchall():
                stored[(source, ext_id)] = content_hash
    return stored


def _summary(record: Record) -> dict[str, Any]:
    """What a source record says, for the provenance list on a work's page."""
    if isinstance(record, ResearcherRecord):
        return {"name": record.display_name}
    if isinstance(record, InstitutionEntityRecord):
        return {"name": record.institution.name, "kind": "institution"}
    return {
        "title": record.title,
        "kind": record.kind,
        "year": record.publication_year,
        "venue": record.venue.name if record.venue else "",
        "ids": sorted(f"{scheme}:{value}" for scheme, value in record_identifiers(record)),
        "version": record.arxiv_version,
        "authors": len(record.authors),
        "complete_byline": record.byline_complete,
    }


def remember_sources(rows: list[tuple[Record, int | None, int | None]], now: datetime) -> None:
    """Keep each record's hash and summary, with the work or researcher it went into: COPY
    for new records, UPDATE for changed ones."""
    stored = stored_hashes([record for record, _, _ in rows])
    fresh = [row for row in rows if (row[0].source, row[0].external_id) not in stored]
    seen = [row for row in rows if (row[0].source, row[0].external_id) in stored]
    copy_rows(
        SourceRecord._meta.db_table,
        [
            "source",
            "external_id",
            "content_hash",
            "work_id",
            "researcher_id",
            "summary",
            "imported_at",
        ],
        (
            (
                r.source,
                r.external_id,
                r.content_hash,
                work_id,
                researcher_id,
                Jsonb(_summary(r)),
                now,
            )
            for r, work_id, researcher_id in fresh
        ),
    )
    if seen:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {SourceRecord._meta.db_table} SET content_hash = %s, work_id = %s, "  # noqa: S608
                "researcher_id = %s, summary = %s, imported_at = %s "
                "WHERE source = %s AND external_id = %s",
                [
                    (  # type: ignore[misc]  # the stubs' parameter types omit psycopg's Jsonb
                        r.content_hash,
                        work_id,
                        researcher_id,
                        Jsonb(_summary(r)),
                        now,
                        r.source,
                        r.external_id,
                    )
                    for r, work_id, researcher_id in seen
                ],
            )
