"""Site-wide views: the load balancer's probes and the pages for an outage."""

import logging
import sys

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found
from django.views.defaults import server_error as django_server_error
from kombu.exceptions import OperationalError as BrokerError

from bzpeer.lib.cache import redis_answers

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
OUTAGES = (OperationalError, InterfaceError, BrokerError)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up. Touches neither PostgreSQL nor Redis."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when PostgreSQL (and Redis, when REDIS_URL is set) answer, else 503 naming what is
    down. Answers within about two seconds either way."""
    checks = {"database": _database_answers()}
    if settings.REDIS_URL:
        checks["redis"] = redis_answers(settings.REDIS_URL)
    body = {name: "ok" if up else "down" for name, up in checks.items()}
    return JsonResponse(body, status=200 if all(checks.values()) else 503)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def service_unavailable(
    request: HttpRequest, *, service: str, nothing_saved: bool = False
) -> HttpResponse:
    """The 503 page. ``service`` is what is down: "database" or "broker". While the database
    is down the page is drawn without touching it (no session, no messages)."""
    context = {"service": service, "nothing_saved": nothing_saved}
    if service == "database":
        context.update(user=AnonymousUser(), messages=[])
    response = render(request, "503.html", context, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def outage_response(request: HttpRequest, exc: BaseException) -> HttpResponse | None:
    """The 503 page for an exception that means PostgreSQL or the broker is down, else None."""
    if not isinstance(exc, OUTAGES):
        return None
    service = "broker" if isinstance(exc, BrokerError) else "database"
    logger.warning("%s unavailable for %s %s: %s", service, request.method, request.path, exc)
    return service_unavailable(request, service=service)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an outage raised outside a view (a session read in a middleware) is a 503
    too; anything else is Django's own 500 page."""
    exc = sys.exc_info()[1]
    if exc is not None and (response := outage_response(request, exc)) is not None:
        return response
    return django_server_error(request)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: the API's error shape for /api/ addresses, the site's page for the others."""
    if request.path.startswith("/api/"):
        body = {"status": 404, "code": "not_found", "message": "Not found.", "errors": {}}
        return JsonResponse(body, status=404)
    return page_not_found(request, exception or Http404())
