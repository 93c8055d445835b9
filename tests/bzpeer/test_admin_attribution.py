"""Staff merge and split researchers from the admin; history is kept and old links work."""

import pytest
from django.urls import reverse

from profiles.models import Follow, Researcher, ResearcherChange
from social.services import follow_create
from tests.conftest import FIXTURES, run_command, staff_login
from tests.factories import UserFactory
from works.models import Authorship
from works.services import researcher_merge


@pytest.fixture
def staff(client, db):
    user = UserFactory(is_staff=True, is_superuser=True)
    staff_login(client, user)
    return user


@pytest.fixture
def variant(demo, tmp_path):
    """A second record for the demo researcher: "T. Lillicrap", with no evidence to join."""
    path = tmp_path / "alone.bib"
    path.write_text(
        "@article{a, title={A note on planning}, author={Lillicrap, T.}, "
        "journal={Test Journal}, year={2023}}"
    )
    assert run_command("import_bibtex", path)[0] == 0
    return Researcher.objects.get(display_name="T. Lillicrap")


@pytest.mark.django_db
def test_staff_merge_two_records_and_the_old_address_redirects(client, staff, demo, variant):
    follow_create(user=UserFactory(), researcher=variant)
    changelist = reverse("admin:profiles_researcher_changelist")
    response = client.post(
        changelist,
        {
            "action": "merge_researchers",
            "_selected_action": [demo.pk, variant.pk],
            "keep": demo.pk,
            "reason": "Same person: the note is his.",
            "apply": "1",
        },
    )
    assert response.status_code == 302
    demo.refresh_from_db()
    assert demo.works_count == 14
    assert demo.followers_count == 1
    assert "T. Lillicrap" in demo.other_names
    assert not Researcher.objects.filter(pk=variant.pk).exists()
    change = ResearcherChange.objects.get(kind="merge")
    assert change.user == staff
    assert change.reason == "Same person: the note is his."
    assert change.other_slug == variant.slug

    old = client.get(f"/researchers/{variant.slug}/")
    assert old.status_code == 301
    assert old.url == "/researchers/timothy-lillicrap/"


@pytest.mark.django_db
def test_the_merge_form_asks_which_record_to_keep(client, staff, demo, variant):
    response = client.post(
        reverse("admin:profiles_researcher_changelist"),
        {"action": "merge_researchers", "_selected_action": [demo.pk, variant.pk]},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Keep this record" in html and "T. Lillicrap" in html
    assert Researcher.objects.filter(pk=variant.pk).exists()


@pytest.mark.django_db
def test_records_with_different_orcid_ids_cannot_be_merged(client, staff):
    assert run_command("import_openalex", FIXTURES / "W2741809807.json")[0] == 0
    a = Researcher.objects.get(orcid="0000-0001-6187-6610")
    b = Researcher.objects.get(orcid="0000-0003-1613-5981")
    response = client.post(
        reverse("admin:profiles_researcher_changelist"),
        {
            "action": "merge_researchers",
            "_selected_action": [a.pk, b.pk],
            "keep": a.pk,
            "reason": "try",
            "apply": "1",
        },
        follow=True,
    )
    assert "they are not one person" in response.content.decode()
    assert Researcher.objects.filter(pk=b.pk).exists()
    assert not ResearcherChange.objects.exists()


@pytest.mark.django_db
def test_staff_split_off_works_that_are_someone_elses(client, staff, demo):
    logan = Authorship.objects.get(researcher=demo, work__title__startswith="LOGAN")
    url = reverse("admin:profiles_researcher_split", args=[demo.pk])
    assert "LOGAN" in client.get(url).content.decode()

    response = client.post(
        url,
        {"authorships": [logan.pk], "display_name": "", "reason": "A namesake wrote this one."},
    )

    assert response.status_code == 302
    demo.refresh_from_db()
    assert demo.works_count == 12
    other = Authorship.objects.get(pk=logan.pk).researcher
    assert other.display_name == "Timothy Lillicrap" and other.slug == "timothy-lillicrap-2"
    assert other.works_count == 1
    assert ResearcherChange.objects.filter(kind="split").count() == 2
    history = client.get(reverse("admin:profiles_researcher_change", args=[demo.pk]))
    assert "A namesake wrote this one." in history.content.decode()


@pytest.mark.django_db
def test_a_merge_keeps_one_follow_per_person(demo, variant):
    reader = UserFactory()
    follow_create(user=reader, researcher=demo)
    follow_create(user=reader, researcher=variant)
    researcher_merge(keep=demo, remove=variant, reason="same person")
    assert Follow.objects.filter(user=reader).count() == 1
    assert Researcher.objects.get(pk=demo.pk).followers_count == 1


@pytest.mark.django_db
def test_people_who_are_not_staff_cannot_split(client, demo):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:profiles_researcher_split", args=[demo.pk]))
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
