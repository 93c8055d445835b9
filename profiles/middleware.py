from bzpeer.lib.staff import mfa_step, session_passed_mfa

# Pages where staff act on other people's data.
STAFF_AREAS = ("/admin/", "/staff/")


class StaffTwoFactorMiddleware:
    """Staff reach staff pages only from a session that passed two-factor authentication:
    they turn it on, or pass it again, first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            request.path.startswith(STAFF_AREAS)
            and user.is_authenticated
            and user.is_staff
            and not session_passed_mfa(request)
        ):
            return mfa_step(request)
        return self.get_response(request)
