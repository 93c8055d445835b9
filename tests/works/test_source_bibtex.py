"""The BibTeX reader on real exports (tests/fixtures/bibtex/) and on small cut-down cases.

Pure: files in, records out; nothing touches the database.
"""

from datetime import date
from pathlib import Path

import pytest

from works.sources import bibtex
from works.sources.bibtex_entries import BrokenEntry, Entry, Parser
from works.sources.files import FileFormatError
from works.sources.records import KINDS

FIXTURES = Path(__file__).parent.parent / "fixtures"
BIB = FIXTURES / "bibtex"
DISTILL = BIB / "distill_feature-wise-transformations_bibliography.bib"

# file -> (entries in the file, records, errors)
COUNTS = {
    "distill_feature-wise-transformations_bibliography.bib": (74, 74, 0),
    "bibtexparser_arxiv_pdf.bib": (5, 5, 0),
    "doi.org_content-negotiation.bib": (1, 1, 0),
    "dblp_standard.bib": (1, 1, 0),
    # The @proceedings is only the paper's crossref target: no record of its own.
    "dblp_crossref.bib": (2, 1, 0),
}


def read(path):
    return list(bibtex.read(path))


def records(path):
    return {item.location.split("'")[1]: item.record for item in read(path)}


def read_text(tmp_path, text, name="sample.bib"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read(path)


def one_record(tmp_path, text):
    [item] = read_text(tmp_path, text)
    assert item.error is None, item.error
    return item.record


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_it_reads_every_entry_of_the_real_samples(name):
    entries = [e for e in Parser((BIB / name).read_text()).entries()]
    items = read(BIB / name)
    counted = (
        sum(isinstance(e, Entry) for e in entries),
        sum(item.record is not None for item in items),
        sum(item.error is not None for item in items),
    )
    assert counted == COUNTS[name]
    assert not any(isinstance(e, BrokenEntry) for e in entries)
    assert all(item.record.kind in KINDS for item in items if item.record)


def test_it_names_each_item_by_file_entry_key_and_line():
    items = read(DISTILL)
    assert items[0].location == (
        "distill_feature-wise-transformations_bibliography.bib entry 1 "
        "'vries2017modulating' (line 1)"
    )
    assert items[-1].location.endswith("entry 74 'kazemzadeh2014referitgame' (line 599)")


def test_it_decodes_the_accents_of_the_real_bibliography():
    distill = records(DISTILL)
    assert distill["vries2017modulating"].authors[2].printed_name == "Mary, Jérémie"
    assert distill["vries2017modulating"].authors[2].display_name == "Jérémie Mary"
    assert distill["hochreiter1997long"].authors[1].display_name == "Jürgen Schmidhuber"
    assert distill["melis2017lstm"].authors[0].display_name == "Gábor Melis"
    # Already-Unicode names pass through untouched.
    assert [a.display_name for a in distill["kempa2016vizdoom"].authors][::4] == [
        "Michał Kempka",
        "Wojciech Jaśkowski",
    ]
    arxiv_pdf = records(BIB / "bibtexparser_arxiv_pdf.bib")
    names = [a.display_name for a in arxiv_pdf["ACG+14arxiv"].authors]
    assert names[1] == "André Chailloux" and names[4] == "Loïck Magnin"


def test_it_gives_both_name_orders_the_same_display_name():
    distill = records(DISTILL)
    last_first = [a.display_name for a in distill["perez2017learning"].authors]
    first_last = [a.display_name for a in distill["perez2018film"].authors]
    assert last_first[:3] == ["Ethan Perez", "Harm de Vries", "Florian Strub"]
    assert set(last_first) == set(first_last)
    assert distill["perez2017learning"].authors[1].printed_name == "de Vries, Harm"
    assert distill["perez2018film"].authors[2].printed_name == "Harm de Vries"
    assert distill["maaten2008visualizing"].authors[0].display_name == "Laurens van der Maaten"
    assert distill["vonderMalsburg1994the"].authors[0].display_name == (
        "Christoph von der Malsburg"
    )
    # "Yang, Zhilin, and Cohen, ...": the stray comma is the file's typo, not a "Jr." part.
    assert distill["dhingra2017gated"].authors[2].printed_name == "Yang, Zhilin"
    assert distill["dhingra2017gated"].authors[2].display_name == "Zhilin Yang"


def test_it_reads_last_jr_first_names(tmp_path):
    record = one_record(
        tmp_path,
        "@article{k, title={T}, author={Lillicrap, Timothy P. and King, Jr., Martin Luther}}",
    )
    assert [(a.printed_name, a.display_name) for a in record.authors] == [
        ("Lillicrap, Timothy P.", "Timothy P. Lillicrap"),
        ("King, Jr., Martin Luther", "Martin Luther King, Jr."),
    ]


def test_it_marks_and_others_as_an_incomplete_byline(tmp_path):
    partial = one_record(tmp_path, "@article{k, title={T}, author={Ann Author and others}}")
    assert [a.display_name for a in partial.authors] == ["Ann Author"]
    assert partial.byline_complete is False
    full = one_record(tmp_path, "@article{k, title={T}, author={Ann Author and Bo Other}}")
    assert full.byline_complete is True


def test_it_keeps_a_fully_braced_author_whole_as_an_organisation(tmp_path):
    record = one_record(
        tmp_path,
        "@misc{k, title={T}, author={{DeepMind Team} and {Barnes and Noble, Inc.} and Ann Lee}}",
    )
    assert [(a.printed_name, a.display_name) for a in record.authors] == [
        ("DeepMind Team", "DeepMind Team"),
        ("Barnes and Noble, Inc.", "Barnes and Noble, Inc."),
        ("Ann Lee", "Ann Lee"),
    ]
    # A braced family name is not an organisation.
    unruh = records(BIB / "bibtexparser_arxiv_pdf.bib")["Unruh2004"].authors[0]
    assert (unruh.printed_name, unruh.display_name) == ("Unruh, D.", "D. Unruh")


def test_it_reads_capitalised_fields_and_an_unbraced_year():
    arxiv_pdf = records(BIB / "bibtexparser_arxiv_pdf.bib")
    unruh = arxiv_pdf["Unruh2004"]
    assert unruh.title == "Simulatable security for quantum protocols"
    assert unruh.publication_year == 2004
    assert unruh.kind == "other"  # @misc without an arXiv id
    assert arxiv_pdf["Aar09"].title == "Quantum Copy-Protection and Quantum Money"
    assert arxiv_pdf["Aar09"].kind == "article"  # @InProceedings
    assert arxiv_pdf["dMM03"].kind == "book"
    assert arxiv_pdf["dMM03"].authors[0].display_name == "F. de Martini"


def test_it_reads_doi_orgs_bibtex():
    [item] = read(BIB / "doi.org_content-negotiation.bib")
    record = item.record
    assert item.location == "doi.org_content-negotiation.bib entry 1 'Bast_2006' (line 1)"
    assert record.title == "Output-Sensitive Autocompletion Search"
    assert record.kind == "book-chapter"
    assert record.doi == "10.1007/11880561_13"
    assert record.external_id.split("#")[0] == "10.1007/11880561_13"
    assert record.publication_year == 2006
    assert record.venue.name == "String Processing and Information Retrieval"
    assert [a.display_name for a in record.authors] == [
        "Holger Bast",
        "Christian W. Mortensen",
        "Ingmar Weber",
    ]


def test_it_reads_crossrefs_transform_with_a_month_macro(tmp_path):
    # Crossref's BibTeX as recorded by habanero's tests (shared/data/crossref), on one line.
    record = one_record(
        tmp_path,
        " @article{Frank_1970, title={The Structure of Ordinary Water: New data and "
        "interpretations are yielding new insights into this fascinating substance.}, "
        "volume={169}, ISSN={1095-9203}, url={http://dx.doi.org/10.1126/science.169.3946.635}, "
        "DOI={10.1126/science.169.3946.635}, number={3946}, journal={Science}, "
        "publisher={American Association for the Advancement of Science (AAAS)}, "
        "author={Frank, Henry S.}, year={1970}, month=aug, pages={635\u2013641} }\n",
    )
    assert record.doi == "10.1126/science.169.3946.635"
    assert record.venue.name == "Science"
    assert (record.publication_year, record.publication_date) == (1970, None)


def test_it_resolves_the_dblp_crossref_venue():
    standard = read(BIB / "dblp_standard.bib")[0].record
    [item] = read(BIB / "dblp_crossref.bib")
    crossref = item.record
    assert item.location == "dblp_crossref.bib entry 1 'DBLP:conf/spire/BastMW06' (line 1)"
    assert (
        crossref.venue.name
        == standard.venue.name
        == (
            "String Processing and Information Retrieval, 13th International Conference, "
            "SPIRE 2006, Glasgow, UK, October 11-13, 2006, Proceedings"
        )
    )
    assert crossref.doi == standard.doi == "10.1007/11880561_13"  # "\_" unescaped
    # dblp's standard style lists the volume's editors too; they are not authors.
    assert [a.display_name for a in standard.authors] == [
        "H. Bast",
        "Christian Worm Mortensen",
        "Ingmar Weber",
    ]
    assert crossref.kind == standard.kind == "article"


def test_it_takes_the_booktitle_from_a_proceedings_that_comes_later(tmp_path):
    items = read_text(
        tmp_path,
        "@inproceedings{p1, title={Paper}, author={Ann Lee}, crossref={conf/x/2020}}\n"
        "@article{a2, title={Other}, author={Bo Chen}, year=2019}\n"
        "@proceedings{conf/x/2020, title={Proc. of {X} 2020}, year=2020, editor={Ed Itor},\n"
        "  doi={10.1000/volume}}\n"
        "@inproceedings{p3, title={Late}, author={Cy Diaz}, crossref={conf/x/2020}}\n",
    )
    by_key = {item.location.split("'")[1]: item.record for item in items}
    assert list(by_key) == ["a2", "p1", "p3"]  # p1 waited for its target
    assert by_key["p1"].venue.name == by_key["p3"].venue.name == "Proc. of X 2020"
    assert by_key["p1"].publication_year == 2020
    assert by_key["p1"].doi is None  # the volume's DOI is not the paper's


def test_it_yields_an_entry_whose_crossref_never_comes_without_a_venue(tmp_path):
    record = one_record(tmp_path, "@inproceedings{p, title={T}, author={A B}, crossref={gone}}")
    assert record.venue is None


def test_it_gives_stable_ids_made_of_the_work_and_the_citation_key(tmp_path):
    first = [item.record for item in read(DISTILL)]
    second = [item.record for item in read(DISTILL)]
    assert [r.external_id for r in first] == [r.external_id for r in second]
    assert [r.content_hash for r in first] == [r.content_hash for r in second]
    works = [r.external_id.split("#")[0] for r in first]
    prefixes = [w.split(":")[0] if w.startswith(("arxiv:", "key:")) else "doi" for w in works]
    assert [prefixes.count(p) for p in ("doi", "arxiv", "key")] == [7, 42, 25]
    assert all(w == r.doi for w, r in zip(works, first, strict=True) if r.doi)

    # The work part does not depend on how the entry spells its author or year.
    entry = "@inproceedings{%s, title={Learning to relate {images}}, author={%s}, year=%s}"
    works = {
        one_record(tmp_path, entry % (key, author, year)).external_id.split("#")[0]
        for key, author, year in [
            ("memisevic2013", "R. Memisevic", "2013"),
            ("Mem13", "Memisevic, Roland", "{2013}"),
        ]
    }
    assert len(works) == 1 and works.pop().startswith("key:")
    other_year = one_record(tmp_path, entry % ("m", "R. Memisevic", "2014")).external_id
    assert other_year.startswith("key:") and other_year.split("#")[0] not in works


def test_two_entries_of_one_work_are_two_records_of_it():
    # The real file lists arXiv 1606.01847 under two keys.
    distill = records(DISTILL)
    assert distill["fukui2016compactbilinear"].external_id == (
        "arxiv:1606.01847#fukui2016compactbilinear"
    )
    assert distill["fukui2016multimodal"].external_id == "arxiv:1606.01847#fukui2016multimodal"
    assert distill["fukui2016multimodal"].arxiv_id == distill["fukui2016compactbilinear"].arxiv_id


def test_it_finds_dois_and_arxiv_ids_in_urls():
    distill = records(DISTILL)
    assert distill["hochreiter1997long"].doi == "10.1162/neco.1997.9.8.1735"
    assert distill["denil2012learning"].doi == "10.1162/neco_a_00312"
    assert distill["vries2017modulating"].arxiv_id == "1707.00683"  # .../pdf/1707.00683.pdf
    assert distill["vries2017modulating"].kind == "article"  # published at NeurIPS
    assert distill["oord2016wavenet"].kind == "preprint"  # journal={arXiv}
    assert distill["oord2016wavenet"].venue.name == "arXiv"
    assert distill["bowman2015large"].arxiv_id is None


@pytest.mark.parametrize(
    ("fields", "arxiv_id", "version"),
    [
        ("eprint={1912.01603v2}, archivePrefix={arXiv}", "1912.01603", 2),
        ("eprint={hep-th/9901001}, eprinttype={arxiv}", "hep-th/9901001", None),
        ("journal={arXiv preprint arXiv:1707.00683}", "1707.00683", None),
        ("url={https://arxiv.org/abs/1707.00683v3}", "1707.00683", 3),
        ("journal={CoRR}, volume={abs/1707.00683}", "1707.00683", None),
    ],
)
def test_it_reads_arxiv_ids_as_exports_print_them(tmp_path, fields, arxiv_id, version):
    record = one_record(tmp_path, f"@misc{{k, title={{T}}, author={{A B}}, {fields}}}")
    assert (record.arxiv_id, record.arxiv_version) == (arxiv_id, version)
    assert record.kind == "preprint"
    assert record.external_id.split("#")[0] == f"arxiv:{arxiv_id}"
    assert record.venue.name == "arXiv"


@pytest.mark.parametrize(
    ("entry_type", "kind"),
    [
        ("article", "article"),
        ("InProceedings", "article"),
        ("conference", "article"),
        ("book", "book"),
        ("incollection", "book-chapter"),
        ("inbook", "book-chapter"),
        ("phdthesis", "dissertation"),
        ("mastersthesis", "dissertation"),
        ("techreport", "report"),
        ("misc", "other"),
        ("unpublished", "other"),
        ("patent", "other"),
    ],
)
def test_it_maps_entry_types_to_kinds(tmp_path, entry_type, kind):
    assert one_record(tmp_path, f"@{entry_type}{{k, title={{T}}, author={{A B}}}}").kind == kind


def test_it_reads_types_spelled_with_a_hyphen_a_colon_or_a_space(tmp_path):
    # bibtexparser 2 skips these blocks without a word.
    items = read_text(
        tmp_path,
        "@proceedings-paper{p, title={P}, author={A B}}\n"
        "@ article{a, title={A}, author={A B}}\n"
        "@biblatex:online{o, title={O}, author={A B}}\n",
    )
    assert [(item.location, item.record.kind) for item in items] == [
        ("sample.bib entry 1 'p' (line 1)", "article"),
        ("sample.bib entry 2 'a' (line 2)", "article"),
        ("sample.bib entry 3 'o' (line 3)", "other"),
    ]


def test_it_reads_macros_concatenation_parentheses_and_skips_the_rest(tmp_path):
    record = one_record(
        tmp_path,
        "Text outside entries is ignored, so is me@example.com.\n"
        '@String{ nips = "Advances in Neural " # {Information} }\n'
        '@string(systems = "Processing Systems")\n'
        '@preamble{ "\\newcommand{\\noopsort}[1]{}" }\n'
        "@comment{ jabref-meta: @article{not, title={an entry}} }\n"
        "@ARTICLE(k2019,\n"
        "  TITLE = \"{\\'E}mile's ``quoted'' work\",\n"
        '  Author = "M{\\"u}ller, Anna",\n'
        "  booktitle = nips # { } # systems,\n"
        "  Year = {2019a}, month = mar, day = 14,\n"
        ")\n",
    )
    assert record.title == "Émile's “quoted” work"
    assert record.authors[0].display_name == "Anna Müller"
    assert record.venue.name == "Advances in Neural Information Processing Systems"
    assert (record.publication_year, record.publication_date) == (2019, date(2019, 3, 14))


def test_it_takes_an_umlaut_inside_a_quoted_value_for_an_umlaut(tmp_path):
    # BibTeX wants {\"o} inside quotes; people write \"o anyway.
    record = one_record(tmp_path, '@article{k, title="Gr\\"obner bases", author="Anna Lee"}')
    assert record.title == "Gröbner bases"


def test_it_reports_a_broken_entry_and_reads_on(tmp_path):
    items = read_text(
        tmp_path,
        "@article{first, title={One}, author={A B}, year=2001}\n"
        "@article{broken,\n"
        "  title = {Missing {brace},\n"
        "  author = {C D},\n"
        "\n"
        "@article{third, title={Three}, author={E F}}\n"
        "@article{unbalanced, title = {{Never closed}, author={G H}}\n"
        "@article{fifth, title={Five}, author={I J}}\n",
    )
    assert [item.location for item in items] == [
        "sample.bib entry 1 'first' (line 1)",
        "sample.bib entry 2 'broken' (line 2)",
        "sample.bib entry 3 'third' (line 6)",
        "sample.bib entry 4 'unbalanced' (line 7)",
        "sample.bib entry 5 'fifth' (line 8)",
    ]
    assert [item.record.title for item in items if item.record] == ["One", "Three", "Five"]
    unbalanced = "not closed before the next entry at line {} (unbalanced braces or quotes?)"
    assert unbalanced.format(6) in str(items[1].error)
    assert unbalanced.format(8) in str(items[3].error)


def test_it_reports_a_truncated_file(tmp_path):
    items = read_text(
        tmp_path,
        "@article{whole, title={One}, author={A B}}\n@article{cut, title={Half a ti",
    )
    assert items[0].record.title == "One"
    assert items[1].location == "sample.bib entry 2 'cut' (line 2)"
    assert "the file ends inside the entry (truncated?)" in str(items[1].error)


def test_it_reports_a_value_it_cannot_read_and_reads_on(tmp_path):
    items = read_text(
        tmp_path,
        "@article{glued, title = {One} {Two}, author={A B}}\n"
        "@article{empty, title = , author={A B}}\n"
        "@article{nokey title={T}}\n"
        "@article{fine, title={Fine}, author={A B}}\n",
    )
    assert [(item.location, str(item.error) if item.error else None) for item in items] == [
        (
            "sample.bib entry 1 'glued' (line 1)",
            "expected '#' or the end of field 'title', found '{' (line 1)",
        ),
        ("sample.bib entry 2 'empty' (line 2)", "field 'title' has no value (line 2)"),
        (
            "sample.bib entry 3 'nokey' (line 3)",
            "Expected comma after entry key, but found = (line 3)",
        ),
        ("sample.bib entry 4 'fine' (line 4)", None),
    ]


def test_it_keeps_the_first_of_a_repeated_field(tmp_path):
    record = one_record(
        tmp_path, "@article{k, title={First}, author={A B}, TITLE={Second}, title={Third}}"
    )
    assert record.title == "First"


def test_an_unclosed_comment_ends_at_the_next_entry(tmp_path):
    items = read_text(
        tmp_path, "@comment{ jabref-meta: never closed\n@article{k, title={T}, author={A B}}\n"
    )
    assert [(item.location, item.record.title) for item in items] == [
        ("sample.bib entry 1 'k' (line 2)", "T")
    ]


def test_it_decodes_latex_in_titles_and_abstracts(tmp_path):
    record = one_record(
        tmp_path,
        "@article{k, author={A B},\n"
        "  title = {\\mkbibquote{Intention} to treat: a methodology\\hyphen{}based "
        "$3\\times3$ \\emph{design}},\n"
        "  abstract = {We find 95% of \\textit{R&D} is $\\alpha$-stable.\n\n"
        "A \\foo{second} paragraph.}}",
    )
    assert record.title == "“Intention” to treat: a methodology-based 3×3 design"
    assert record.abstract == "We find 95% of R&D is α-stable.\n\nA second paragraph."


def test_it_rejects_an_entry_without_title_or_authors(tmp_path):
    items = read_text(
        tmp_path,
        "@article{untitled, author={A B}}\n"
        "@book{anonymous, title={Nobody wrote this}}\n"
        "@book{edited, title={Edited volume}, editor={Ed Itor and Co Editor}}\n",
    )
    assert [(item.location, str(item.error)) for item in items[:2]] == [
        ("sample.bib entry 1 'untitled' (line 1)", "the entry has no title"),
        ("sample.bib entry 2 'anonymous' (line 2)", "the entry has no authors or editors"),
    ]
    assert [a.display_name for a in items[2].record.authors] == ["Ed Itor", "Co Editor"]


def test_it_refuses_a_file_that_is_not_bibtex(tmp_path):
    with pytest.raises(FileFormatError, match=r"W2741809807\.json: not a BibTeX file"):
        read(FIXTURES / "W2741809807.json")
    with pytest.raises(FileFormatError, match=r"notes\.txt"):
        read_text(tmp_path, "Just notes, written to me@example.com.\n", name="notes.txt")


def test_it_yields_entries_while_it_reads():
    parser = Parser(DISTILL.read_text())
    first = next(parser.entries())
    assert first.key == "vries2017modulating"
    assert parser.pos < len(parser.text) // 50


def test_it_sniffs_bibtex_and_nothing_else():
    for path in sorted(BIB.glob("*.bib")):
        assert bibtex.sniff(path.read_text()), path.name
    for name in ("W2741809807.json", "search_au_del_maestro.atom.xml", "arxiv_error_400.json"):
        assert not bibtex.sniff((FIXTURES / name).read_text()), name
    # An ORCID-style JSON work holding user-entered BibTeX is still JSON.
    assert not bibtex.sniff('{"citation": {"citation-value": "@article{k,\\n title={T}}"}}')
    assert bibtex.sniff("% exported\n@InProceedings(key,\n title = {T})")
    assert not bibtex.sniff("Write to me@example.com (or @home{ never)")


def test_it_takes_biblatexs_journaltitle_for_the_venue(tmp_path):
    record = one_record(
        tmp_path,
        "@article{angenendt, author={Angenendt, Arnold}, title={In Honore Salvatoris},"
        " journaltitle={Revue d'Histoire Eccl{\\'e}siastique}, date={2002}}",
    )
    assert record.venue.name == "Revue d'Histoire Ecclésiastique"


@pytest.mark.parametrize(
    "byline",
    [
        "Ann Author and et al.",
        "Ann Author and et al",
        "Ann Author et al.",
        "Ann Author and {et al.}",
    ],
)
def test_et_al_is_an_incomplete_byline_not_an_author(tmp_path, byline):
    record = one_record(tmp_path, f"@article{{k, title={{T}}, author={{{byline}}}}}")
    assert [a.display_name for a in record.authors] == ["Ann Author"]
    assert record.byline_complete is False
