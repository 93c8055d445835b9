import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from profiles.models import Researcher
from tests.conftest import staff_login
from tests.factories import UserFactory, WorkFactory

APP_LABELS = {"profiles", "works", "social", "trust", "claims"}


@pytest.fixture
def staff_client(client, db):
    staff_login(client, UserFactory(is_staff=True, is_superuser=True))
    return client


def registered_models():
    return [m for m in apps.get_models() if m._meta.app_label in APP_LABELS]


def test_every_model_is_in_the_admin_with_lists_filters_and_search():
    for model in registered_models():
        model_admin = admin.site._registry.get(model)
        assert model_admin is not None, model
        assert model_admin.list_display != ("__str__",), model
        assert model_admin.search_fields, model
        if model.__name__ != "Authorship":
            assert model_admin.list_filter, model


def test_every_changelist_renders_and_searches(staff_client, demo):
    for model in registered_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert staff_client.get(url).status_code == 200, url
        assert staff_client.get(url, {"q": "Lillicrap"}).status_code == 200, url


def test_a_researcher_page_in_the_admin_opens(staff_client, demo):
    url = reverse("admin:profiles_researcher_change", args=[demo.pk])
    assert "Timothy Lillicrap" in staff_client.get(url).content.decode()


def test_deleting_a_work_in_the_admin_recounts_its_authors(staff_client, demo):
    from works.models import Work

    work = Work.objects.identified_by("arxiv", "1912.01603").get()
    url = reverse("admin:works_work_delete", args=[work.pk])
    staff_client.post(url, {"post": "yes"})
    assert Researcher.objects.get(pk=demo.pk).works_count == 12
    assert Researcher.objects.get(slug="danijar-hafner").works_count == 1


def test_people_who_are_not_staff_are_kept_out(client, db):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:profiles_researcher_changelist"))
    assert response.status_code == 302


def test_removing_one_byline_entry_in_the_admin_recounts(staff_client, demo):
    from works.models import Authorship, Work

    entry = Authorship.objects.get(work__identifiers__value="1912.01603", researcher=demo)
    url = reverse("admin:works_authorship_delete", args=[entry.pk])
    staff_client.post(url, {"post": "yes"})
    assert Researcher.objects.get(pk=demo.pk).works_count == 12
    assert Work.objects.identified_by("arxiv", "1912.01603").get().authors_count == 3


def test_staff_uphold_a_report_with_the_action_and_trust_is_recomputed(
    staff_client, demo, django_capture_on_commit_callbacks
):
    from claims.models import Report

    report = Report.objects.create(researcher=demo, kind=Report.Kind.NOT_ME, message="Not me.")
    before = Researcher.objects.get(pk=demo.pk).trust_score
    url = reverse("admin:claims_report_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"action": "uphold", "_selected_action": [report.pk]})
    assert Report.objects.get(pk=report.pk).status == Report.Status.UPHELD
    assert Researcher.objects.get(pk=demo.pk).trust_score < before
    # The status itself is not a field staff can edit.
    change = staff_client.get(reverse("admin:claims_report_change", args=[report.pk]))
    assert "status" not in change.context["adminform"].form.fields


def test_staff_approve_a_work_an_owner_asked_for(staff_client, demo):
    from works.models import Authorship, WorkAddition

    work = WorkFactory(identifier__scheme="doi", identifier__value="10.1234/asked-for")
    addition = WorkAddition.objects.create(researcher=demo, work=work)
    url = reverse("admin:works_workaddition_changelist")
    staff_client.post(url, {"action": "approve", "_selected_action": [addition.pk]})
    assert WorkAddition.objects.get(pk=addition.pk).status == WorkAddition.Status.APPROVED
    assert Authorship.objects.filter(work=work, researcher=demo, pinned=True).exists()
    assert Researcher.objects.get(pk=demo.pk).works_count == 14
