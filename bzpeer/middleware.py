"""Writes that need the Celery broker are refused while it is down, before anything is
written; PostgreSQL or the broker failing under a view gives the 503 page, not a traceback."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from bzpeer.lib.cache import redis_answers
from bzpeer.views import outage_response, service_unavailable

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# allauth's pages queue no tasks: signing out or changing a password works without a broker.
BROKER_FREE_PREFIXES = ("/accounts/",)


class BrokerRequiredMiddleware:
    """A signed-in person's write (POST and the like) may queue tasks once it commits
    (notification emails, recounts). While REDIS_URL is set and the broker does not answer,
    such a request gets a 503 before its view runs, so no write is left without its task.
    Costs one PING per such request. Reads, and anonymous requests, are never refused."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.REDIS_URL
            and request.method not in SAFE_METHODS
            and not request.path.startswith(BROKER_FREE_PREFIXES)
            and request.user.is_authenticated
            and not redis_answers(settings.CELERY_BROKER_URL)
        ):
            return service_unavailable(request, service="broker", nothing_saved=True)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return outage_response(request, exception)
