from django.contrib import admin

from bzpeer.lib.admin import ReadOnlyAdminMixin
from profiles.services import researcher_refresh_stats
from works.models import (
    AttributionDecision,
    Authorship,
    SourceRecord,
    Topic,
    Venue,
    Work,
    WorkIdentifier,
)


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "issn_l", "openalex_id"]
    list_filter = ["kind"]
    search_fields = ["name", "issn_l", "openalex_id"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "scheme", "code"]
    list_filter = ["scheme"]
    search_fields = ["name", "code"]


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0
    raw_id_fields = ["researcher"]
    fields = ["position", "printed_name", "researcher"]


class IdentifierInline(admin.TabularInline):
    model = WorkIdentifier
    extra = 0


class SourceRecordInline(admin.TabularInline):
    model = SourceRecord
    extra = 0
    readonly_fields = ("source", "external_id", "summary", "imported_at")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "publication_year", "venue", "primary_source", "authors_count"]
    list_filter = ["kind", "primary_source", "sources", "publication_year"]
    search_fields = ["title", "identifiers__value"]
    raw_id_fields = ["venue"]
    filter_horizontal = ["topics"]
    readonly_fields = ["authors_count", "public_id", "title_key", "created_at", "updated_at"]
    inlines = [IdentifierInline, AuthorshipInline, SourceRecordInline]

    def save_related(self, request, form, formsets, change):
        """An edited byline changes the counts of everyone on it, before and after."""
        work = form.instance
        before = set(work.authorships.values_list("researcher_id", flat=True))
        super().save_related(request, form, formsets, change)
        after = set(work.authorships.values_list("researcher_id", flat=True))
        Work.objects.filter(pk=work.pk).update(authors_count=len(after))
        researcher_refresh_stats(researcher_ids=before | after)

    def delete_model(self, request, obj):
        self.delete_queryset(request, Work.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        affected = set(
            Authorship.objects.filter(work__in=queryset).values_list("researcher_id", flat=True)
        )
        queryset.delete()
        researcher_refresh_stats(researcher_ids=affected)


@admin.register(WorkIdentifier)
class WorkIdentifierAdmin(admin.ModelAdmin):
    list_display = ["value", "scheme", "work"]
    list_filter = ["scheme"]
    search_fields = ["value", "work__title"]
    raw_id_fields = ["work"]


@admin.register(Authorship)
class AuthorshipAdmin(admin.ModelAdmin):
    list_display = ["printed_name", "researcher", "work", "position"]
    search_fields = ["printed_name", "researcher__display_name", "work__title"]
    raw_id_fields = ["work", "researcher"]

    def has_add_permission(self, request):
        return False  # bylines are edited on their work, which keeps the counts right

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        self.delete_queryset(request, Authorship.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        """A removed byline entry changes the counts of everyone on that work."""
        works = set(queryset.values_list("work_id", flat=True))
        affected = set(
            Authorship.objects.filter(work__in=works).values_list("researcher_id", flat=True)
        )
        queryset.delete()
        for work in Work.objects.filter(pk__in=works):
            Work.objects.filter(pk=work.pk).update(authors_count=work.authorships.count())
        researcher_refresh_stats(researcher_ids=affected)


@admin.register(SourceRecord)
class SourceRecordAdmin(admin.ModelAdmin):
    list_display = ["source", "external_id", "work", "researcher", "imported_at"]
    list_filter = ["source", "imported_at"]
    search_fields = ["external_id"]
    raw_id_fields = ["work", "researcher"]
    readonly_fields = ["content_hash", "summary", "imported_at"]


@admin.register(AttributionDecision)
class AttributionDecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "printed_name",
        "rule",
        "researcher",
        "other",
        "source",
        "external_id",
        "created_at",
    ]
    list_filter = ["rule", "source", "created_at"]
    search_fields = ["printed_name", "external_id", "researcher__display_name", "detail"]
    raw_id_fields = ["researcher", "other"]
