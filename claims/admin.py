from django.contrib import admin

from bzpeer.lib.admin import ReadOnlyAdminMixin, decide_each
from claims.models import Claim, ClaimEvent, Evidence, Report
from claims.services import ClaimError, report_decide


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "is_proof", "orcid", "email", "links", "statement", "summary"]

    def has_add_permission(self, request, obj=None):
        return False


class ClaimEventInline(admin.TabularInline):
    model = ClaimEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "actor", "action", "from_status", "to_status", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only here: claims are decided on the staff review pages, which keep the log."""

    list_display = ["researcher", "claimant", "status", "level", "name_matches", "created_at"]
    list_filter = ["status", "name_matches", "level", "created_at"]
    search_fields = ["researcher__display_name", "claimant__email", "claimant__name"]
    readonly_fields = [f.name for f in Claim._meta.fields]
    inlines = [EvidenceInline, ClaimEventInline]


@admin.register(ClaimEvent)
class ClaimEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "claim", "action", "from_status", "to_status", "actor"]
    list_filter = ["action", "to_status", "created_at"]
    search_fields = ["claim__researcher__display_name", "actor__email", "reason"]
    readonly_fields = [f.name for f in ClaimEvent._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reports are decided with the actions (or on the staff queue), which recompute the
    record's trust; the status is never edited by hand."""

    list_display = ["created_at", "kind", "researcher", "work", "status", "reporter"]
    list_filter = ["kind", "status", "created_at"]
    search_fields = ["researcher__display_name", "message", "reporter__email"]
    raw_id_fields = ["researcher", "work", "reporter"]
    readonly_fields = [
        "researcher",
        "work",
        "kind",
        "message",
        "reporter",
        "status",
        "created_at",
    ]
    actions = ["uphold", "dismiss"]

    def has_add_permission(self, request):
        return False

    def _decide(self, request, queryset, uphold: bool) -> None:
        decide_each(
            self,
            request,
            queryset.filter(status=Report.Status.OPEN),
            lambda report: report_decide(report=report, staff=request.user, uphold=uphold),
            (ClaimError,),
        )

    @admin.action(description="Uphold the selected open reports", permissions=["change"])
    def uphold(self, request, queryset):
        self._decide(request, queryset, uphold=True)

    @admin.action(description="Dismiss the selected open reports", permissions=["change"])
    def dismiss(self, request, queryset):
        self._decide(request, queryset, uphold=False)


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["claim", "kind", "is_proof", "summary", "created_at"]
    list_filter = ["kind", "is_proof"]
    search_fields = ["summary", "orcid", "email", "claim__researcher__display_name"]
    readonly_fields = [f.name for f in Evidence._meta.fields]
