import random
import resource
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings

from bzpeer.lib.benchmark import throwaway_database
from bzpeer.lib.bulk import copy_rows, insert_models
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
        with throwaway_database("bench_graph"):
            self._run(works, coauthors)

    def _run(self, works: int, coauthors: int) -> None:
        researcher = self._data(works, coauthors)
        before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        graph_slice = slice_build(researcher_id=researcher.pk)
        seconds = time.perf_counter() - started
        if graph_slice is None:
            raise CommandError("the slice was not built: another build holds its lock")
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
        objects, bylines = [], []
        for index in range(works + coauthors):
            if index < works:
                team = {
                    p.pk
                    for p in rng.choices(people, weights, k=max(1, int(rng.lognormvariate(1, 0.6))))
                }
                bylines.append([me.pk, *sorted(team)])
            else:
                bylines.append([people[index - works].pk])
            objects.append(
                Work(
                    title=f"Work {index}",
                    title_key=f"work {index}",
                    kind="article",
                    publication_year=rng.randint(2000, 2025),
                    authors_count=len(bylines[-1]),
                    primary_source="openalex",
                    byline_source="openalex",
                )
            )
        insert_models(Work, objects)
        links = [(w.pk, topics[(i * 7) % len(topics)].pk) for i, w in enumerate(objects)]
        copy_rows(
            Authorship._meta.db_table,
            ["work_id", "researcher_id", "position", "printed_name", "pinned", "hidden"],
            (
                (work.pk, pk, position, "Name", False, False)
                for work, byline in zip(objects, bylines, strict=True)
                for position, pk in enumerate(byline)
            ),
        )
        copy_rows(Work.topics.through._meta.db_table, ["work_id", "topic_id"], links)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return me
