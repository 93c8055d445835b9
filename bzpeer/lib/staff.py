"""The staff boundary: staff powers need a staff account *and* a session that passed
two-factor authentication. A password alone, or a session from before MFA was turned on,
reaches no staff power anywhere (staff pages, the admin, staff reading at public URLs)."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse


def session_passed_mfa(request: HttpRequest) -> bool:
    """True when this session's sign-in (or a later re-authentication) included a second
    factor. allauth keeps the methods a session authenticated with in the session."""
    user = request.user
    if not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    return any(record.get("method") == "mfa" for record in records)


def is_staff_session(request: HttpRequest) -> bool:
    """May this request use staff powers?"""
    user = request.user
    return bool(
        user.is_authenticated and user.is_active and user.is_staff and session_passed_mfa(request)
    )


def mfa_step(request: HttpRequest) -> HttpResponseRedirect:
    """Where a staff member without a two-factor session goes next: turn it on, or pass it."""
    query = urlencode({"next": request.get_full_path()})
    if not is_mfa_enabled(request.user):
        return redirect(f"{reverse('mfa_activate_totp')}?{query}")
    return redirect(f"{reverse('mfa_reauthenticate')}?{query}")


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff pages: sign in through the site's login (its limits, its two-factor step);
    staff without a two-factor session pass it first; everyone else gets 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_active and user.is_staff):
            raise PermissionDenied("Staff only.")
        if not session_passed_mfa(request):
            return mfa_step(request)
        return view(request, *args, **kwargs)

    return wrapped
