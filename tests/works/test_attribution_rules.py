"""The attribution rules decide from plain values alone: no database."""

from types import SimpleNamespace

from bzpeer.lib.names import name_key, parse_name
from bzpeer.lib.sources import Source
from works.attribution.rules import (
    NOBODY,
    Rule,
    by_identifier_or_byline,
    by_name,
    conflicts,
    identifiers_to_fill,
    kept_apart_on_byline,
    name_candidates,
    on_the_byline,
)
from works.sources.records import AuthorRecord


def researcher(name, orcid=None, openalex_id=None, sources=("arxiv",)):
    return SimpleNamespace(
        display_name=name,
        name_key=name_key(name),
        orcid=orcid,
        openalex_id=openalex_id,
        sources=list(sources),
    )


def author(name, orcid=None, openalex_id=None):
    return AuthorRecord(printed_name=name, display_name=name, orcid=orcid, openalex_id=openalex_id)


def parsed(r):
    return parse_name(r.display_name)


def test_it_lets_an_orcid_id_decide_over_openalex_ids():
    assert conflicts(author("T. Lillicrap", orcid="A"), researcher("T. Lillicrap", orcid="B"))
    assert not conflicts(
        author("T. Lillicrap", orcid="A", openalex_id="X"),
        researcher("T. Lillicrap", orcid="A", openalex_id="Y"),
    )
    assert conflicts(author("T. Lillicrap", openalex_id="X"), researcher("T. Lillicrap", "A", "Y"))
    assert not conflicts(author("T. Lillicrap"), researcher("T. Lillicrap", orcid="A"))


def test_it_finds_the_author_on_the_byline_at_the_same_place_first():
    first, second = researcher("T. Lillicrap"), researcher("Timothy Lillicrap")
    found, passed_over = on_the_byline(
        author("Timothy P. Lillicrap"), 1, [first, second], set(), parsed
    )
    assert found is second
    assert passed_over == []


def test_it_skips_used_researchers_and_passes_over_conflicting_ones():
    taken, other, free = (
        researcher("T. Lillicrap"),
        researcher("T. Lillicrap", orcid="B"),
        researcher("Tim Lillicrap"),
    )
    person = author("T. Lillicrap", orcid="A")
    found, passed_over = on_the_byline(person, None, [taken, other, free], {id(taken)}, parsed)
    assert found is free
    assert passed_over == [other]
    [decision] = kept_apart_on_byline(person, None, passed_over)
    assert (decision.researcher, decision.rule, decision.other) == (other, Rule.KEPT_APART, other)
    assert kept_apart_on_byline(person, other, passed_over) == []


def test_it_merges_the_identified_researcher_with_the_namesake_on_the_byline():
    by_id = researcher("Timothy Lillicrap", orcid="A")
    on_byline = researcher("T. Lillicrap")
    decision = by_identifier_or_byline(
        author("T. P. Lillicrap", orcid="A"),
        by_id,
        on_byline,
        source=Source.OPENALEX,
        external_id="W1",
    )
    assert (decision.researcher, decision.rule, decision.other) == (by_id, Rule.MERGED, on_byline)
    assert "W1" in decision.detail


def test_it_keeps_apart_an_identified_researcher_and_a_conflicting_namesake():
    by_id = researcher("Timothy Lillicrap", orcid="A")
    on_byline = researcher("T. Lillicrap", orcid="B")
    decision = by_identifier_or_byline(
        author("T. Lillicrap", orcid="A"),
        by_id,
        on_byline,
        source=Source.OPENALEX,
        external_id="W1",
    )
    assert (decision.researcher, decision.rule, decision.other) == (
        by_id,
        Rule.KEPT_APART,
        on_byline,
    )


def test_it_records_nothing_for_a_plain_identifier_match_and_the_same_work_otherwise():
    known = researcher("Timothy Lillicrap", orcid="A")
    person = author("T. Lillicrap")
    plain = by_identifier_or_byline(person, known, known, source=Source.ARXIV, external_id="1")
    assert (plain.researcher, plain.rule) == (known, None)
    same = by_identifier_or_byline(person, None, known, source=Source.ARXIV, external_id="1")
    assert (same.researcher, same.rule) == (known, Rule.SAME_WORK)
    assert by_identifier_or_byline(person, None, None, source="arxiv", external_id="1") is NOBODY


def test_it_picks_the_namesake_with_most_shared_coauthors():
    a, b = researcher("T. Lillicrap"), researcher("Tim Lillicrap")
    decision = by_name(author("T. P. Lillicrap"), [a, b], [1, 3], source=Source.OPENALEX)
    assert (decision.researcher, decision.rule) == (b, Rule.COAUTHOR)
    assert "3 shared" in decision.detail


def test_it_joins_the_same_full_name_only_in_sources_that_identify_no_one():
    same = researcher("Timothy Lillicrap", sources=["bibtex"])
    person = author("Timothy Lillicrap")
    decision = by_name(person, [same], [0], source=Source.ARXIV)
    assert (decision.researcher, decision.rule) == (same, Rule.SAME_NAME)
    apart = by_name(person, [same], [0], source=Source.OPENALEX)
    assert (apart.researcher, apart.rule, apart.other) == (None, Rule.KEPT_APART, same)
    assert by_name(person, [], [], source=Source.ARXIV) is NOBODY


def test_it_offers_as_candidates_only_compatible_names_without_conflicts():
    fits, conflicting, other_name, excluded = (
        researcher("T. Lillicrap"),
        researcher("Tim Lillicrap", orcid="B"),
        researcher("T. Lillicraps"),
        researcher("Timothy Lillicrap"),
    )
    person = author("Timothy P. Lillicrap", orcid="A")
    found = name_candidates(
        person,
        parse_name(person.display_name),
        [fits, conflicting, other_name, excluded, fits],
        {id(excluded)},
        parsed,
    )
    assert found == [fits]


def test_it_fills_only_identifiers_that_nobody_else_holds():
    known = researcher("Timothy Lillicrap")
    person = author("Timothy Lillicrap", orcid="A", openalex_id="X")
    filled = identifiers_to_fill(known, person, held_orcids={"A"}, held_openalex=set())
    assert [(name, value, d.rule) for name, value, d in filled] == [
        ("openalex_id", "X", Rule.OPENALEX)
    ]
