"""Who is who: linking the authors of imported records to researchers.

The rules, strongest first, for each author on a work's byline:

1. the same ORCID iD, then the same OpenAlex author ID (never when the other identifier
   conflicts);
2. a compatible name on the same work, as another source printed it ("T. P. Lillicrap" where
   arXiv printed "Timothy Lillicrap");
3. a compatible name and a shared coauthor with someone else on this byline;
4. in a source that identifies nobody (arXiv, BibTeX), the same full name printed the same way
   in that source;
5. otherwise a new researcher.

Two researchers whose identifiers conflict are never joined. Each decision other than a plain
identifier match is written down as an AttributionDecision with its reason.

Researchers are plain model instances here, some not saved yet, so they are tracked by
``id()`` rather than hashed.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from bzpeer.lib.bulk import bulk_update_rows, insert_models
from bzpeer.lib.names import ParsedName, name_key, names_compatible, parse_name
from bzpeer.lib.sources import Source
from profiles.models import Researcher
from profiles.services import researcher_merge, unique_slugs
from works.models import AttributionDecision, Authorship
from works.sources.records import AuthorRecord, ResearcherRecord

Rule = AttributionDecision.Rule
# Sources whose records identify no person: an exact full name is the best they can say.
NAME_ONLY_SOURCES = {Source.ARXIV, Source.BIBTEX}
# A byline longer than this (a physics collaboration) is weak evidence that two of its names
# know each other, and would cost its length squared to record.
MAX_EVIDENCE_AUTHORS = 100


# The columns resolution reads and writes; the rest of a researcher row stays in the database.
_COLUMNS = (
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
_LOAD_SQL = f"SELECT {', '.join(_COLUMNS)} FROM profiles_researcher "  # noqa: S608 (fixed)


class Known:
    """A stored researcher as resolution sees it: the columns above and nothing else.

    Imports load tens of thousands of these per batch; a plain object costs a tenth of a
    model instance. Written back with bulk_update_rows, which reads attributes only.
    """

    __slots__ = (*_COLUMNS, "__weakref__")

    def __init__(self, *values):
        for name, value in zip(_COLUMNS, values, strict=True):
            setattr(self, name, value)

    @property
    def pk(self) -> int:
        return self.id


def _load(sql: str, params: list) -> list[Known]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Known(*row) for row in cursor.fetchall()]


@dataclass
class Entry:
    """One author of a byline, resolved."""

    author: AuthorRecord
    researcher: Researcher


def _conflicts(person: AuthorRecord | ResearcherRecord | Researcher, researcher: Researcher):
    """True when an identifier of one and the same kind of identifier of the other disagree."""
    if person.orcid and researcher.orcid:
        return person.orcid != researcher.orcid
    return bool(
        person.openalex_id
        and researcher.openalex_id
        and person.openalex_id != researcher.openalex_id
    )


def _unique(researchers) -> list[Researcher]:
    seen: set[int] = set()
    return [r for r in researchers if not (id(r) in seen or seen.add(id(r)))]


@dataclass
class Resolver:
    """Resolves the authors of one batch of records with a few queries for the whole batch.

    Use: ``first_pass`` on every byline, ``load_coauthors`` once, then ``second_pass`` on each
    byline in the same order, then ``save``. Researchers created for the batch stay unsaved
    until ``save``; two stored researchers found to be one person are merged at once and the
    one merged away is aliased to the one kept.
    """

    authors: list[AuthorRecord | ResearcherRecord]
    by_orcid: dict[str, Researcher] = field(default_factory=dict)
    by_openalex: dict[str, Researcher] = field(default_factory=dict)
    by_match_key: dict[str, list[Researcher]] = field(default_factory=lambda: defaultdict(list))
    coauthors: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    batch_pairs: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    new: list[Researcher] = field(default_factory=list)
    created: set[int] = field(default_factory=set)  # pks of those saved by this resolver
    changed: dict[int, Researcher] = field(default_factory=dict)
    decisions: list[AttributionDecision] = field(default_factory=list)
    merged_away: set[int] = field(default_factory=set)
    aliases: dict[int, Researcher] = field(default_factory=dict)
    parsed: dict[int, ParsedName] = field(default_factory=dict)
    by_pk: dict[int, Researcher] = field(default_factory=dict)
    needs_evidence: bool = True
    conflicts: list = field(default_factory=list)

    def __post_init__(self) -> None:
        # Who wrote with whom only matters for authors that no identifier places.
        self.needs_evidence = any(not (a.orcid or a.openalex_id) for a in self.authors)
        orcids = sorted({a.orcid for a in self.authors if a.orcid})
        openalex = sorted({a.openalex_id for a in self.authors if a.openalex_id})
        for researcher in _load(
            _LOAD_SQL + "WHERE orcid = ANY(%s) OR openalex_id = ANY(%s) ORDER BY id",
            [orcids, openalex],
        ):
            self._index(researcher)
        # Name candidates, only for authors no identifier places. An author who carries an
        # OpenAlex ID can only be someone whose record has none yet.
        anyone, unidentified = set(), set()
        for author in self.authors:
            if self.by_identifier(author) is not None:
                continue
            key = parse_name(author.display_name).match_key
            (unidentified if author.openalex_id else anyone).add(key)
        if anyone or unidentified:
            for researcher in _load(
                _LOAD_SQL + "WHERE match_key = ANY(%s) "
                "OR (match_key = ANY(%s) AND openalex_id IS NULL) ORDER BY id",
                [sorted(anyone), sorted(unidentified)],
            ):
                self._index(researcher)

    # Lookups ---------------------------------------------------------------------------------

    def adopt(self, researcher: Researcher) -> Researcher:
        """The one instance this resolver uses for a stored researcher, however it was loaded."""
        if researcher.pk is None:
            return researcher
        if researcher.pk not in self.by_pk:
            self._index(researcher)
        return self.final(self.by_pk[researcher.pk])

    def _index(self, researcher: Researcher) -> None:
        if researcher.pk:
            researcher = self.by_pk.setdefault(researcher.pk, researcher)
        if researcher.orcid:
            self.by_orcid[researcher.orcid] = researcher
        if researcher.openalex_id:
            self.by_openalex[researcher.openalex_id] = researcher
        bucket = self.by_match_key[researcher.match_key]
        if all(r is not researcher for r in bucket):
            bucket.append(researcher)

    def _parsed(self, researcher: Researcher) -> ParsedName:
        if id(researcher) not in self.parsed:
            self.parsed[id(researcher)] = parse_name(researcher.display_name)
        return self.parsed[id(researcher)]

    def final(self, researcher: Researcher) -> Researcher:
        while id(researcher) in self.aliases:
            researcher = self.aliases[id(researcher)]
        return researcher

    def by_identifier(self, person) -> Researcher | None:
        if person.orcid and person.orcid in self.by_orcid:
            return self.final(self.by_orcid[person.orcid])
        if person.openalex_id and person.openalex_id in self.by_openalex:
            researcher = self.final(self.by_openalex[person.openalex_id])
            if not _conflicts(person, researcher):
                return researcher
        return None

    # Passes ----------------------------------------------------------------------------------

    def first_pass(self, authors, old: list[Researcher], *, source, external_id):
        """Resolve what identifiers and the replaced byline ``old`` settle; None elsewhere."""
        old = [self.adopt(r) for r in old]
        used: set[int] = set()
        return [
            self._from_id_or_old(author, position, old, used, source, external_id)
            for position, author in enumerate(authors)
        ]

    def _likely(self, authors, partial) -> list[Researcher]:
        """Who is probably on this byline: the people placed by identifier or by the replaced
        byline, and for the others any researcher printed exactly the same way. Evidence for
        one author's name is looked for among the rest of them."""
        likely = [self.final(r) for r in partial if r is not None]
        for author, researcher in zip(authors, partial, strict=True):
            if researcher is None:
                key = name_key(author.display_name)
                likely.extend(
                    self.final(r)
                    for r in self.by_match_key.get(parse_name(author.display_name).match_key, [])
                    if r.name_key == key and not _conflicts(author, r)
                )
        return _unique(likely)

    def load_coauthors(self, bylines: list[tuple[tuple[AuthorRecord, ...], list]]) -> None:
        """Coauthor pairs between the name candidates of unresolved authors and the people
        already placed on their bylines: one query for the whole batch, none when no author
        is left to place by name."""
        candidates: set[int] = set()
        anchors: set[int] = set()
        for authors, partial in bylines:
            if None not in partial:
                continue
            placed = {r.pk for r in self._likely(authors, partial) if r.pk}
            for author, researcher in zip(authors, partial, strict=True):
                if researcher is not None:
                    continue
                parsed = parse_name(author.display_name)
                found = {
                    r.pk
                    for r in self.by_match_key.get(parsed.match_key, [])
                    if r.pk
                    and not _conflicts(author, r)
                    and names_compatible(parsed, self._parsed(r))
                }
                if found and placed:
                    candidates |= found
                    anchors |= placed
        if not candidates:
            return
        pairs = (
            Authorship.objects.filter(
                researcher_id__in=candidates,
                work__authorships__researcher_id__in=anchors,
                work__authors_count__lte=MAX_EVIDENCE_AUTHORS,
            )
            .values_list("researcher_id", "work__authorships__researcher_id")
            .distinct()
        )
        for candidate, anchor in pairs:
            self.coauthors[candidate].add(anchor)

    def second_pass(self, authors, partial, *, source, external_id) -> list[Entry]:
        """Resolve the rest of a complete byline by name, then record its coauthor pairs."""
        if None not in partial:
            return self._record_pairs(
                [Entry(a, self.final(r)) for a, r in zip(authors, partial, strict=True)], source
            )
        likely = self._likely(authors, partial)
        entries = []
        on_byline = {id(self.final(r)) for r in partial if r is not None}
        for author, researcher in zip(authors, partial, strict=True):
            if researcher is None:
                others = [r for r in likely if r.name_key != name_key(author.display_name)]
                researcher = self.by_identifier(author) or self._from_name(
                    author, others, on_byline, source, external_id
                )
                on_byline.add(id(researcher))
            entries.append(Entry(author, self.final(researcher)))
        return self._record_pairs(entries, source)

    def _record_pairs(self, entries: list[Entry], source: str) -> list[Entry]:
        """Drop repeats, then note who wrote with whom, for records later in this batch."""
        entries = self._without_repeats(entries, source)
        if self.needs_evidence and len(entries) <= MAX_EVIDENCE_AUTHORS:
            ids = {id(e.researcher) for e in entries}
            for entry in entries:
                self.batch_pairs[id(entry.researcher)].update(ids)
        return entries

    def added_author(self, author, old: list[Researcher], *, source, external_id) -> Entry:
        """The author that a partial record (an ORCID work) adds to a work's byline."""
        old = [self.adopt(r) for r in old]
        researcher = self._from_id_or_old(author, None, old, set(), source, external_id)
        return Entry(author, researcher or self._create(author, source))

    def matched_on_byline(self, authors, old: list[Researcher], *, source, external_id):
        """Authors of a record that does not replace the byline, found on it; others dropped."""
        old = [self.adopt(r) for r in old]
        used: set[int] = set()
        entries = []
        for position, author in enumerate(authors):
            researcher = self._from_id_or_old(author, position, old, used, source, external_id)
            shown = {id(self.final(r)) for r in old}
            if researcher is not None and id(researcher) in shown:
                entries.append(Entry(author, researcher))
        return entries

    def person(self, record: ResearcherRecord) -> tuple[Researcher, bool]:
        """A person record (an OpenAlex Author, an ORCID person): by identifier, else new."""
        researcher = self.by_identifier(record)
        if researcher is None:
            return self._create(record, record.source), True
        self._fill_identifiers(researcher, record, record.source, record.external_id)
        return researcher, False

    # Rules -----------------------------------------------------------------------------------

    def _from_id_or_old(self, author, position, old, used, source, external_id):
        by_id = self.by_identifier(author)
        self.conflicts = []
        same_work = self._compatible_on_work(author, position, old, used)
        for _, candidate in self.conflicts:
            if by_id is None or by_id is not candidate:
                self._decide(
                    by_id or candidate,
                    candidate,
                    source,
                    external_id,
                    author,
                    Rule.KEPT_APART,
                    f"“{author.printed_name}” on the same work, but their ORCID iDs "
                    "or OpenAlex IDs differ",
                )
        if same_work is not None:
            used.add(id(same_work))
        if by_id is not None and same_work is not None and by_id is not same_work:
            if _conflicts(by_id, same_work):
                self._decide(
                    by_id,
                    same_work,
                    source,
                    external_id,
                    author,
                    Rule.KEPT_APART,
                    "a compatible name on the same work, but conflicting identifiers",
                )
                return by_id
            return self._merge(by_id, same_work, source, external_id, author)
        if by_id is not None:
            self._fill_identifiers(by_id, author, source, external_id)
            return by_id
        if same_work is not None:
            self._decide(
                same_work,
                None,
                source,
                external_id,
                author,
                Rule.SAME_WORK,
                f"printed “{author.printed_name}” on a work this researcher is "
                "already an author of",
            )
            self._fill_identifiers(same_work, author, source, external_id)
            return same_work
        return None

    def _compatible_on_work(self, author, position, old, used) -> Researcher | None:
        parsed = parse_name(author.display_name)
        order = list(range(len(old)))
        if position is not None:
            order.sort(key=lambda i: i != position)  # the same place in the byline first
        for index in order:
            candidate = old[index]
            if id(candidate) in used or not names_compatible(parsed, self._parsed(candidate)):
                continue
            if _conflicts(author, candidate):
                self.conflicts.append((author, candidate))
                continue
            return candidate
        return None

    def _from_name(self, author, placed, on_byline, source, external_id) -> Researcher:
        parsed = parse_name(author.display_name)
        candidates = [
            r
            for r in _unique(self.final(r) for r in self.by_match_key.get(parsed.match_key, []))
            if id(r) not in on_byline
            and not _conflicts(author, r)
            and names_compatible(parsed, self._parsed(r))
        ]
        placed_pks = {r.pk for r in placed if r.pk}
        placed_ids = {id(r) for r in placed}
        best, best_shared = None, 0
        for candidate in candidates:
            shared = (
                len(self.coauthors.get(candidate.pk, set()) & placed_pks) if candidate.pk else 0
            )
            shared += len(self.batch_pairs.get(id(candidate), set()) & placed_ids)
            if shared > best_shared:
                best, best_shared = candidate, shared
        if best is not None:
            self._decide(
                best,
                None,
                source,
                external_id,
                author,
                Rule.COAUTHOR,
                f"a compatible name and {best_shared} shared coauthor(s)",
            )
            self._fill_identifiers(best, author, source, external_id)
            return best
        if source in NAME_ONLY_SOURCES and not (author.orcid or author.openalex_id):
            key = name_key(author.display_name)
            for candidate in candidates:
                if candidate.name_key == key and NAME_ONLY_SOURCES & set(candidate.sources):
                    self._decide(
                        candidate,
                        None,
                        source,
                        external_id,
                        author,
                        Rule.SAME_NAME,
                        f"the same full name, “{author.display_name}”, in sources that "
                        "identify no one",
                    )
                    return candidate
        researcher = self._create(author, source)
        if candidates:
            self._decide(
                researcher,
                candidates[0],
                source,
                external_id,
                author,
                Rule.KEPT_APART,
                "a compatible name, but no shared work or coauthor",
            )
        return researcher

    def _without_repeats(self, entries: list[Entry], source: str) -> list[Entry]:
        """One person appears once per byline; two namesakes on one paper are two people."""
        seen: set[int] = set()
        result = []
        for entry in entries:
            researcher = entry.researcher
            if id(researcher) in seen:
                if entry.author.orcid or entry.author.openalex_id:
                    continue  # the same identified person listed twice: keep the first
                researcher = self._create(entry.author, source)
            seen.add(id(researcher))
            result.append(Entry(entry.author, researcher))
        return result

    # Changes ---------------------------------------------------------------------------------

    def _create(self, person, source: str) -> Researcher:
        researcher = Researcher(
            display_name=person.display_name[:255],
            name_key=name_key(person.display_name),
            match_key=parse_name(person.display_name).match_key[:255],
            orcid=person.orcid if person.orcid not in self.by_orcid else None,
            openalex_id=(
                person.openalex_id if person.openalex_id not in self.by_openalex else None
            ),
            sources=[source],
        )
        self.new.append(researcher)
        self._index(researcher)
        return researcher

    def _fill_identifiers(self, researcher, person, source, external_id) -> None:
        """Give the researcher the person's identifiers it lacks, unless someone holds them."""
        changed = False
        for name, index, rule, label in (
            ("orcid", self.by_orcid, Rule.ORCID, "ORCID iD"),
            ("openalex_id", self.by_openalex, Rule.OPENALEX, "OpenAlex ID"),
        ):
            value = getattr(person, name)
            if value and not getattr(researcher, name) and value not in index:
                setattr(researcher, name, value)
                self._decide(
                    researcher,
                    None,
                    source,
                    external_id,
                    person,
                    rule,
                    f"{label} {value} added to this record",
                )
                changed = True
        if source not in researcher.sources:
            researcher.sources = [*researcher.sources, source]
            changed = True
        if changed:
            self._index(researcher)
            self.mark_changed(researcher)

    def mark_changed(self, researcher: Researcher) -> None:
        if researcher.pk:
            self.changed[researcher.pk] = researcher

    def _merge(self, keep, other, source, external_id, author) -> Researcher:
        """``other`` is ``keep`` printed another way: join them into one."""
        reason = (
            f"{Source(source).label} record {external_id} gives “{author.printed_name}” the "
            f"identifiers of {keep.display_name}, on a work {other.display_name} is an author of"
        )[:500]
        if keep.pk and other.pk:
            self.save()  # pending rows first: the merge moves rows in the database
            stored = Researcher.objects.in_bulk([keep.pk, other.pk])
            researcher_merge(keep=stored[keep.pk], remove=stored[other.pk], reason=reason)
            # The merge moved the other's identifiers and names onto the one kept.
            fresh = _load(_LOAD_SQL + "WHERE id = %s", [keep.pk])[0]
            for name in _COLUMNS:
                setattr(keep, name, getattr(fresh, name))
            self.merged_away.add(other.pk)
            self.changed.pop(other.pk, None)
        else:
            if other.pk:  # keep the stored one; the unsaved one has nothing stored to move
                keep, other = other, keep
            self.new = [r for r in self.new if r is not other]
            keep.orcid = keep.orcid or other.orcid
            keep.openalex_id = keep.openalex_id or other.openalex_id
            keep.sources = list(dict.fromkeys([*keep.sources, *other.sources]))
            self.mark_changed(keep)
        self.aliases[id(other)] = keep
        self._index(keep)
        self._decide(keep, None, source, external_id, author, Rule.MERGED, reason)
        return keep

    def _decide(self, researcher, other, source, external_id, person, rule, detail) -> None:
        printed = getattr(person, "printed_name", None) or person.display_name
        decision = AttributionDecision(
            source=source,
            external_id=external_id[:255],
            printed_name=printed[:500],
            rule=rule,
            detail=detail[:500],
        )
        decision.pending = (researcher, other)  # resolved to saved rows in save()
        self.decisions.append(decision)

    def save(self) -> None:
        """Write new researchers, changed ones, and the decisions so far."""
        if self.new:
            slugs = unique_slugs([r.display_name for r in self.new])
            for researcher, slug in zip(self.new, slugs, strict=True):
                researcher.slug = slug
            insert_models(Researcher, self.new)
            for researcher in self.new:
                self.by_pk[researcher.pk] = researcher
                self.created.add(researcher.pk)
            self.new = []
        live = [r for pk, r in self.changed.items() if pk not in self.merged_away]
        if live:
            bulk_update_rows(
                Researcher,
                live,
                [
                    "orcid",
                    "openalex_id",
                    "sources",
                    "display_name",
                    "name_key",
                    "match_key",
                    "other_names",
                    "institution",
                ],
            )
        self.changed = {}
        for decision in self.decisions:
            researcher, other = decision.pending
            decision.researcher_id = self.final(researcher).pk
            decision.other_id = self.final(other).pk if other is not None else None
        AttributionDecision.objects.bulk_create(self.decisions)
        self.decisions = []
