from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html

from bzpeer.lib.admin import ReadOnlyAdminMixin, decide_each
from bzpeer.lib.forms import LineField, ParagraphsField
from bzpeer.lib.names import name_keys
from profiles.models import (
    Block,
    Follow,
    Institution,
    Invitation,
    Message,
    Notification,
    NotificationSettings,
    Researcher,
    ResearcherChange,
    SlugRedirect,
    TrustHistory,
    User,
    WorkAddition,
)
from profiles.services import (
    follow_delete,
    researcher_merge,
    researcher_refresh_stats,
    researcher_split,
    work_addition_decide,
)


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


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "country_code", "kind", "email_domains", "openalex_id", "ror"]
    list_filter = ["kind", "country_code"]
    search_fields = ["name", "openalex_id", "ror"]


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
        """Coauthors lose a collaborator: their counts are refreshed after the delete."""
        from works.models import Authorship

        coauthors = set(
            Authorship.objects.filter(work__authorships__researcher__in=queryset).values_list(
                "researcher_id", flat=True
            )
        )
        ids = set(queryset.values_list("id", flat=True))
        queryset.delete()
        researcher_refresh_stats(researcher_ids=coauthors - ids)


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "researcher", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["user__email", "researcher__display_name"]
    raw_id_fields = ["user", "researcher"]

    def delete_model(self, request, obj):
        follow_delete(user=obj.user, researcher=obj.researcher)

    def delete_queryset(self, request, queryset):
        for follow in queryset.select_related("user", "researcher"):
            follow_delete(user=follow.user, researcher=follow.researcher)


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["slug", "researcher", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["slug", "researcher__display_name"]
    raw_id_fields = ["researcher"]


@admin.register(ResearcherChange)
class ResearcherChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "researcher", "other_name", "user", "reason"]
    list_filter = ["kind", "created_at"]
    search_fields = ["researcher__display_name", "other_name", "other_slug", "reason"]
    readonly_fields = [f.name for f in ResearcherChange._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Delivery of notifications, for staff who look into a missing email. Invitations and
    replies quote private conversations: staff read those only in a reported conversation
    (Invitation and Message below), never here."""

    list_display = ["created_at", "user", "kind", "text", "emailed_at", "read_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["user__email", "text"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def get_queryset(self, request):
        private = [Notification.Kind.INVITATION, Notification.Kind.REPLY]
        return super().get_queryset(request).exclude(kind__in=private)


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", *NotificationSettings.KINDS]
    list_filter = [*NotificationSettings.KINDS]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


# Conversations are private to their two people: staff see only reported ones, read-only.
@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "subject", "sender", "researcher", "status", "reported"]
    list_filter = ["status", "created_at"]
    search_fields = ["subject", "sender__email", "researcher__display_name"]
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(reported=True)


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "author", "invitation"]
    list_filter = ["created_at"]
    search_fields = ["body", "author__email"]
    readonly_fields = [f.name for f in Message._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(invitation__reported=True)


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["blocker__email", "blocked__email"]
    raw_id_fields = ["blocker", "blocked"]


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
        return obj is None and request.user.has_perm("profiles.change_workaddition")

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
