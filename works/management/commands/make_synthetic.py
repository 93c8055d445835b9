import time
from pathlib import Path

from django.core.management.base import BaseCommand

from works import synthetic


class Command(BaseCommand):
    help = "Write a synthetic OpenAlex Works file (gzipped JSON Lines) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--works", type=int, default=20_000)
        parser.add_argument("--authors", type=int, default=None, help="default: works / 2")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--output", type=Path, default=None)

    def handle(self, *args, works, authors, seed, output, **options):
        authors = authors or max(10, works // 2)
        output = output or Path(f".bench/synthetic-{works}.jsonl.gz")
        output.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()

        def progress(done: int, authorships: int) -> None:
            elapsed = time.monotonic() - started
            left = elapsed / done * (works - done)
            self.stdout.write(
                f"{done:,} of {works:,} works, {authorships:,} authorships, "
                f"{done / elapsed:,.0f} works/s, about {left:,.0f} s left"
            )

        authorships = synthetic.write(output, works, authors, seed=seed, progress=progress)
        self.stdout.write(
            f"Wrote {output}: {works:,} works, {authors:,} authors, {authorships:,} authorships "
            f"in {time.monotonic() - started:.1f} s"
        )
