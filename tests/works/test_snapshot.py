"""manage.py import_openalex_snapshot: a folder laid out as OpenAlex publishes its snapshot,
written from the real samples in tests/fixtures."""

import csv
import gzip
import io
import json
import shutil
from pathlib import Path

import pytest

from profiles.models import Institution, Researcher, SlugRedirect
from tests.conftest import FIXTURES, run_command
from tests.factories import UserFactory
from works import snapshot as snapshot_module
from works.models import Authorship, SnapshotPartition, Work
from works.sources.files import FileFormatError
from works.sources.openalex_snapshot import partitions

PRIEM, DUPLICATE = "A5023888391", "A5317838346"


def sample(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def page_work(openalex_id: str) -> dict:
    """A work as the /works page of the samples gives it (an older version than W….json)."""
    results = sample("works_cursor_page_1.json")["results"]
    return next(w for w in results if w["id"].endswith(openalex_id))


def duplicate_priem() -> dict:
    """Jason Priem under a second author ID, without his ORCID iD, as OpenAlex had him
    before merging A5317838346 (now the tombstone in the samples) into A5023888391."""
    record = sample(f"{PRIEM}.json")
    record.update(id=f"https://openalex.org/{DUPLICATE}", orcid=None, ids={})
    return record


def credited_to_duplicate(work: dict) -> dict:
    for authorship in work["authorships"]:
        if authorship["author"]["id"].endswith(PRIEM):
            authorship["author"].update(id=f"https://openalex.org/{DUPLICATE}", orcid=None)
    return work


class Snapshot:
    """DIR/data/<entity>/manifest, updated_date=…/part_NNN.gz and merged_ids/<entity>/….csv.gz,
    as `aws s3 sync s3://openalex DIR` copies them."""

    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"

    def partition(self, entity: str, day: str, *records: dict, part: str = "part_000") -> Path:
        path = self.data / entity / f"updated_date={day}" / f"{part}.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode()))
        self.write_manifest(entity)
        return path

    def write_manifest(self, entity: str) -> None:
        entries = []
        for path in sorted((self.data / entity).glob("updated_date=*/*.gz")):
            with gzip.open(path, "rt") as lines:
                count = sum(1 for line in lines if line.strip())
            url = f"s3://openalex/data/{entity}/{path.parent.name}/{path.name}"
            size = path.stat().st_size
            entries.append({"url": url, "meta": {"content_length": size, "record_count": count}})
        totals = {
            "content_length": sum(e["meta"]["content_length"] for e in entries),
            "record_count": sum(e["meta"]["record_count"] for e in entries),
        }
        (self.data / entity / "manifest").write_text(
            json.dumps({"entries": entries, "meta": totals})
        )

    def merged(self, entity: str, day: str, *pairs: tuple[str, str]) -> Path:
        text = io.StringIO()
        rows = csv.writer(text, lineterminator="\n")
        rows.writerow(["merge_date", "id", "merge_into_id"])
        rows.writerows([day, old, kept] for old, kept in pairs)
        path = self.data / "merged_ids" / entity / f"{day}.csv.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(text.getvalue().encode()))
        return path


@pytest.fixture
def snapshot(tmp_path):
    """Institutions in one partition, authors and works in two each, a topic, a source and
    the merge of Priem's duplicate ID into his own."""
    folder = Snapshot(tmp_path / "openalex-snapshot")
    folder.partition("institutions", "2025-06-17", sample("I27837315.json"))
    folder.partition("authors", "2023-11-09", duplicate_priem())
    folder.partition("authors", "2025-06-08", sample(f"{PRIEM}.json"))
    folder.partition("works", "2025-05-02", page_work("W2755950973"))
    folder.partition("works", "2025-05-12", credited_to_duplicate(page_work("W2741809807")))
    folder.partition("topics", "2025-06-16", sample("T11636.json"))
    folder.partition("sources", "2025-06-11", sample("S137773608.json"))
    folder.merged("authors", "2025-06-08", (DUPLICATE, PRIEM))
    return folder


def load(folder: Snapshot):
    return run_command("import_openalex_snapshot", folder.root)


@pytest.mark.django_db
def test_the_first_run_loads_every_partition_and_applies_the_merges(snapshot):
    code, out, err = load(snapshot)

    assert code == 0, err
    assert "partitions: 7 loaded, 0 already loaded" in out
    assert "5 records: 5 created, 0 updated, 0 unchanged, 0 skipped" in out
    assert "topics: 1 read, not kept; sources: 1 read, not kept" in out
    assert "merged authors: 1 applied" in out
    assert Institution.objects.count() == 12  # Michigan, Priem's and the bylines' 10
    assert Work.objects.count() == 2
    assert Researcher.objects.count() == 11  # 2 + 9 authors; Priem's two IDs are one record
    assert Institution.objects.get(openalex_id="I27837315").homepage == "https://www.umich.edu"
    loaded = SnapshotPartition.objects.values_list("entity", "updated_date", "records")
    assert [(entity, str(day), n) for entity, day, n in loaded] == [
        ("authors", "2023-11-09", 1),
        ("authors", "2025-06-08", 1),
        ("institutions", "2025-06-17", 1),
        ("merged_ids/authors", "2025-06-08", 1),
        ("sources", "2025-06-11", 1),
        ("topics", "2025-06-16", 1),
        ("works", "2025-05-02", 1),
        ("works", "2025-05-12", 1),
    ]


@pytest.mark.django_db
def test_a_second_run_loads_only_the_newer_partition(snapshot):
    load(snapshot)
    # The older partition changes on disk: a run that read it again would show it.
    older = page_work("W2755950973")
    older["display_name"] = older["title"] = "Read twice"
    snapshot.partition("works", "2025-05-02", older)
    snapshot.partition("works", "2025-06-11", sample("W2741809807.json"))

    code, out, err = load(snapshot)

    assert code == 0, err
    assert (
        "works: 2 partition(s) already loaded (through updated_date=2025-05-12), 1 to load" in out
    )
    assert "partitions: 1 loaded, 7 already loaded" in out
    assert "1 records: 0 created, 1 updated, 0 unchanged, 0 skipped" in out
    assert "merged_ids/authors: 1 file(s) already applied (through 2025-06-08)" in out
    assert not Work.objects.filter(title="Read twice").exists()
    assert Work.objects.count() == 2
    assert Researcher.objects.count() == 11
    assert SnapshotPartition.objects.filter(entity="works").count() == 3

    code, out, _ = load(snapshot)
    assert code == 0
    assert "0 records" in out and "partitions: 0 loaded, 8 already loaded" in out


@pytest.mark.django_db
def test_a_merged_author_s_works_move_to_the_kept_record_and_the_old_address_redirects(
    snapshot, client
):
    load(snapshot)

    priem = Researcher.objects.get(openalex_id=PRIEM)
    assert priem.orcid == "0000-0001-6187-6610"
    assert not Researcher.objects.filter(openalex_id=DUPLICATE).exists()
    work = Work.objects.identified_by("openalex", "W2741809807").get()
    assert list(Authorship.objects.filter(researcher=priem).values_list("work", flat=True)) == [
        work.pk
    ]
    assert priem.works_count == 1
    assert work.authorships.count() == work.authors_count == 9
    response = client.get(f"/openalex/{DUPLICATE}")
    assert response.status_code == 302
    assert response["Location"] == priem.get_absolute_url()
    # The duplicate's own page address (it came first, so it had the plain slug) redirects too.
    old_slug = SlugRedirect.objects.get(researcher=priem).slug
    assert client.get(f"/researchers/{old_slug}/")["Location"] == priem.get_absolute_url()
    assert client.get(f"/openalex/{PRIEM}")["Location"] == priem.get_absolute_url()


@pytest.mark.django_db
def test_an_old_record_alone_takes_the_kept_id(snapshot, client):
    shutil.rmtree(snapshot.data / "authors" / "updated_date=2025-06-08")  # no Priem record
    snapshot.write_manifest("authors")

    code, _, err = load(snapshot)

    assert code == 0, err
    record = Researcher.objects.get(openalex_id=PRIEM)
    assert record.orcid is None  # the duplicate's record, under Priem's ID now
    assert client.get(f"/openalex/{DUPLICATE}")["Location"] == record.get_absolute_url()
    # Priem's own author record, in a later partition, fills in the same record.
    snapshot.partition("authors", "2025-06-20", sample(f"{PRIEM}.json"))
    assert load(snapshot)[0] == 0
    assert Researcher.objects.get(pk=record.pk).orcid == "0000-0001-6187-6610"
    assert Researcher.objects.count() == 11


@pytest.mark.django_db
def test_merged_works_add_the_other_id_and_two_held_works_stay_apart(snapshot):
    snapshot.merged(
        "works",
        "2025-06-12",
        ("W1000000001", "W2741809807"),  # only the kept one is here: the old ID joins it
        ("W2755950973", "W2741809807"),  # two works here: BZPEER does not merge works
        ("W1000000002", "W1000000003"),  # neither is here
    )

    code, out, err = load(snapshot)

    assert code == 1
    line = "merged_ids/works/2025-06-12.csv.gz line 3: W2755950973 into W2741809807"
    assert f"skipped {line}: " in err and "works are not merged" in err
    assert "merged works: 1 applied, 1 of IDs not held here" in out
    kept = Work.objects.identified_by("openalex", "W2741809807").get()
    assert Work.objects.identified_by("openalex", "W1000000001").get() == kept
    assert Work.objects.count() == 2


@pytest.mark.django_db
def test_a_claimed_old_record_waits_for_staff(snapshot):
    (snapshot.data / "merged_ids" / "authors" / "2025-06-08.csv.gz").unlink()
    load(snapshot)
    Researcher.objects.filter(openalex_id=DUPLICATE).update(owner=UserFactory(), claim_level=2)
    snapshot.merged("authors", "2025-06-08", (DUPLICATE, PRIEM))

    code, _, err = load(snapshot)

    assert code == 1
    assert f"{DUPLICATE} is claimed: staff decide whether it is {PRIEM}" in err
    assert Researcher.objects.filter(openalex_id__in=[DUPLICATE, PRIEM]).count() == 2


@pytest.mark.django_db
def test_malformed_pieces_are_reported_by_file_and_the_good_records_kept(snapshot):
    (snapshot.data / "institutions" / "manifest").unlink()
    authors = snapshot.data / "authors" / "updated_date=2025-06-08" / "part_000.gz"
    lines = gzip.decompress(authors.read_bytes()) + b'{"id": "https://openalex.org/A1", \n'
    authors.write_bytes(gzip.compress(lines))
    snapshot.write_manifest("authors")
    snapshot.partition("works", "2025-06-11", sample("W2741809807.json"))
    cut = snapshot.partition("works", "2025-05-12", page_work("W2755950973"), part="part_001")
    cut.write_bytes(cut.read_bytes()[:2000])
    (snapshot.data / "topics" / "updated_date=2025-06-16" / "part_000.gz").unlink()

    code, out, err = load(snapshot)

    assert code == 1
    assert "skipped institutions/manifest: missing" in err
    assert "skipped authors/updated_date=2025-06-08/part_000.gz line 2: not valid JSON" in err
    assert "skipped works/updated_date=2025-05-12/part_001.gz: cannot be read to its end" in err
    assert "skipped topics/updated_date=2025-06-16/part_000.gz: in the manifest but not" in err
    assert "works: 1 newer partition(s) wait until this one loads whole" in out
    assert "partitions: 4 loaded, 0 already loaded, 1 waiting" in out
    # The good records went in: Priem's author record, and both works of part_000.
    assert Researcher.objects.get(openalex_id=PRIEM).orcid == "0000-0001-6187-6610"
    assert Work.objects.count() == 2
    assert Institution.objects.filter(openalex_id="I27837315").count() == 0
    loaded = set(SnapshotPartition.objects.values_list("entity", flat=True))
    assert loaded == {"authors", "works", "sources", "merged_ids/authors"}

    # Once the files are whole, the next run reads what it could not, and what waited.
    snapshot.partition("works", "2025-05-12", page_work("W2755950973"), part="part_001")
    snapshot.partition("topics", "2025-06-16", sample("T11636.json"))
    snapshot.partition("institutions", "2025-06-17", sample("I27837315.json"))
    code, out, err = load(snapshot)
    assert code == 0, err
    assert "partitions: 4 loaded, 4 already loaded" in out
    assert Institution.objects.filter(openalex_id="I27837315").count() == 1


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing catches it."""


@pytest.mark.django_db
def test_a_partition_interrupted_in_the_middle_is_loaded_again(snapshot, monkeypatch):
    real = snapshot_module.run_import

    def dying_after_the_writes(paths, *args, **kwargs):
        summary = real(paths, *args, **kwargs)
        if "works/updated_date=2025-05-12" in str(paths[0]):
            raise Crash
        return summary

    monkeypatch.setattr(snapshot_module, "run_import", dying_after_the_writes)
    with pytest.raises(Crash):
        load(snapshot)
    assert Work.objects.count() == 2  # its records went in, but the partition is not done
    assert not SnapshotPartition.objects.filter(updated_date="2025-05-12").exists()

    monkeypatch.setattr(snapshot_module, "run_import", real)
    code, out, err = load(snapshot)

    assert code == 0, err
    assert (
        "works: 1 partition(s) already loaded (through updated_date=2025-05-02), 1 to load" in out
    )
    assert "1 records: 0 created, 0 updated, 1 unchanged" in out
    assert "merged authors: 1 applied" in out
    assert SnapshotPartition.objects.filter(entity="works").count() == 2


def test_a_manifest_naming_a_file_outside_its_entity_is_refused_whole(tmp_path):
    (tmp_path / "works").mkdir()
    for url in (
        "s3://openalex/data/authors/updated_date=2025-06-08/part_000.gz",
        "s3://openalex/data/works/updated_date=2025-06-08/../../../etc/passwd",
        "s3://openalex/data/works/part_000.gz",
    ):
        manifest = {"entries": [{"url": url, "meta": {"record_count": 1}}]}
        (tmp_path / "works" / "manifest").write_text(json.dumps(manifest))
        with pytest.raises(FileFormatError, match=r"works/manifest: entries\[0\] is not a file"):
            partitions(tmp_path, "works")
