from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """The admin, on BZPEER's staff site (bzpeer.lib.admin.StaffAdminSite)."""

    default_site = "bzpeer.lib.admin.StaffAdminSite"
