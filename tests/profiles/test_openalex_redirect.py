import pytest

from tests.factories import OpenAlexRedirectFactory, ResearcherFactory
from works.services import researcher_merge


@pytest.mark.django_db
def test_it_leads_an_openalex_id_merged_away_to_the_record_it_joined(client):
    record = ResearcherFactory(openalex_id="A5023888391")
    OpenAlexRedirectFactory(openalex_id="A5317838346", researcher=record)

    assert client.get("/openalex/A5317838346")["Location"] == record.get_absolute_url()
    assert client.get("/openalex/A5023888391")["Location"] == record.get_absolute_url()
    assert client.get("/openalex/A5000000001").status_code == 404


@pytest.mark.django_db
def test_a_merge_of_two_records_carries_the_ids_merged_away(client):
    keep, remove = ResearcherFactory(), ResearcherFactory(openalex_id="A5023888391")
    OpenAlexRedirectFactory(openalex_id="A5317838346", researcher=remove)

    researcher_merge(keep=keep, remove=remove, reason="The same person.")

    assert client.get("/openalex/A5317838346")["Location"] == keep.get_absolute_url()
    assert client.get("/openalex/A5023888391")["Location"] == keep.get_absolute_url()
