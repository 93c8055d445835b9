"""API authentication by personal access token: ``Authorization: Bearer bzp_…``.

A token authenticates its person for the API only, within its scope (read-only tokens may
not write: bzpeer.lib.api.TokenScope); it never carries staff powers, which need a session that
passed two-factor authentication (bzpeer.lib.staff)."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from profiles.models import ApiToken
from profiles.services import api_token_for

# A token's last use is written at most this often, not on every request.
LAST_USED_EVERY = timedelta(minutes=1)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send one token: Authorization: Bearer <token>.")
        token = api_token_for(header[1])
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("This token is not valid, or has expired.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the tokens."""

    target_class = BearerTokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token, made on /account/tokens/.",
        }
