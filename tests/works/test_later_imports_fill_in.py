"""A later import adds what an earlier import of the same work lacked."""

import pytest

from profiles.models import Researcher
from tests.conftest import FIXTURES, run_command

# The two works of the OpenAlex page ``works_cursor_page_1.json`` as a reference manager
# exports them: the facts of those records (titles, authors, journals, years, DOIs).
BIBTEX = """
@article{aria2017bibliometrix,
  title   = {bibliometrix : An R-tool for comprehensive science mapping analysis},
  author  = {Aria, Massimo and Cuccurullo, Corrado},
  journal = {Journal of Informetrics},
  year    = {2017},
  doi     = {10.1016/j.joi.2017.08.007}
}

@article{piwowar2018state,
  title   = {The state of OA: a large-scale analysis of the prevalence and impact of
             Open Access articles},
  author  = {Piwowar, Heather and Priem, Jason and Larivi{\\`e}re, Vincent and Alperin, Juan Pablo
             and Matthias, Lisa and Norlander, Bree and Farley, Ashley and West, Jevin
             and Haustein, Stefanie},
  journal = {PeerJ},
  year    = {2018},
  doi     = {10.7717/peerj.4375}
}
"""


def imported(*files) -> None:
    code, _, err = run_command("import", *files)
    assert code == 0, err


@pytest.mark.django_db
def test_it_gives_researchers_first_seen_in_bibtex_the_openalex_institutions(tmp_path, client):
    bib = tmp_path / "two-works.bib"
    bib.write_text(BIBTEX)
    imported(bib)
    assert Researcher.objects.count() == 11
    assert not Researcher.objects.filter(institution__isnull=False).exists()

    imported(FIXTURES / "works_cursor_page_1.json")

    assert Researcher.objects.count() == 11
    assert not Researcher.objects.filter(institution__isnull=True).exists()
    priem = Researcher.objects.get(orcid="0000-0001-6187-6610")
    assert priem.institution.name == "Impact Technology Development (United States)"
    assert Researcher.objects.get(display_name="Massimo Aria").institution.name == (
        "University of Naples Federico II"
    )
    page = client.get(priem.get_absolute_url()).content.decode()
    assert "Impact Technology Development (United States)" in page
    assert "Affiliation not imported" not in page
