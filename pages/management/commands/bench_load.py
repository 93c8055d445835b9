import dataclasses
import os
import secrets
import tempfile
import time
from collections import Counter
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import override_settings

from bzpeer.lib import loadtest
from bzpeer.lib.benchmark import throwaway_database
from graph.models import GraphSlice
from graph.services import slice_build
from profiles.models import Follow, Researcher, User
from works import synthetic
from works.importer import run_import
from works.models import Authorship
from works.sources import arxiv, openalex

DEMO_FEED = Path(settings.BASE_DIR) / "works" / "demo" / "lillicrap.atom.xml"
KINDS = ["home", "profile", "works", "work", "search", "trust", "graph", "follow", "unfollow"]


class Command(BaseCommand):
    help = (
        "Serve a fresh, throwaway database (the demo researcher and synthetic ones) with "
        "gunicorn and drive it with concurrent visitors, some signed in following and "
        "unfollowing; print requests, errors and latency percentiles, and check that every "
        "follower count is exact. Exits 1 on any error or wrong count."
    )

    def add_arguments(self, parser):
        parser.add_argument("--visitors", type=int, default=100)
        parser.add_argument("--seconds", type=float, default=60)
        parser.add_argument(
            "--signed-in", type=float, default=0.2, help="share of the visitors signed in"
        )
        parser.add_argument(
            "--think",
            type=float,
            default=0.0,
            help="mean pause in seconds before each request (default: none, as fast as served)",
        )
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
        parser.add_argument(
            "--researchers", type=int, default=300, help="synthetic researchers besides the demo"
        )

    def handle(self, *args, visitors, seconds, signed_in, **options):
        if not 1 <= visitors <= 1000 or not 0 < seconds <= 3600 or not 0 <= signed_in <= 1:
            raise CommandError("Needs 1 to 1,000 visitors, up to 3,600 s, a share from 0 to 1.")
        self._say("Setting up a throwaway database")
        try:
            # The process id keeps two runs at once (a test and a benchmark) apart.
            with throwaway_database(f"load_{os.getpid()}"):
                self._run(
                    visitors=visitors,
                    seconds=seconds,
                    signed_in=round(visitors * signed_in),
                    think=options["think"],
                    workers=options["workers"],
                    researchers=options["researchers"],
                )
        except KeyboardInterrupt:
            raise CommandError(
                "Interrupted: the server is stopped and the throwaway database dropped.",
                returncode=130,
            ) from None

    def _run(self, *, visitors, seconds, signed_in, think, workers, researchers) -> None:
        started = time.monotonic()
        slice_keys = self._data(researchers)
        secret_key = secrets.token_urlsafe(48)
        site = self._site(self._sessions(signed_in, secret_key))
        self._say(
            f"Data: {len(site.slugs):,} researchers with {sum(map(len, site.works.values())):,} "
            f"authorships and their graph slices, {signed_in} signed-in accounts, "
            f"in {time.monotonic() - started:.1f} s"
        )
        call_command("collectstatic", "--noinput", verbosity=0)  # DEBUG off serves these
        # The cache may hold another database's graph data under these keys (the same ids):
        # neither site may serve the other's.
        cache.delete_many(slice_keys)
        port = loadtest.free_port()
        site = dataclasses.replace(site, base_url=f"http://127.0.0.1:{port}")
        server_log = ""
        try:
            with loadtest.gunicorn(
                self._server_env(port, secret_key), port, workers=workers
            ) as log:
                self._say(
                    f"gunicorn ({workers} workers) answers on {site.base_url}; {visitors} "
                    f"visitors ({signed_in} signed in) for {seconds:g} s"
                )
                outcome = loadtest.drive(
                    site,
                    visitors=visitors,
                    seconds=seconds,
                    think=think,
                    progress=lambda n, errors, elapsed: self._say(
                        f"load: {n:,} requests, {errors:,} errors, {n / elapsed:,.0f}/s, "
                        f"{max(0, seconds - elapsed):,.0f} s left"
                    ),
                    progress_every=5 if seconds > 20 else 2,
                )
                if any(sample.error for sample in outcome.samples):
                    server_log = loadtest.tail(log)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            cache.delete_many(slice_keys)
        self._report(outcome, workers, server_log)

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()  # progress shows as it happens, also through a pipe

    def _data(self, researchers: int) -> list[str]:
        """The demo researcher through the real arXiv importer, synthetic researchers
        through the OpenAlex one, and their graph slices; returns the slices' cache keys."""
        quiet = lambda message: None  # noqa: E731
        run_import([DEMO_FEED], arxiv.read, quiet)
        if researchers:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "synthetic.jsonl.gz"
                synthetic.write(path, researchers * 2, researchers, seed=7)
                run_import([path], openalex.read, quiet)
        waiting = list(GraphSlice.objects.waiting().values_list("researcher_id", flat=True))
        self._say(f"Building {len(waiting):,} graph slices, as a worker would")
        for researcher_id in waiting:
            slice_build(researcher_id=researcher_id)
        return [
            f"graph-json:{pk}:{version}"
            for pk, version in GraphSlice.objects.values_list("pk", "version")
        ]

    def _sessions(self, count: int, secret_key: str) -> list[tuple[int, str]]:
        """Accounts with a verified address, each signed in with a session as a login makes
        one: the login form is rate-limited per client address, and every visitor comes from
        127.0.0.1."""
        store = import_module(settings.SESSION_ENGINE).SessionStore
        sessions = []
        # Sessions are signed with the server's key, not this process's.
        with override_settings(SECRET_KEY=secret_key):
            for n in range(count):
                user = User.objects.create_user(email=f"visitor-{n}@load.invalid")
                EmailAddress.objects.create(
                    user=user, email=user.email, verified=True, primary=True
                )
                session = store()
                session[SESSION_KEY] = str(user.pk)
                session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
                session[HASH_SESSION_KEY] = user.get_session_auth_hash()
                session.create()
                sessions.append((user.pk, session.session_key))
        return sessions

    def _site(self, sessions: list[tuple[int, str]]) -> loadtest.Site:
        slugs = list(Researcher.objects.by_prominence().values_list("slug", flat=True))
        works: dict[str, list[str]] = {}
        for slug, public_id in Authorship.objects.values_list(
            "researcher__slug", "work__public_id"
        ):
            works.setdefault(slug, []).append(str(public_id))
        names = Researcher.objects.values_list("display_name", flat=True)
        queries = sorted({name.split()[-1] for name in names if name.split()})[:200]
        queries += ["lillicrap", "timothy lillicrap", "nobody by this name"]
        return loadtest.Site("", slugs, works, queries, sessions)

    def _server_env(self, port: int, secret_key: str) -> dict[str, str]:
        """This process's environment pointed at the throwaway database, as production runs
        (DEBUG off) but over plain HTTP on the loopback."""
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secret_key,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "SECURE_COOKIES": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
        }
        name = connection.settings_dict["NAME"]
        if env.get("DATABASE_URL"):
            env["DATABASE_URL"] = urlsplit(env["DATABASE_URL"])._replace(path=f"/{name}").geturl()
        else:
            env["EMBEDDED_POSTGRES_DATABASE"] = name
        return env

    def _report(self, outcome: loadtest.Outcome, workers: int, server_log: str) -> None:
        samples = outcome.samples
        self._line("load", samples, outcome.seconds)
        for kind in KINDS:
            self._line(f"load kind={kind}", [s for s in samples if s.kind == kind], outcome.seconds)
        wrong = self._check_follows(outcome)
        errors = [s for s in samples if s.error]
        signed_in = [v for v in outcome.visitors if v.session]
        self._say(
            f"Summary: {len(samples):,} requests from {len(outcome.visitors)} visitors in "
            f"{outcome.seconds:.1f} s against {workers} gunicorn workers "
            f"({len(samples) / outcome.seconds:,.1f}/s), {len(errors):,} errors; median "
            f"{loadtest.percentile([s.ms for s in samples], 50):,.0f} ms, 99% within "
            f"{loadtest.percentile([s.ms for s in samples], 99):,.0f} ms. "
            f"{len(signed_in)} signed-in visitors followed {sum(v.follows for v in signed_in)} "
            f"and unfollowed {sum(v.unfollows for v in signed_in)} times; follower counts "
            + (f"wrong for {wrong} researchers." if wrong else "exact.")
        )
        if errors or wrong:
            by_kind = Counter((s.kind, s.error) for s in errors)
            example = {(s.kind, s.error): s.url for s in errors}
            shown = "\n".join(
                f"  {kind}: {error} x{n}, e.g. {example[kind, error]}"
                for (kind, error), n in by_kind.most_common(10)
            )
            log = f"\nThe server's log ends:\n{server_log}" if server_log else ""
            raise CommandError(
                f"{len(errors):,} errors, {wrong} wrong follower counts\n{shown}{log}",
                returncode=1,
            )

    def _line(self, label: str, samples: list[loadtest.Sample], seconds: float) -> None:
        if not samples:
            return
        ms = [s.ms for s in samples]
        self._say(
            f"BENCH {label} requests={len(samples)} errors={sum(1 for s in samples if s.error)} "
            f"rps={len(samples) / seconds:.1f} p50_ms={loadtest.percentile(ms, 50):.0f} "
            f"p95_ms={loadtest.percentile(ms, 95):.0f} p99_ms={loadtest.percentile(ms, 99):.0f} "
            f"max_ms={max(ms):.0f}"
        )

    def _check_follows(self, outcome: loadtest.Outcome) -> int:
        """Compare what the visitors followed with the Follow rows and every researcher's
        followers_count; prints the result and returns how many researchers are wrong."""
        rows = set(Follow.objects.values_list("user_id", "researcher__slug"))
        uncertain = outcome.uncertain_follows()
        # Where a follow request failed, only the database knows whether it took effect.
        expected = outcome.expected_follows() | (uncertain & rows)
        expected_counts = Counter(slug for _, slug in expected)
        row_counts = Counter(slug for _, slug in rows)
        wrong = {slug for _, slug in (expected ^ rows) - uncertain}
        counts = dict(Researcher.objects.values_list("slug", "followers_count"))
        for slug, count in counts.items():
            if count != expected_counts[slug] or row_counts[slug] != expected_counts[slug]:
                wrong.add(slug)
        self._say(
            f"BENCH load follower_counts={'mismatched' if wrong else 'exact'} "
            f"mismatched={len(wrong)} follows={sum(v.follows for v in outcome.visitors)} "
            f"unfollows={sum(v.unfollows for v in outcome.visitors)} "
            f"following_now={len(rows)} researchers_followed={len(row_counts)} "
            f"uncertain={len(uncertain)}"
        )
        for slug in sorted(wrong)[:10]:
            self._say(
                f"  {slug}: expected {expected_counts[slug]} followers; followers_count "
                f"{counts.get(slug)}, {row_counts[slug]} Follow rows"
            )
        return len(wrong)
