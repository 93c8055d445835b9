from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html

from bzpeer.lib.admin import ReadOnlyAdminMixin, decide_each
from bzpeer.lib.forms import LineField, ParagraphsField
from bzpeer.lib.names import name_keys
from profiles.models import Researcher, ResearcherChange
from works.models import (
    AttributionDecision,
    Authorship,
    SnapshotPartition,
    SourceRecord,
    Topic,
    Venue,
    Work,
    WorkAddition,
    WorkIdentifier,
)
from works.services import (
    authorship_delete,
    byline_changed,
    researcher_delete,
    researcher_merge,
    researcher_split,
    work_addition_decide,
    work_delete,
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
        byline_changed(work=work, before=before)

    def delete_model(self, request, obj):
        self.delete_queryset(request, Work.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        work_delete(works=queryset)


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
        authorship_delete(authorships=queryset)


@admin.register(SourceRecord)
class SourceRecordAdmin(admin.ModelAdmin):
    list_display = ["source", "external_id", "work", "researcher", "imported_at"]
    list_filter = ["source", "imported_at"]
    search_fields = ["external_id"]
    raw_id_fields = ["work", "researcher"]
    readonly_fields = ["content_hash", "summary", "imported_at"]


@admin.register(SnapshotPartition)
class SnapshotPartitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["entity", "updated_date", "records", "loaded_at"]
    list_filter = ["entity"]
    search_fields = ["entity"]
    date_hierarchy = "updated_date"


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
    list_select_related = ["researcher", "other"]
    search_fields = ["printed_name", "external_id", "researcher__display_name", "detail"]
    raw_id_fields = ["researcher", "other"]


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        queryset=Researcher.objects.none(),
        widget=forms.RadioSelect,
        label="Keep this record (the others are merged into it)",
    )
    reason = ParagraphsField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, researchers, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["keep"]).queryset = researchers


class SplitForm(forms.Form):
    authorships = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, label="Works that belong to someone else"
    )
    display_name = LineField(
        max_length=255, required=False, help_text="Name of the new record; blank: as printed."
    )
    reason = ParagraphsField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, researcher, **kwargs):
        super().__init__(*args, **kwargs)
        rows = researcher.authorships.select_related("work").order_by("-work__publication_date")
        cast(forms.MultipleChoiceField, self.fields["authorships"]).choices = [
            (a.pk, f"{a.work.title} ({a.work.publication_year or 'n.d.'}) as “{a.printed_name}”")
            for a in rows
        ]


class ResearcherChangeInline(admin.TabularInline):
    model = ResearcherChange
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "created_at",
        "kind",
        "other_name",
        "other_slug",
        "user",
        "reason",
        "detail",
    )

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Researcher)
class ResearcherAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "slug",
        "orcid",
        "openalex_id",
        "works_count",
        "followers_count",
        "verification_level",
        "trust_score",
        "open_to_collaborate",
    ]
    list_filter = ["verification_level", "open_to_collaborate", "sources"]
    search_fields = ["display_name", "name_key", "slug", "orcid", "openalex_id"]
    autocomplete_fields = ["institution"]
    actions = ["merge_researchers"]
    inlines = [ResearcherChangeInline]
    readonly_fields = [
        "split_link",
        # Only the claim process sets ownership, with its evidence and audit log.
        "owner",
        "claim_level",
        "name_key",
        "works_count",
        "followers_count",
        "topics_count",
        "close_collaborators_count",
        "top_topics",
        "first_year",
        "last_year",
        "verification_level",
        "trust_score",
        "trust_components",
        "stats_refreshed_at",
        "created_at",
        "updated_at",
    ]

    def save_model(self, request, obj, form, change):
        for field, key in name_keys(obj.display_name).items():
            setattr(obj, field, key)
        super().save_model(request, obj, form, change)

    @admin.display(description="Split")
    def split_link(self, obj):
        if not obj.pk:
            return "-"
        url = reverse("admin:profiles_researcher_split", args=[obj.pk])
        return format_html('<a href="{}">Split off works that are someone else’s…</a>', url)

    def get_urls(self):
        split = self.admin_site.admin_view(self.split_view)
        return [
            path("<int:pk>/split/", split, name="profiles_researcher_split"),
            *super().get_urls(),
        ]

    @admin.action(description="Merge selected researchers into one", permissions=["change"])
    def merge_researchers(self, request, queryset):
        if queryset.count() < 2:
            self.message_user(request, "Choose at least two researchers to merge.", messages.ERROR)
            return None
        form = MergeForm(request.POST if "apply" in request.POST else None, researchers=queryset)
        if form.is_valid():
            keep = form.cleaned_data["keep"]
            try:
                for other in queryset.exclude(pk=keep.pk):
                    researcher_merge(
                        keep=keep,
                        remove=other,
                        reason=form.cleaned_data["reason"],
                        user=request.user,
                    )
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return None
            self.message_user(request, f"Merged into {keep.display_name}.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge researchers",
            "form": form,
            "researchers": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/profiles/researcher/merge.html", context)

    def split_view(self, request, pk):
        researcher = get_object_or_404(Researcher, pk=pk)
        if not self.has_change_permission(request, researcher):
            raise PermissionDenied
        form = SplitForm(request.POST or None, researcher=researcher)
        if request.method == "POST" and form.is_valid():
            try:
                other = researcher_split(
                    researcher=researcher,
                    authorship_ids=[int(i) for i in form.cleaned_data["authorships"]],
                    display_name=form.cleaned_data["display_name"],
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(request, f"Split off {other.display_name}.", messages.SUCCESS)
                return redirect("admin:profiles_researcher_change", other.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Split {researcher.display_name}",
            "form": form,
            "researcher": researcher,
            "opts": self.model._meta,
        }
        return render(request, "admin/profiles/researcher/split.html", context)

    def delete_model(self, request, obj):
        self.delete_queryset(request, Researcher.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        """Coauthors lose a collaborator: researcher_delete recounts them."""
        researcher_delete(researchers=queryset)


@admin.register(WorkAddition)
class WorkAdditionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Works owners asked for whose byline does not name them: approve only when the
    evidence shows the work is theirs (a publisher page, the PDF's author list)."""

    list_display = ["created_at", "researcher", "work", "requested_by", "status", "decided_by"]
    list_filter = ["status", "created_at"]
    search_fields = ["researcher__display_name", "work__title", "requested_by__email"]
    readonly_fields = [f.name for f in WorkAddition._meta.fields]
    actions = ["approve", "reject"]

    def has_change_permission(self, request, obj=None):
        # Viewing and the actions below; the fields themselves stay read-only.
        return obj is None and request.user.has_perm("works.change_workaddition")

    def _decide(self, request, queryset, approve: bool) -> None:
        decide_each(
            self,
            request,
            queryset.pending().select_related("researcher", "work"),
            lambda addition: work_addition_decide(
                addition=addition, staff=request.user, approve=approve
            ),
            (ValidationError, PermissionDenied),
        )

    @admin.action(description="Approve: add the work to the record", permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description="Reject the selected requests", permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, approve=False)
