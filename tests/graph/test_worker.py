"""A real Celery worker on Redis builds a slice queued by the site."""

import time
import uuid

import pytest
from django.conf import settings

from bzpeer.celery import app
from graph import tasks
from graph.models import GraphSlice
from profiles.models import Researcher
from tests.conftest import DEMO_FEED, need, run_command
from tests.processes import start_worker, stop


@pytest.mark.django_db(transaction=True)
def test_a_worker_builds_the_demo_researchers_slice():
    need(bool(settings.REDIS_URL), "REDIS_URL is not set: no broker for a real worker")
    run_command("import_arxiv", DEMO_FEED)
    lillicrap = Researcher.objects.get(slug="timothy-lillicrap")
    assert GraphSlice.objects.get(researcher=lillicrap).state == GraphSlice.State.PENDING

    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(queue)
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
        stop(worker)

    assert graph_slice.state == GraphSlice.State.READY
    labels = {n["label"] for n in graph_slice.nodes if n["kind"] == "collaborator"}
    assert {"Danijar Hafner", "Jimmy Ba", "Mohammad Norouzi", "Adam Santoro"} <= labels
    close = graph_slice.summary["close_count"]  # 0 in the demo (tests/graph/test_slices.py)
    assert Researcher.objects.get(pk=lillicrap.pk).close_collaborators_count == close
