from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from bzpeer.lib.admin import ReadOnlyAdminMixin
from profiles.models import Institution, ResearcherChange, SlugRedirect, User

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
    list_filter = ["kind", "country_code"]
    search_fields = ["name", "openalex_id", "ror"]


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
