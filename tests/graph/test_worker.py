"""A real Celery worker on Redis builds a slice queued by the site."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bzpeer.celery import app
from graph import tasks
from graph.models import GraphSlice
from profiles.models import Researcher
from tests.conftest import DEMO_FEED, need, run_command


def worker_environment() -> dict:
    """The worker's settings: the same Redis, and the test database of this run."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bzpeer.settings",
        "SECRET_KEY": "worker",
        "DEBUG": "false",
        "REDIS_URL": settings.REDIS_URL,
    }
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:
        env["EMBEDDED_POSTGRES_DATABASE"] = db["NAME"]
    return env


@pytest.mark.django_db(transaction=True)
def test_a_worker_builds_the_demo_researchers_slice():
    need(bool(settings.REDIS_URL), "REDIS_URL is not set: no broker for a real worker")
    run_command("import_arxiv", DEMO_FEED)
    lillicrap = Researcher.objects.get(slug="timothy-lillicrap")
    assert GraphSlice.objects.get(researcher=lillicrap).state == GraphSlice.State.PENDING

    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "bzpeer",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=warning",
        ],
        cwd=Path(settings.BASE_DIR),
        env=worker_environment(),
    )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        tasks.slice_build.apply_async(args=[lillicrap.pk], queue=queue)
        deadline = time.monotonic() + 60
        graph_slice = GraphSlice.objects.get(researcher=lillicrap)
        while graph_slice.state != GraphSlice.State.READY and time.monotonic() < deadline:
            assert worker.poll() is None, "the worker stopped"
            time.sleep(0.5)
            graph_slice.refresh_from_db()
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        worker.wait(timeout=20)

    assert graph_slice.state == GraphSlice.State.READY
    labels = {n["label"] for n in graph_slice.nodes if n["kind"] == "collaborator"}
    assert {"Danijar Hafner", "Jimmy Ba", "Mohammad Norouzi", "Adam Santoro"} <= labels
    assert Researcher.objects.get(pk=lillicrap.pk).close_collaborators_count == 4
