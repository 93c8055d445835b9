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


def dangling_references() -> dict[str, int]:
    """Rows whose foreign key points at no row, for every foreign key of the site's tables:
    empty when the database is whole."""
    from django.apps import apps

    dangling = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in {"works", "profiles", "claims", "graph"}:
            continue
        for field in model._meta.concrete_fields:
            if not field.is_relation:
                continue
            targets = field.related_model._default_manager.values("pk")
            count = (
                model._default_manager.exclude(**{f"{field.attname}__isnull": True})
                .exclude(**{f"{field.attname}__in": targets})
                .count()
            )
            if count:
                dangling[f"{model._meta.db_table}.{field.column}"] = count
    return dangling
