"""What the benchmark commands share."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def throwaway_database(suffix: str) -> Iterator[None]:
    """Run in a fresh database named after the site's with ``suffix``, dropped afterwards;
    the site's own data is never touched."""
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"{old_name}_{suffix}"
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield
    finally:
        creation.destroy_test_db(old_name, verbosity=0)
