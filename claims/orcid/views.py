from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView

from claims.orcid.provider import SettingsOrcidOAuth2Adapter

oauth2_login = OAuth2LoginView.adapter_view(SettingsOrcidOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(SettingsOrcidOAuth2Adapter)
