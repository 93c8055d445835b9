import pytest

from tests.factories import ResearcherFactory


@pytest.mark.django_db
def test_it_lists_researchers_and_finds_them_by_name(client, demo):
    home = client.get("/").content.decode()
    assert "Timothy Lillicrap" in home
    found = client.get("/", {"q": "lillicrap"}).content.decode()
    assert "1 researcher matching" in found
    assert 'href="/researchers/timothy-lillicrap/"' in found


@pytest.mark.django_db
def test_search_ignores_accents_and_case_and_word_order(client):
    ResearcherFactory(display_name="Soňa Mokrá", slug="sona-mokra")
    ResearcherFactory(display_name="Someone Else", slug="someone-else")
    for query in ["sona", "MOKRA", "mokrá soňa"]:
        page = client.get("/", {"q": query})
        names = [r.display_name for r in page.context["page"].object_list]
        assert names == ["Soňa Mokrá"], query


@pytest.mark.django_db
def test_a_search_with_no_match_says_so(client):
    page = client.get("/", {"q": "<script>nobody</script>"}).content.decode()
    assert "No researcher matches" in page
    assert "<script>nobody" not in page
