from django.contrib import admin

from bzpeer.lib.admin import ReadOnlyAdminMixin
from profiles.models import Follow
from social.models import Block, Invitation, Message, Notification, NotificationSettings
from social.services import follow_delete


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
