"""Admin building blocks shared by the apps."""


class ReadOnlyAdminMixin:
    """Rows that only the site's own services write (logs, decisions, history): staff read
    them in the admin but never add or edit them there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
