"""``{% orcid_sign_in as on %}``: whether ORCID sign-in is configured (a client ID), so that
pages offer it only then: unconfigured, ORCID would be asked for an empty client ID."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def orcid_sign_in() -> bool:
    provider: dict = settings.SOCIALACCOUNT_PROVIDERS.get("orcid", {})
    return any(app.get("client_id") for app in provider.get("APPS", []))
