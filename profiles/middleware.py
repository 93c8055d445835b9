from allauth.mfa.utils import is_mfa_enabled
from django.shortcuts import redirect
from django.urls import reverse

# Pages where staff act on other people's data.
STAFF_AREAS = ("/admin/", "/staff/")


class StaffTwoFactorMiddleware:
    """Staff must turn on two-factor authentication before they can use staff pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            request.path.startswith(STAFF_AREAS)
            and user.is_authenticated
            and user.is_staff
            and not is_mfa_enabled(user)
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)
