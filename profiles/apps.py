import logging

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger("bzpeer")


class ProfilesConfig(AppConfig):
    name = "profiles"

    def ready(self) -> None:
        if not settings.DEBUG and not settings.REDIS_URL:
            # Limits counted in one process's memory do not hold across gunicorn workers.
            logger.warning(
                "REDIS_URL is not set: rate limits and the cache are per process and Celery's "
                "broker is a folder on this machine. Set REDIS_URL in production."
            )
