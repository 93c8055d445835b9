from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from bzpeer.lib.names import name_key
from profiles.models import Follow, Institution, Researcher, User
from profiles.services import follow_delete, researcher_refresh_stats


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
    list_display = ["name", "country_code", "kind", "openalex_id", "ror"]
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
    readonly_fields = [
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
        obj.name_key = name_key(obj.display_name)
        super().save_model(request, obj, form, change)

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
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "researcher", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["user__email", "researcher__display_name"]
    raw_id_fields = ["user", "researcher"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        follow_delete(user=obj.user, researcher=obj.researcher)

    def delete_queryset(self, request, queryset):
        for follow in queryset.select_related("user", "researcher"):
            follow_delete(user=follow.user, researcher=follow.researcher)
