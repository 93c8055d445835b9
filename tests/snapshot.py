"""Every row of the tables an import writes, to show that a second import changes nothing."""

from profiles.models import Institution, Researcher
from works.models import Authorship, SourceRecord, Topic, Venue, Work


def database_snapshot() -> dict:
    tables = [Researcher, Institution, Work, Authorship, Venue, Topic, SourceRecord]
    snapshot = {model.__name__: list(model.objects.order_by("pk").values()) for model in tables}
    snapshot["work_topics"] = list(
        Work.topics.through.objects.order_by("pk").values_list("work_id", "topic_id")
    )
    snapshot["authorship_institutions"] = list(
        Authorship.institutions.through.objects.order_by("pk").values_list(
            "authorship_id", "institution_id"
        )
    )
    return snapshot
