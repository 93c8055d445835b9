"""allauth's account adapter: a per-account limit on guessed passwords that never locks the
owner out."""

import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.core.cache import cache


def _failures_key(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"login-failures:{digest}"


def login_failures(email: str) -> int:
    return cache.get(_failures_key(email), 0)


class AccountAdapter(DefaultAccountAdapter):
    """Failed passwords are counted per account as well as per client address (allauth's
    own limit). Past LOGIN_FAILURES_BEFORE_CODE of them, the right password is no longer
    enough: allauth's login-by-code step emails the owner a code to finish signing in. An
    attacker with many addresses gets nowhere; the owner still gets in."""

    def authentication_failed(self, request, **credentials):
        email = credentials.get("email") or credentials.get("username") or ""
        if email:
            key = _failures_key(email)
            cache.add(key, 0, timeout=settings.LOGIN_FAILURES_PERIOD)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=settings.LOGIN_FAILURES_PERIOD)

    def is_login_by_code_required(self, login) -> bool:
        if super().is_login_by_code_required(login):
            return True
        user = login.user
        records = get_authentication_records(self.request, user)
        if records and records[-1].get("method") == "code":
            return False  # the code was just given
        return bool(user and login_failures(user.email) >= settings.LOGIN_FAILURES_BEFORE_CODE)

    def login(self, request, user):
        super().login(request, user)
        cache.delete(_failures_key(user.email))
