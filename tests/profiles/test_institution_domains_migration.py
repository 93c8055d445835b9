"""Until ROR imports, only staff set an institution's email domains: the migration that adds
``email_domains_set_by_staff`` marks the domains already set as theirs, so the first ROR
import does not overwrite them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from profiles.models import Institution

BEFORE = [("profiles", "0010_institution_homepage")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_domains_set_before_the_migration_stay_staffs():
    old = migrate(BEFORE)
    try:
        model = old.get_model("profiles", "Institution")
        model.objects.create(name="University College London", email_domains=["ucl.ac.uk"])
        model.objects.create(name="Institute Without Domains")
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert dict(Institution.objects.values_list("name", "email_domains_set_by_staff")) == {
        "University College London": True,
        "Institute Without Domains": False,
    }
