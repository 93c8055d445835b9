"""A Celery worker killed (SIGKILL) in the middle of a graph build and in the middle of an
email: once a new worker starts, the slice is built once and the email is sent once."""

import socketserver
import threading
import time
import uuid

import pytest
import redis
from django.db import connection
from kombu import Exchange, Queue

from bzpeer.celery import app
from graph import tasks as graph_tasks
from graph.models import GraphSlice
from profiles.models import Researcher
from social import tasks as social_tasks
from social.models import Notification
from tests.conftest import DEMO_FEED, run_command
from tests.factories import UserFactory
from tests.processes import (
    kill,
    other_connection,
    queued_tasks,
    redis_server,
    start_worker,
    stop,
    wait_for,
)

# Short, so that the test sees the message of the killed worker delivered again; longer
# than the test's tasks take (well under a second), as production's is longer than any
# task's time limit. A solo worker does not poll the broker while it runs a task, so it
# never gives back a message of its own.
VISIBILITY_TIMEOUT = 3


def session_waiting_for_a_lock() -> int | None:
    """The pid of another session on the test database that waits for a lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def session_ended(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def publish(broker_url: str, task, args: list, queue: str) -> None:
    with queued_tasks(), app.connection_for_write(broker_url) as conn:
        Queue(queue, Exchange(queue), routing_key=queue)(conn.default_channel).declare()
        task.apply_async(args=args, queue=queue, connection=conn)


def redelivered_worker(queue: str, env: dict, taken_by: float):
    """A new worker, started once the message the killed worker took (at the latest at
    ``taken_by``) is visible again: a worker gives back such messages as it starts."""
    time.sleep(max(0.0, taken_by + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
    return start_worker(queue, **env)


def nothing_left(broker_url: str, queue: str) -> bool:
    client = redis.Redis.from_url(broker_url)
    return client.hlen("unacked") == 0 and client.llen(queue) == 0


@pytest.mark.django_db(transaction=True)
def test_a_slice_whose_build_was_killed_is_built_once_by_the_next_worker():
    run_command("import_arxiv", DEMO_FEED)
    lillicrap = Researcher.objects.get(slug="timothy-lillicrap")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with redis_server() as broker, other_connection() as locker:
        env = {"REDIS_URL": broker.url, "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
        # The build stores its counts on the researcher's row: while this transaction holds
        # that row, the build waits there, computed but not stored.
        locker.execute("SELECT 1 FROM profiles_researcher WHERE id = %s FOR UPDATE", [lillicrap.pk])
        first = start_worker(queue, **env)
        second = None
        try:
            publish(broker.url, graph_tasks.slice_build, [lillicrap.pk], queue)
            blocked = wait_for(session_waiting_for_a_lock, 30, "the build to wait")
            taken_by = time.monotonic()
            assert GraphSlice.objects.get(researcher=lillicrap).state == GraphSlice.State.BUILDING
            kill(first)
            locker.rollback()
            wait_for(lambda: session_ended(blocked), 10, "the killed worker's session to end")

            graph_slice = GraphSlice.objects.get(researcher=lillicrap)
            assert graph_slice.state == GraphSlice.State.BUILDING and graph_slice.version == 0

            second = redelivered_worker(queue, env, taken_by)
            ready = GraphSlice.State.READY
            built = GraphSlice.objects.filter(researcher=lillicrap, state=ready)
            wait_for(built.exists, 30, "the slice to be built")
            # Acknowledged, and nothing queued: no delivery is left to build it again.
            wait_for(lambda: nothing_left(broker.url, queue), 10, "the message to be acked")
        finally:
            stop(first)
            if second is not None:
                stop(second)

    graph_slice = GraphSlice.objects.get(researcher=lillicrap)
    assert graph_slice.state == GraphSlice.State.READY and graph_slice.version == 1
    close = graph_slice.summary["close_count"]  # 0 in the demo (tests/graph/test_slices.py)
    assert Researcher.objects.get(pk=lillicrap.pk).close_collaborators_count == close


class StallingSMTP(socketserver.ThreadingTCPServer):
    """A mail server speaking real SMTP that, the first time, takes a message's DATA but
    never answers it: the message is not accepted, and its sender hangs until killed."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SMTPSession)
        self.port = self.server_address[1]
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.accepted: list[bytes] = []


class SMTPSession(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        server: StallingSMTP = self.server
        self.reply("220 127.0.0.1 ESMTP test")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 127.0.0.1")
            elif command.startswith(("MAIL FROM", "RCPT TO", "RSET", "NOOP")):
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = b"".join(iter(self.rfile.readline, b".\r\n"))
                if not server.stalled.is_set():
                    server.stalled.set()
                    server.release.wait(30)
                    return  # the connection drops: the message was never accepted
                server.accepted.append(data)
                self.reply("250 OK queued")
            elif command == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


@pytest.mark.django_db(transaction=True)
def test_an_email_whose_send_was_killed_is_sent_once_by_the_next_worker():
    user = UserFactory(email="tim@example.org")
    note = Notification.objects.create(
        user=user, kind=Notification.Kind.NEW_FOLLOWER, text="Ana follows you.", key="k"
    )
    smtp = StallingSMTP()
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    first = second = None
    try:
        with redis_server() as broker:
            env = {
                "REDIS_URL": broker.url,
                "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
                "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
            }
            first = start_worker(queue, **env)
            publish(broker.url, social_tasks.notification_email, [note.pk], queue)
            assert smtp.stalled.wait(30), "the worker never sent the email"
            taken_by = time.monotonic()
            kill(first)
            smtp.release.set()
            note.refresh_from_db()
            assert note.emailed_at is None and smtp.accepted == []

            second = redelivered_worker(queue, env, taken_by)
            wait_for(lambda: smtp.accepted, 30, "the email")
            wait_for(lambda: nothing_left(broker.url, queue), 10, "the message to be acked")
    finally:
        for worker in (first, second):
            if worker is not None:
                stop(worker)
        smtp.shutdown()
        smtp.server_close()

    assert len(smtp.accepted) == 1
    assert b"Ana follows you." in smtp.accepted[0]
    note.refresh_from_db()
    assert note.emailed_at is not None
