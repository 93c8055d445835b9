"""``manage.py serve [ADDRPORT]``: the site as production runs it, on one machine: the
development web server and, beside it, a Celery worker with beat, which take every task
(graph slices, jobs, recounts, emails); no task runs in a request. `make run` runs this.

One server process, without the autoreloader (whose child would outlive a killed parent):
stopping it (Ctrl-C, or SIGTERM) stops the worker too."""

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

STOP_WAIT = 20  # seconds a worker has to finish its task before it is killed


class Command(BaseCommand):
    help = "Serve the site with a Celery worker and beat beside it (development)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        settings.BROKER_FOLDER.mkdir(parents=True, exist_ok=True)
        worker = subprocess.Popen(  # noqa: S603 (a fixed command line)
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "bzpeer",
                "worker",
                "--beat",
                "--schedule",
                str(settings.BROKER_FOLDER / "beat-schedule"),
                "--concurrency=2",
                "--loglevel=warning",
            ]
        )
        self.stdout.write(f"Celery worker and beat started (pid {worker.pid}).")
        # Stopped by a signal (make run's process killed), the worker is stopped too.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=STOP_WAIT)
            except subprocess.TimeoutExpired:
                worker.kill()
