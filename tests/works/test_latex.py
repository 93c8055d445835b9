"""LaTeX as bibliographies print it, turned into text. Pure: nothing touches the database."""

import pytest

from works.sources.latex import latex_in_prose, latex_to_unicode, unescape_identifier


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"Fr{\'e}chet", "Fréchet"),
        (r"Fr\'{e}chet", "Fréchet"),
        (r"Fr\'echet", "Fréchet"),
        (r"Schr\"odinger", "Schrödinger"),
        (r"\`a la \^ome \~n", "à la ôme ñ"),
        (r"Gar\c{c}on Gar\c con", "Garçon Garçon"),
        (r"\v{S}koda Do\u{g}an Erd\H{o}s", "Škoda Doğan Erdős"),
        (r"\k{a} \={a} \.{z} \r{a}", "ą ā ż å"),
        (r"Mart\'{\i}nez Mart{\'\i}nez", "Martínez Martínez"),
        (r"{\o}rsted Bj\o rn \O{}ystein \l{}\L{} Stra\ss e", "ørsted Bjørn Øystein łŁ Straße"),
        (r"{\ae} {\AE} {\oe} {\OE} {\aa} {\AA} {\i}", "æ Æ œ Œ å Å ı"),
        (r"R\&D 50\% \$5 a\_b \#1", "R&D 50% $5 a_b #1"),
        ("pages 150--162, a---b, Dr.~No", "pages 150–162, a—b, Dr. No"),
        # pylatexenc alone gives U+02C6 (a modifier letter) for the caret.
        (r"x\textasciicircum{}2 and \textasciitilde{}", "x^2 and ~"),
        ("The {DNA} of {{FiLM}}", "The DNA of FiLM"),
        (r"\emph{Deep} $\beta$-VAE", "Deep β-VAE"),
        (r"``quoted'' and \textquoteright s", "“quoted” and ’s"),
        (r"Sets \{x\}", "Sets {x}"),
    ],
)
def test_it_decodes_the_latex_bibliographies_use(latex, text):
    assert latex_to_unicode(latex) == text


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"$3\times3$ and 3$\times$3 convolutions", "3×3 and 3×3 convolutions"),
        (r"$\alpha$-helix, $k \leq n$", "α-helix, k ≤ n"),
        (r"$\mathbb{R}^n$", "ℝ^n"),
    ],
)
def test_it_turns_math_into_unicode(latex, text):
    assert latex_to_unicode(latex) == text


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"\mkbibquote{Intention} to treat", "“Intention” to treat"),
        (r"a methodology\hyphen{}based study", "a methodology-based study"),
        (r"\undefinedcommand{Word}s and \other more", "Words and more"),
        (r"\textit{in vivo} {\em and} \textbf{bold}", "in vivo and bold"),
    ],
)
def test_a_command_never_glues_onto_a_word(latex, text):
    assert latex_to_unicode(latex) == text


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        # pylatexenc reads a bare % as a comment and & as a table column; metadata means them.
        ("95% confidence", "95% confidence"),
        (r"R&D in $\beta$ decay", "R&D in β decay"),
        # \- is a hyphenation hint, not the soft hyphen pylatexenc makes of it.
        (r"text\-book", "textbook"),
        # BibTeX's sorting trick prints nothing of its argument.
        (r"\noopsort{a}Zed", "Zed"),
        (r"The \LaTeX\ Companion, \TeX{} and \BibTeX", "The LaTeX Companion, TeX and BibTeX"),
        (r"\url{http://example.org/x}", "http://example.org/x"),
    ],
)
def test_it_reads_what_bibliographies_mean_rather_than_what_latex_would(latex, text):
    assert latex_to_unicode(latex) == text


def test_it_reads_broken_latex_as_far_as_it_goes():
    assert latex_to_unicode(r"Unclosed {brace and \emph{this") == "Unclosed brace and this"
    assert latex_to_unicode("") == ""


def test_it_leaves_text_without_latex_alone():
    assert latex_to_unicode("Michał Kempka, a\tb") == "Michał Kempka, a\tb"
    assert latex_to_unicode("Jo\u0308rg") == "Jörg"  # composed, like the decoded text


def test_it_unescapes_identifiers_without_decoding_them():
    assert unescape_identifier(r"10.1007/11880561\_13") == "10.1007/11880561_13"
    assert unescape_identifier("{https://example.org/~me/a--b%20c}") == (
        "https://example.org/~me/a--b%20c"
    )


def test_it_never_reads_the_files_latex_names():
    assert latex_to_unicode(r"a\input{/etc/hostname}b \include{/etc/passwd}") == "ab "


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (r"$\delta$-function interacting bosons", "δ-function interacting bosons"),
        (r"A $3\times3$ grid and \emph{deep} nets", "A 3×3 grid and deep nets"),
        (
            r"\mkbibquote{Intention} and methodology\hyphen{}based",
            "“Intention” and methodology-based",
        ),
        # Prose without a backslash or a dollar is not LaTeX: its ~ and -- are what they say.
        (
            "~10% of https://example.org/~me -- a range",
            "~10% of https://example.org/~me -- a range",
        ),
        ("costs $5 and $6", "costs $5 and $6"),
    ],
)
def test_prose_from_the_sources_has_its_latex_decoded(text, shown):
    assert latex_in_prose(text) == shown
