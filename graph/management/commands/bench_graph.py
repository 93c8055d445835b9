import random
import resource
import time
import uuid
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings

from bzpeer.lib.bulk import allocate_ids, copy_rows
from graph.services import slice_build
from profiles.models import Researcher
from works.models import Authorship, Topic, Work


class Command(BaseCommand):
    help = (
        "Build the graph slice of a synthetic researcher (10,000 works, 5,000 coauthors by "
        "default) in a fresh, throwaway database; print build time, peak memory and the time "
        "to serve the cached slice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--works", type=int, default=10_000)
        parser.add_argument("--coauthors", type=int, default=5_000)

    def handle(self, *args, works, coauthors, **options):
        creation = connection.creation
        old_name = connection.settings_dict["NAME"]
        connection.settings_dict["TEST"]["NAME"] = f"{old_name}_bench_graph"
        creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            self._run(works, coauthors)
        finally:
            creation.destroy_test_db(old_name, verbosity=0)

    def _run(self, works: int, coauthors: int) -> None:
        researcher = self._data(works, coauthors)
        before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        graph_slice = slice_build(researcher_id=researcher.pk)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        client = Client()
        url = f"/researchers/{researcher.slug}/graph.json"
        timings = []
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            client.get(url)  # fills the cache
            for _ in range(20):
                t = time.perf_counter()
                if client.get(url).status_code != 200:
                    raise CommandError("graph.json did not answer 200")
                timings.append(time.perf_counter() - t)
        timings.sort()
        self.stdout.write(
            f"BENCH graph: {works:,} works, {coauthors:,} coauthors: slice built in "
            f"{seconds:.2f} s ({len(graph_slice.nodes)} nodes, {len(graph_slice.edges)} edges, "
            f"{graph_slice.summary['close_count']} close collaborators); peak memory "
            f"{peak_mb:,.0f} MB (before the build {before_mb:,.0f} MB); cached slice served "
            f"in {timings[len(timings) // 2] * 1000:.1f} ms median, "
            f"{timings[-1] * 1000:.1f} ms worst of 20"
        )

    def _data(self, works: int, coauthors: int) -> Researcher:
        """One researcher, their works with heavy-tailed bylines drawn from ``coauthors``
        people, topics, and a recent work of each coauthor's on those topics."""
        rng = random.Random(5)
        people = [
            Researcher(
                display_name=f"Coauthor {i}",
                name_key=f"coauthor {i}",
                match_key=f"coauthor {i}|c",
                slug=f"coauthor-{i}",
            )
            for i in range(coauthors)
        ]
        me = Researcher(
            display_name="Bench Researcher",
            name_key="bench researcher",
            match_key="researcher|b",
            slug="bench-researcher",
        )
        Researcher.objects.bulk_create([me, *people], batch_size=2000)
        topics = Topic.objects.bulk_create(
            [Topic(scheme="openalex", code=f"T{i}", name=f"Topic {i}") for i in range(50)]
        )
        weights = [rng.paretovariate(1.3) for _ in people]
        total = works + coauthors
        work_ids = allocate_ids(Work, total)
        now = date(2025, 1, 1)
        rows, bylines, links = [], [], []
        for index, work_id in enumerate(work_ids):
            year = rng.randint(2000, 2025)
            mine = index < works
            if mine:
                team = {
                    p.pk
                    for p in rng.choices(people, weights, k=max(1, int(rng.lognormvariate(1, 0.6))))
                }
                byline = [me.pk, *sorted(team)]
            else:
                byline = [people[index - works].pk]
            rows.append(
                (
                    work_id,
                    f"Work {index}",
                    f"work {index}",
                    "",
                    "article",
                    None,
                    year,
                    None,
                    None,
                    None,
                    "",
                    len(byline),
                    [],
                    "openalex",
                    "openalex",
                    uuid.uuid4(),
                    now,
                    now,
                )
            )
            bylines.extend((work_id, pk, position) for position, pk in enumerate(byline))
            links.append((work_id, topics[(index * 7) % len(topics)].pk))
        copy_rows(
            Work._meta.db_table,
            [
                "id",
                "title",
                "title_key",
                "abstract",
                "kind",
                "publication_date",
                "publication_year",
                "first_posted",
                "arxiv_version",
                "venue_id",
                "journal_ref",
                "authors_count",
                "sources",
                "primary_source",
                "byline_source",
                "public_id",
                "created_at",
                "updated_at",
            ],
            rows,
        )
        copy_rows(
            Authorship._meta.db_table,
            ["work_id", "researcher_id", "position", "printed_name", "pinned", "hidden"],
            ((w, r, p, "Name", False, False) for w, r, p in bylines),
        )
        copy_rows(Work.topics.through._meta.db_table, ["work_id", "topic_id"], links)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return me
