"""Linking the authors of a batch's records to researchers, with a few queries per batch.

The rules (works.attribution.rules) say who each author is; the resolver asks them in order,
acts on their decisions (creating, filling in and merging researchers), and notes each
decision with a rule in its journal. ``save`` writes all of it.
"""

from collections import defaultdict
from dataclasses import dataclass

from bzpeer.lib.bulk import bulk_update_rows, insert_models
from bzpeer.lib.names import name_key, name_keys, names_compatible, parse_name
from profiles.models import Researcher
from profiles.services import unique_slugs
from works.attribution import rules
from works.attribution.index import (
    COLUMNS,
    AnyResearcher,
    ResearcherIndex,
    coauthor_pairs,
    load_one,
)
from works.attribution.journal import Journal
from works.attribution.rules import MAX_EVIDENCE_AUTHORS, Decision, Rule, conflicts
from works.services import researcher_merge
from works.sources.records import AuthorRecord, ResearcherRecord


@dataclass
class Entry:
    """One author of a byline, resolved."""

    author: AuthorRecord
    researcher: AnyResearcher


@dataclass(slots=True)
class Byline:
    """The authors of one work record, and the byline its work shows now."""

    authors: tuple[AuthorRecord, ...]
    shown: list[Researcher]
    replaces: bool  # the record's authors become the work's byline
    complete: bool  # the record lists every author of the work
    source: str
    external_id: str


class Resolver:
    """Resolves the authors of one batch of records.

    Researchers created for the batch stay unsaved until ``save``; two stored researchers
    found to be one person are merged at once and the one merged away is aliased to the one
    kept.
    """

    def __init__(self, authors: list[AuthorRecord | ResearcherRecord]) -> None:
        # Who wrote with whom only matters for authors that no identifier places.
        self.needs_evidence = any(not (a.orcid or a.openalex_id) for a in authors)
        self.index = ResearcherIndex.load(authors)
        # Called for every author of the batch, and more: bound once, not delegated.
        self.adopt = self.index.adopt  # the one instance used for a stored researcher
        self.final = self.index.final  # the researcher, or the one it was merged into
        self.journal = Journal()
        # Stored coauthors of stored name candidates, by pk; and, by id(), who shared a
        # byline with whom earlier in this batch.
        self.coauthors: dict[int, set[int]] = defaultdict(set)
        self.batch_pairs: dict[int, set[int]] = defaultdict(set)
        self.new: list[Researcher] = []
        self.created: set[int] = set()  # pks of those saved by this resolver
        self.changed: dict[int, AnyResearcher] = {}
        self.merged_away: set[int] = set()

    # Bylines ---------------------------------------------------------------------------------

    def bylines(self, bylines: list[Byline]) -> list[list[Entry]]:
        """Each byline's authors as researchers, in order.

        The bylines that records replace are resolved in two passes around one query for
        coauthor evidence: first what identifiers and the replaced byline settle, then the
        rest by name. In the second pass, in order with them, a complete byline that does
        not replace the work's only matches its authors to the byline shown (which may give
        them identifiers), and a partial one (an ORCID work) adds its authors.
        """
        partial = {i: self._first_pass(b) for i, b in enumerate(bylines) if b.replaces}
        self._load_coauthors([(bylines[i].authors, found) for i, found in partial.items()])
        resolved = []
        for i, byline in enumerate(bylines):
            if byline.replaces:
                resolved.append(self._second_pass(byline, partial[i]))
            elif byline.complete:
                resolved.append(self._matched_on_byline(byline))
            else:
                resolved.append([self._added_author(a, byline) for a in byline.authors])
        return resolved

    def _first_pass(self, byline: Byline) -> list[Researcher | None]:
        """Who identifiers and the replaced byline settle; None for the others."""
        old = [self.adopt(r) for r in byline.shown]
        used: set[int] = set()
        return [
            self._from_id_or_old(author, position, old, used, byline.source, byline.external_id)
            for position, author in enumerate(byline.authors)
        ]

    def _likely(self, authors, partial) -> list[AnyResearcher]:
        """Who is probably on this byline: the people placed by identifier or by the replaced
        byline, and for the others any researcher printed exactly the same way. Evidence for
        one author's name is looked for among the rest of them."""
        likely = [self.final(r) for r in partial if r is not None]
        for author, researcher in zip(authors, partial, strict=True):
            if researcher is None:
                key = name_key(author.display_name)
                likely.extend(
                    self.final(r)
                    for r in self.index.namesakes(parse_name(author.display_name).match_key)
                    if r.name_key == key and not conflicts(author, r)
                )
        return rules.unique(likely)

    def _load_coauthors(self, bylines: list[tuple[tuple[AuthorRecord, ...], list]]) -> None:
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
                    for r in self.index.namesakes(parsed.match_key)
                    if r.pk
                    and not conflicts(author, r)
                    and names_compatible(parsed, self.index.parsed(r))
                }
                if found and placed:
                    candidates |= found
                    anchors |= placed
        if not candidates:
            return
        for candidate, anchor in coauthor_pairs(candidates, anchors, MAX_EVIDENCE_AUTHORS):
            self.coauthors[candidate].add(anchor)

    def _second_pass(self, byline: Byline, partial: list) -> list[Entry]:
        """Resolve the rest of a complete byline by name, then record its coauthor pairs."""
        authors, source = byline.authors, byline.source
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
                researcher = self.index.by_identifier(author) or self._from_name(
                    author, others, on_byline, source, byline.external_id
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

    def _added_author(self, author: AuthorRecord, byline: Byline) -> Entry:
        """The author that a partial record (an ORCID work) adds to a work's byline."""
        old = [self.adopt(r) for r in byline.shown]
        researcher = self._from_id_or_old(
            author, None, old, set(), byline.source, byline.external_id
        )
        return Entry(author, researcher or self._create(author, byline.source))

    def _matched_on_byline(self, byline: Byline) -> list[Entry]:
        """Authors of a record that does not replace the byline, found on it; others dropped."""
        old = [self.adopt(r) for r in byline.shown]
        used: set[int] = set()
        entries = []
        for position, author in enumerate(byline.authors):
            researcher = self._from_id_or_old(
                author, position, old, used, byline.source, byline.external_id
            )
            shown = {id(self.final(r)) for r in old}
            if researcher is not None and id(researcher) in shown:
                entries.append(Entry(author, researcher))
        return entries

    # People ----------------------------------------------------------------------------------

    def person(self, record: ResearcherRecord) -> tuple[AnyResearcher, bool]:
        """A person record (an OpenAlex Author, an ORCID person): by identifier, else new."""
        researcher = self.index.by_identifier(record)
        if researcher is None:
            return self._create(record, record.source), True
        self._fill_identifiers(researcher, record, record.source, record.external_id)
        return researcher, False

    # Acting on the rules ---------------------------------------------------------------------

    def _from_id_or_old(self, author, position, old, used, source, external_id):
        """Who the author's identifiers or the replaced byline ``old`` say the author is, or
        None; adds the one found on ``old`` to ``used``."""
        by_id = self.index.by_identifier(author)
        same_work, passed_over = rules.on_the_byline(author, position, old, used, self.index.parsed)
        if passed_over:
            for decision in rules.kept_apart_on_byline(author, by_id, passed_over):
                self._note(decision, author, source, external_id)
        if same_work is not None:
            used.add(id(same_work))
        decision = rules.by_identifier_or_byline(
            author, by_id, same_work, source=source, external_id=external_id
        )
        researcher, rule = decision.researcher, decision.rule
        if rule is None:  # a plain identifier match, or nobody
            if researcher is not None:
                self._fill_identifiers(researcher, author, source, external_id)
            return researcher
        if rule == Rule.MERGED:
            return self._merge(by_id, same_work, decision.detail, author, source, external_id)
        self._note(decision, author, source, external_id)
        if rule != Rule.KEPT_APART:
            self._fill_identifiers(researcher, author, source, external_id)
        return researcher

    def _from_name(self, author, placed, on_byline, source, external_id) -> Researcher:
        """Who an author placed by nothing else is by name and coauthors, or a new researcher."""
        name = parse_name(author.display_name)
        candidates = rules.name_candidates(
            author,
            name,
            (self.final(r) for r in self.index.namesakes(name.match_key)),
            on_byline,
            self.index.parsed,
        )
        placed_pks = {r.pk for r in placed if r.pk}
        placed_ids = {id(r) for r in placed}
        shared = [
            (len(self.coauthors.get(c.pk, set()) & placed_pks) if c.pk else 0)
            + len(self.batch_pairs.get(id(c), set()) & placed_ids)
            for c in candidates
        ]
        decision = rules.by_name(author, candidates, shared, source=source)
        if decision.researcher is not None:
            self._note(decision, author, source, external_id)
            if decision.rule == Rule.COAUTHOR:
                self._fill_identifiers(decision.researcher, author, source, external_id)
            return decision.researcher
        researcher = self._create(author, source)
        if decision.rule is not None:
            self._note(decision._replace(researcher=researcher), author, source, external_id)
        return researcher

    def _note(self, decision: Decision, person, source: str, external_id: str) -> None:
        self.journal.note(decision, person, source=source, external_id=external_id)

    # Changes ---------------------------------------------------------------------------------

    def _create(self, person, source: str) -> Researcher:
        researcher = Researcher(
            display_name=person.display_name[:255],
            **name_keys(person.display_name),
            orcid=person.orcid if person.orcid not in self.index.by_orcid else None,
            openalex_id=(
                person.openalex_id if person.openalex_id not in self.index.by_openalex else None
            ),
            sources=[source],
        )
        self.new.append(researcher)
        self.index.add(researcher)
        return researcher

    def _fill_identifiers(self, researcher, person, source, external_id) -> None:
        """Give the researcher the person's identifiers it lacks, unless someone holds them."""
        changed = False
        for name, value, decision in rules.identifiers_to_fill(
            researcher,
            person,
            held_orcids=self.index.by_orcid,
            held_openalex=self.index.by_openalex,
        ):
            setattr(researcher, name, value)
            self._note(decision, person, source, external_id)
            changed = True
        if source not in researcher.sources:
            researcher.sources = [*researcher.sources, source]
            changed = True
        if changed:
            self.index.add(researcher)
            self.mark_changed(researcher)

    def mark_changed(self, researcher: AnyResearcher) -> None:
        """Have ``save`` write the stored researcher's columns back."""
        if researcher.pk:
            self.changed[researcher.pk] = researcher

    def _merge(self, keep, other, reason: str, author, source, external_id) -> Researcher:
        """``other`` is ``keep`` printed another way: join them into one."""
        if keep.pk and other.pk:
            self.save()  # pending rows first: the merge moves rows in the database
            stored = Researcher.objects.in_bulk([keep.pk, other.pk])
            researcher_merge(keep=stored[keep.pk], remove=stored[other.pk], reason=reason)
            # The merge moved the other's identifiers and names onto the one kept.
            fresh = load_one(keep.pk)
            for name in COLUMNS:
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
        self.index.alias(other, keep)
        self.index.add(keep)
        self._note(Decision(keep, Rule.MERGED, None, reason), author, source, external_id)
        return keep

    def save(self) -> None:
        """Write new researchers, changed ones, and the journal so far."""
        if self.new:
            slugs = unique_slugs([r.display_name for r in self.new])
            for researcher, slug in zip(self.new, slugs, strict=True):
                researcher.slug = slug
            insert_models(Researcher, self.new)
            for researcher in self.new:
                self.index.by_pk[researcher.pk] = researcher
                self.created.add(researcher.pk)
            self.new = []
        live = [r for pk, r in self.changed.items() if pk not in self.merged_away]
        if live:
            bulk_update_rows(
                Researcher,
                # It reads attributes only, so Known rows do; its signature asks for models.
                live,  # type: ignore[arg-type]
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
        self.journal.save(self.final)
