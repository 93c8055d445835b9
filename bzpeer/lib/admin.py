"""Admin building blocks shared by the apps, and the admin site itself."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from bzpeer.lib.staff import is_staff_session, mfa_step


class ReadOnlyAdminMixin:
    """Rows that only the site's own services write (logs, decisions, history): staff read
    them in the admin but never add or edit them there."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


def decide_each(
    model_admin: "admin.ModelAdmin[Any]",
    request: HttpRequest,
    items: Iterable[Any],
    decide: Callable[[Any], object],
    errors: tuple[type[Exception], ...],
) -> None:
    """An admin action that decides each item through its service, ``decide(item)``: the
    items it could not decide are reported one by one, the rest counted."""
    decided = 0
    for item in items:
        try:
            decide(item)
        except errors as exc:
            model_admin.message_user(request, f"{item}: {exc}", messages.ERROR)
        else:
            decided += 1
    model_admin.message_user(request, f"{decided} decided.", messages.SUCCESS)


class StaffAdminSite(admin.AdminSite):
    """Django's admin behind the site's own login: no password form of its own (which would
    skip the login limits and the two-factor step), and no staff power for a session that
    has not passed two-factor authentication."""

    site_header = "BZPEER staff"
    site_title = "BZPEER staff"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_staff_session(request)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.user.is_authenticated:
            if request.user.is_staff:
                return mfa_step(request)
            raise PermissionDenied("Staff only.")
        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        return redirect_to_login(target)
