"""`make run`'s server (`manage.py serve`) on the embedded default, no Redis: a worker and
beat run beside the web server, so a new researcher's graph slice fills in with no manual
step, no request waits for a task, and stopping the server stops the worker."""

import contextlib
import os
import signal
import subprocess
import sys

import psutil
import pytest
import requests

from graph.models import GraphSlice
from tests.conftest import FIXTURES, run_command
from tests.processes import ROOT, free_port, site_environment, wait_for


@pytest.mark.django_db(transaction=True)
def test_the_site_served_with_its_worker_fills_in_a_new_graph_slice(tmp_path):
    assert run_command("import_openalex", FIXTURES / "W2741809807.json")[0] == 0
    port = free_port()
    env = site_environment(REDIS_URL="", DEBUG="true", BROKER_FOLDER=str(tmp_path / "broker"))
    server = subprocess.Popen(  # noqa: S603 (a fixed command line)
        [sys.executable, "manage.py", "serve", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/researchers/jason-priem/"

        def answered():
            try:
                return requests.get(url, timeout=5)
            except requests.ConnectionError:
                return None

        first = wait_for(answered, 60, "the site to answer")
        assert first.status_code == 200
        assert first.elapsed.total_seconds() < 1  # the slice is built elsewhere, not here

        def built():
            state = GraphSlice.objects.filter(researcher__slug="jason-priem").first()
            return state is not None and state.state == GraphSlice.State.READY

        wait_for(built, 60, "the worker to build the slice", interval=1)
        workers = [
            p
            for p in psutil.Process(server.pid).children(recursive=True)
            if "celery" in " ".join(p.cmdline())
        ]
        assert workers, "no Celery worker beside the web server"

        server.send_signal(signal.SIGTERM)  # as a stopped `make run`'s process is
        assert server.wait(timeout=30) == 0

        def gone():
            return not [w for w in workers if w.is_running() and w.status() != "zombie"]

        wait_for(gone, 10, "the worker to stop with the server")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)  # whatever is left, for the next test
