from typing import Any

from django.conf import settings
from django.db.backends.postgresql import base

from bzpeer.lib.embedded_db import ensure_server


class DatabaseWrapper(base.DatabaseWrapper):
    """PostgreSQL, with the server started on the first connection instead of by hand."""

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        # The test database is created by Django itself; the server makes only the main one.
        main_database = settings.DATABASES["default"]["NAME"]
        params["host"], params["port"] = ensure_server(
            settings.EMBEDDED_POSTGRES_DIR, main_database
        )
        return params
