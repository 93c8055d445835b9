"""The researchers a batch of records may name, loaded with a few queries and looked up in
memory: by ORCID iD, OpenAlex ID, name (match key) and primary key.

Researchers are plain model instances or ``Known`` rows here, some not saved yet, so they are
tracked by ``id()`` rather than hashed.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection

from bzpeer.lib.names import ParsedName, parse_name
from profiles.models import Researcher
from works.attribution.rules import conflicts
from works.models import Authorship
from works.sources.records import AuthorRecord, ResearcherRecord

# The columns resolution reads and writes; the rest of a researcher row stays in the database.
COLUMNS = (
    "id",
    "slug",
    "display_name",
    "name_key",
    "match_key",
    "orcid",
    "openalex_id",
    "sources",
    "other_names",
    "institution_id",
    "affiliation_set_by_owner",
)
_LOAD_SQL = f"SELECT {', '.join(COLUMNS)} FROM {Researcher._meta.db_table} "  # noqa: S608


class Known:
    """A stored researcher as resolution sees it: the columns above and nothing else.

    Imports load tens of thousands of these per batch; a plain object costs a tenth of a
    model instance. Written back with bulk_update_rows, which reads attributes only.
    """

    __slots__ = (*COLUMNS, "__weakref__")

    id: int
    slug: str
    display_name: str
    name_key: str
    match_key: str
    orcid: str | None
    openalex_id: str | None
    sources: list[str]
    other_names: list[str]
    institution_id: int | None
    affiliation_set_by_owner: bool

    def __init__(self, *values):
        for name, value in zip(COLUMNS, values, strict=True):
            setattr(self, name, value)

    @property
    def pk(self) -> int:
        return self.id


# A researcher as resolution handles it: a model instance (new or loaded whole) or a Known row.
AnyResearcher = Researcher | Known


def _load(where: str, params: list[Any]) -> list[Known]:
    with connection.cursor() as cursor:
        cursor.execute(_LOAD_SQL + where, params)
        return [Known(*row) for row in cursor.fetchall()]


def load_one(pk: int) -> Known:
    """The stored researcher ``pk`` as it is now."""
    return _load("WHERE id = %s", [pk])[0]


def coauthor_pairs(candidates: set[int], anchors: set[int], max_authors: int):
    """``(candidate, anchor)`` for each candidate who wrote a work of at most ``max_authors``
    authors with an anchor."""
    return (
        Authorship.objects.filter(
            researcher_id__in=candidates,
            work__authorships__researcher_id__in=anchors,
            work__authors_count__lte=max_authors,
        )
        .values_list("researcher_id", "work__authorships__researcher_id")
        .distinct()
    )


class ResearcherIndex:
    """Every researcher a batch has seen, and the aliases of those joined during it.

    A researcher merged into another stays indexed under its own identifiers; ``final``
    follows the aliases to the one kept.
    """

    def __init__(self) -> None:
        self.by_orcid: dict[str, AnyResearcher] = {}
        self.by_openalex: dict[str, AnyResearcher] = {}
        self.by_match_key: dict[str, list[AnyResearcher]] = defaultdict(list)
        self.by_pk: dict[int, AnyResearcher] = {}
        self.aliases: dict[int, AnyResearcher] = {}
        self._parsed: dict[int, ParsedName] = {}

    @classmethod
    def load(cls, authors: Iterable[AuthorRecord | ResearcherRecord]) -> "ResearcherIndex":
        """The stored researchers who hold the authors' identifiers, and for authors no
        identifier places, those with the same match key: two queries."""
        index = cls()
        authors = list(authors)
        orcids = sorted({a.orcid for a in authors if a.orcid})
        openalex = sorted({a.openalex_id for a in authors if a.openalex_id})
        for researcher in _load(
            "WHERE orcid = ANY(%s) OR openalex_id = ANY(%s) ORDER BY id", [orcids, openalex]
        ):
            index.add(researcher)
        # An author who carries an OpenAlex ID can only be someone whose record has none yet.
        anyone: set[str] = set()
        unidentified: set[str] = set()
        for author in authors:
            if index.by_identifier(author) is not None:
                continue
            key = parse_name(author.display_name).match_key
            (unidentified if author.openalex_id else anyone).add(key)
        if anyone or unidentified:
            for researcher in _load(
                "WHERE match_key = ANY(%s) "
                "OR (match_key = ANY(%s) AND openalex_id IS NULL) ORDER BY id",
                [sorted(anyone), sorted(unidentified)],
            ):
                index.add(researcher)
        return index

    def add(self, researcher: AnyResearcher) -> None:
        """Index the researcher under its current identifiers and name; a stored one already
        indexed under its pk stays the instance used."""
        if researcher.pk:
            researcher = self.by_pk.setdefault(researcher.pk, researcher)
        if researcher.orcid:
            self.by_orcid[researcher.orcid] = researcher
        if researcher.openalex_id:
            self.by_openalex[researcher.openalex_id] = researcher
        bucket = self.by_match_key[researcher.match_key]
        if all(r is not researcher for r in bucket):
            bucket.append(researcher)

    def adopt(self, researcher: AnyResearcher) -> AnyResearcher:
        """The one instance used for a stored researcher, however it was loaded."""
        if researcher.pk is None:
            return researcher
        if researcher.pk not in self.by_pk:
            self.add(researcher)
        return self.final(self.by_pk[researcher.pk])

    def alias(self, other: AnyResearcher, keep: AnyResearcher) -> None:
        """``other`` is ``keep`` from now on."""
        self.aliases[id(other)] = keep

    def final(self, researcher: AnyResearcher) -> AnyResearcher:
        while id(researcher) in self.aliases:
            researcher = self.aliases[id(researcher)]
        return researcher

    def by_identifier(self, person) -> AnyResearcher | None:
        """Who holds the person's ORCID iD, failing that its OpenAlex ID (unless their ORCID
        iDs differ)."""
        if person.orcid and person.orcid in self.by_orcid:
            return self.final(self.by_orcid[person.orcid])
        if person.openalex_id and person.openalex_id in self.by_openalex:
            researcher = self.final(self.by_openalex[person.openalex_id])
            if not conflicts(person, researcher):
                return researcher
        return None

    def namesakes(self, match_key: str) -> list[AnyResearcher]:
        """The researchers indexed under the match key, as indexed (not followed to aliases)."""
        return self.by_match_key.get(match_key, [])

    def parsed(self, researcher: AnyResearcher) -> ParsedName:
        """The researcher's display name parsed, once per instance."""
        if id(researcher) not in self._parsed:
            self._parsed[id(researcher)] = parse_name(researcher.display_name)
        return self._parsed[id(researcher)]
