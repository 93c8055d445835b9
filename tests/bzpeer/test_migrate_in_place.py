"""A database deployed before the social, trust and works apps took their models from profiles
migrates in place: no table moves, every row stays, and permissions follow their models."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from profiles.models import Follow
from social.models import Block, Invitation, Notification, NotificationSettings
from trust.models import TrustHistory
from works.models import WorkAddition

# The last migrations before the move: the schema of a deployed database at that time.
BEFORE = [
    ("profiles", "0007_work_additions"),
    ("works", "0003_authorship_composite_indexes_only"),
    ("social", None),
    ("trust", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_every_row():
    old = migrate(BEFORE)
    try:
        model = lambda name: old.get_model("profiles", name)  # noqa: E731
        user = model("User").objects.create(email="ana@example.org", name="Ana")
        other = model("User").objects.create(email="dan@example.org", name="Dan")
        researcher = model("Researcher").objects.create(
            slug="dan", display_name="Dan", name_key="dan", match_key="dan d", owner=other
        )
        work = old.get_model("works", "Work").objects.create(title="World models", title_key="w")
        rows = {
            "follow": model("Follow").objects.create(user=user, researcher=researcher),
            "notification": model("Notification").objects.create(
                user=other, kind="new_follower", text="Ana follows you.", key="follow:1"
            ),
            "notificationsettings": model("NotificationSettings").objects.create(
                user=user, weekly_digest=False
            ),
            "invitation": model("Invitation").objects.create(
                sender=user,
                recipient=other,
                researcher=researcher,
                subject="Hello",
                message="Shall we?",
                work=work,
                status="accepted",
            ),
            "block": model("Block").objects.create(blocker=other, blocked=user),
            "trusthistory": model("TrustHistory").objects.create(
                researcher=researcher,
                score=41,
                verification_level=1,
                components=[],
                formula_version=2,
                event="import",
            ),
            "workaddition": model("WorkAddition").objects.create(
                researcher=researcher, work=work, requested_by=other
            ),
        }
        rows["message"] = model("Message").objects.create(
            invitation=rows["invitation"], author=other, body="Yes."
        )
        ContentType = old.get_model("contenttypes", "ContentType")
        for name in ("invitation", "trusthistory", "workaddition"):
            ContentType.objects.get_or_create(app_label="profiles", model=name)
    finally:
        migrate(latest())

    assert Follow.objects.get(pk=rows["follow"].pk).researcher.slug == "dan"
    assert Notification.objects.get(pk=rows["notification"].pk).text == "Ana follows you."
    assert not NotificationSettings.objects.get(pk=rows["notificationsettings"].pk).weekly_digest
    invitation = Invitation.objects.get(pk=rows["invitation"].pk)
    assert (invitation.subject, invitation.status, invitation.work.title) == (
        "Hello",
        Invitation.Status.ACCEPTED,
        "World models",
    )
    assert invitation.public_id == rows["invitation"].public_id
    assert [m.body for m in invitation.messages.all()] == ["Yes."]
    assert Block.objects.filter(pk=rows["block"].pk, blocked__email="ana@example.org").exists()
    history = TrustHistory.objects.get(pk=rows["trusthistory"].pk)
    assert (history.score, history.event) == (41, "import")
    assert WorkAddition.objects.pending().get(pk=rows["workaddition"].pk).work.title == (
        "World models"
    )
    # Their permissions (so staff groups' rights) moved with them.
    assert Permission.objects.filter(content_type__app_label="social", codename="view_invitation")
    assert Permission.objects.filter(
        content_type__app_label="works", codename="change_workaddition"
    )
    assert not Permission.objects.filter(
        content_type__app_label="profiles", codename__endswith="_invitation"
    ).exists()
    assert timezone.now() >= history.created_at
