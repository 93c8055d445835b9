import pytest

from tests.conftest import DEMO_FEED, FIXTURES, run_command
from works.models import Work


@pytest.mark.django_db
def test_a_work_page_shows_its_byline_ids_abstract_and_sources(client, demo):
    muzero = Work.objects.identified_by("arxiv", "1911.08265").get()
    page = client.get(muzero.get_absolute_url()).content.decode()
    assert "Mastering Atari, Go, Chess and Shogi by Planning with a Learned Model" in page
    assert 'href="/researchers/timothy-lillicrap/">Timothy Lillicrap</a>' in page
    assert "doi:10.1038/s41586-020-03051-4" in page
    assert "arXiv:1911.08265v2" in page
    assert "Published as Nature 588" in page
    assert "Constructing agents with planning capabilities" in page
    assert "arXiv</strong> 1911.08265: article, 2020, Nature, version 2; 12 authors;" in page


@pytest.mark.django_db
def test_profile_works_link_to_their_pages(client, demo):
    html = client.get(demo.get_absolute_url()).content.decode()
    for work in Work.objects.all():
        assert f'href="{work.get_absolute_url()}"' in html


@pytest.mark.django_db
def test_an_unknown_work_is_404(client, db):
    assert client.get("/works/00000000-0000-0000-0000-000000000000/").status_code == 404


@pytest.mark.django_db
def test_the_work_page_takes_a_constant_few_queries(client, django_assert_max_num_queries):
    run_command("import", DEMO_FEED, FIXTURES / "W2741809807.json")
    for work in Work.objects.all():
        with django_assert_max_num_queries(6):
            assert client.get(work.get_absolute_url()).status_code == 200
