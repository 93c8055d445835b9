"""ORCID sign-in with ORCID's addresses taken from settings.

allauth's ORCID adapter builds its https:// URLs from BASE_DOMAIN when it is imported; this
subclass reads ORCID_URL and ORCID_API_URL at request time, so tests can point them at a
local server that speaks ORCID's OAuth 2 protocol. It also checks that the iD ORCID returned
with the token is the iD of the record it then serves.
"""

from allauth.socialaccount.providers.orcid.provider import OrcidProvider
from allauth.socialaccount.providers.orcid.views import OrcidOAuth2Adapter
from django.conf import settings
from django.core.exceptions import PermissionDenied


class SettingsOrcidOAuth2Adapter(OrcidOAuth2Adapter):
    @property
    def authorize_url(self) -> str:
        return f"{settings.ORCID_URL}/oauth/authorize"

    @property
    def access_token_url(self) -> str:
        return f"{settings.ORCID_API_URL}/oauth/token"

    @property
    def profile_url(self) -> str:
        return f"{settings.ORCID_API_URL}/v3.0/%s/record"

    def complete_login(self, request, app, token, **kwargs):
        login = super().complete_login(request, app, token, **kwargs)
        if login.account.uid != kwargs["response"].get("orcid"):
            raise PermissionDenied("ORCID returned a record for another iD.")
        return login


class SettingsOrcidProvider(OrcidProvider):
    oauth2_adapter_class = SettingsOrcidOAuth2Adapter


provider_classes = [SettingsOrcidProvider]
