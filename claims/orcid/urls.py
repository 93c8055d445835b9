from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from claims.orcid.provider import SettingsOrcidProvider

urlpatterns = default_urlpatterns(SettingsOrcidProvider)
