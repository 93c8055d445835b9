from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models

from bzpeer.lib.admin import ReadOnlyAdminMixin
from profiles.models import (
    ApiToken,
    Institution,
    OpenAlexRedirect,
    ResearcherChange,
    SlugRedirect,
    User,
)
from profiles.services import api_token_revoke, institution_edit

# The Researcher admin is the works app's (works.admin): its merges and splits move works.


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
    list_filter = ["kind", "email_domains_set_by_staff", "country_code"]
    search_fields = ["name", "openalex_id", "ror"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        institution_edit(institution=obj, changed=form.changed_data)


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["slug", "researcher", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["slug", "researcher__display_name"]
    raw_id_fields = ["researcher"]


@admin.register(OpenAlexRedirect)
class OpenAlexRedirectAdmin(admin.ModelAdmin):
    list_display = ["openalex_id", "researcher", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["openalex_id", "researcher__display_name"]
    raw_id_fields = ["researcher"]


@admin.register(ResearcherChange)
class ResearcherChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "researcher", "other_name", "user", "reason"]
    list_filter = ["kind", "created_at"]
    search_fields = ["researcher__display_name", "other_name", "other_slug", "reason"]
    readonly_fields = [f.name for f in ResearcherChange._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who holds which API token, for staff who look into misuse; only a hash of each secret
    is stored. Revoking is the person's (account page) or, here, a staff action."""

    list_display = ["name", "user", "prefix", "scope", "created_at", "expires_at", "last_used_at"]
    list_filter = ["scope", "created_at", "revoked_at"]
    search_fields = ["name", "prefix", "user__email"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return obj is None and request.user.has_perm("profiles.change_apitoken")

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            api_token_revoke(token=token, user=token.user)
        self.message_user(request, "Revoked.")
