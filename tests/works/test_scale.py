"""The importer at scale: the synthetic generator, bulk writes and their foreign keys, and the
benchmark command."""

import gzip
import json
import statistics
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction

from bzpeer.lib import bulk
from profiles.models import Researcher
from tests.conftest import run_benchmark, run_command
from tests.factories import ResearcherFactory
from tests.snapshot import dangling_references, database_snapshot
from works.models import Authorship, Work
from works.sources import openalex

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "works.jsonl.gz"
    code, out, _ = run_command("make_synthetic", "--works", 600, "--output", path)
    assert code == 0, out
    return path


def _works(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_the_generator_writes_openalex_works_with_heavy_tails_and_recurring_coauthors(
    synthetic,
):
    works = _works(synthetic)
    assert len(works) == 600
    items = list(openalex.read(synthetic))
    assert [i.error for i in items if i.error] == []
    assert all(i.record.doi.startswith("10.5555/") for i in items)  # the test prefix

    per_author = Counter(a["author"]["id"] for w in works for a in w["authorships"])
    counts = sorted(per_author.values())
    assert counts[-1] >= 20 * statistics.median(counts)  # a few prolific, most not
    sizes = [len(w["authorships"]) for w in works]
    assert 2 <= statistics.median(sizes) <= 6
    pairs = Counter(
        pair
        for w in works
        for pair in combinations(sorted(a["author"]["id"] for a in w["authorships"]), 2)
    )
    assert sum(1 for n in pairs.values() if n >= 2) >= 100  # coauthors recur
    assert all(w["topics"] for w in works)
    assert all(a["institutions"] for w in works for a in w["authorships"])
    assert len({a["institutions"][0]["id"] for w in works for a in w["authorships"]}) > 1


@pytest.mark.django_db
def test_a_synthetic_file_imports_every_authorship_whole_and_once(synthetic):
    works = _works(synthetic)
    expected = sum(len({a["author"]["id"] for a in w["authorships"]}) for w in works)

    code, out, _ = run_command("import", synthetic)
    assert code == 0, out
    assert Work.objects.count() == 600
    assert Authorship.objects.count() == expected
    assert Researcher.objects.count() == len(
        {a["author"]["id"] for w in works for a in w["authorships"]}
    )
    assert dangling_references() == {}

    before = database_snapshot()
    code, out, _ = run_command("import", synthetic)
    assert "600 unchanged" in out
    assert database_snapshot() == before


@pytest.mark.django_db
def test_with_per_row_foreign_key_checks_the_import_is_the_same(synthetic, monkeypatch):
    """A database role that may not skip the per-row checks gets the same import."""
    code, _, _ = run_command("import", synthetic)
    assert code == 0
    fast = database_snapshot()
    Work.objects.all().delete()
    Researcher.objects.all().delete()

    monkeypatch.setattr(bulk, "may_skip_row_triggers", lambda: False)
    code, _, _ = run_command("import", synthetic)
    assert code == 0
    checked = database_snapshot()
    assert dangling_references() == {}
    for table in ("Work", "Authorship", "Researcher", "authorship_institutions"):
        assert len(checked[table]) == len(fast[table]), table


@pytest.mark.django_db
def test_a_batch_referring_to_a_row_that_is_gone_is_refused():
    kept = ResearcherFactory()
    gone = ResearcherFactory()
    gone_pk = gone.pk
    gone.delete()
    with pytest.raises(IntegrityError, match=rf"profiles_researcher: rows \[{gone_pk}\]"):
        bulk.lock_references(Researcher, [kept.pk, gone_pk])


@pytest.mark.django_db
def test_per_row_checks_are_back_on_after_a_bulk_write():
    work = Work.objects.create(title="A work", title_key="a work")
    with transaction.atomic():
        with bulk.references_checked((Work, [work.pk])):
            pass
        with pytest.raises(IntegrityError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(
                    "INSERT INTO works_authorship "
                    "(work_id, researcher_id, position, printed_name, pinned, hidden) "
                    "VALUES (%s, %s, 0, 'Nobody', false, false)",
                    [work.pk, 10**12],
                )


@pytest.mark.django_db(transaction=True)
def test_a_referenced_row_cannot_be_deleted_until_the_batch_commits():
    import threading

    researcher = ResearcherFactory()
    outcome = {}

    def delete_elsewhere():
        from django.db import OperationalError
        from django.db import connection as other

        try:
            with transaction.atomic(), other.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
                cursor.execute("DELETE FROM profiles_researcher WHERE id = %s", [researcher.pk])
            outcome["deleted"] = True
        except OperationalError as exc:
            outcome["refused"] = str(exc)
        finally:
            other.close()

    with transaction.atomic(), bulk.references_checked((Researcher, [researcher.pk])):
        thread = threading.Thread(target=delete_elsewhere)
        thread.start()
        thread.join()
    assert "lock timeout" in outcome.get("refused", "")
    assert Researcher.objects.filter(pk=researcher.pk).exists()


def test_the_benchmark_prints_works_per_second_and_peak_memory(synthetic):
    """`make bench-import` runs this command."""
    lines = run_benchmark("bench_import", synthetic)
    bench = next(line for line in lines if line.startswith("BENCH"))
    assert "600 works with" in bench
    assert " works/s " in bench
    assert "peak memory" in bench
    assert "foreign keys checked" in bench
    assert any(line.startswith("refresh") and "researchers" in line for line in lines)


def test_reading_ahead_keeps_every_item_in_order_and_raises_where_the_file_breaks():
    from works.importer import _read_ahead

    ahead = list(_read_ahead(iter(range(1234)), lambda: 0.5, chunks=2))
    assert ahead == [(number, 0.5) for number in range(1234)]

    def broken():
        yield from range(700)
        raise ValueError("line 701: truncated")

    seen = []
    with pytest.raises(ValueError, match="line 701"):
        for item, _ in _read_ahead(broken(), chunks=1):
            seen.append(item)
    assert seen == list(range(700))


def test_a_reader_left_behind_by_a_failed_import_stops():
    import threading

    from works.importer import _read_ahead

    before = threading.active_count()
    items = _read_ahead(iter(range(100_000)), chunks=1)
    assert next(items) == (0, None)
    items.close()  # what an exception in the import loop does
    assert threading.active_count() == before
