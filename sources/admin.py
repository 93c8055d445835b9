from django.contrib import admin

from sources.models import FetchJob, SourceRead


@admin.register(FetchJob)
class FetchJobAdmin(admin.ModelAdmin):
    """Jobs are written by their tasks only: staff read them here to see what failed."""

    list_display = ["kind", "status", "researcher", "user", "attempts", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["identifier", "researcher__display_name", "user__email"]
    raw_id_fields = ["researcher", "user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SourceRead)
class SourceReadAdmin(admin.ModelAdmin):
    list_display = ["researcher", "source", "read_at"]
    list_filter = ["source"]
    raw_id_fields = ["researcher"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
