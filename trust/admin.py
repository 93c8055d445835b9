from django.contrib import admin

from bzpeer.lib.admin import ReadOnlyAdminMixin
from trust.models import TrustHistory


@admin.register(TrustHistory)
class TrustHistoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "researcher",
        "score",
        "verification_level",
        "event",
        "formula_version",
    ]
    list_filter = ["formula_version", "verification_level", "created_at"]
    search_fields = ["researcher__display_name", "event"]
    readonly_fields = [f.name for f in TrustHistory._meta.fields]
