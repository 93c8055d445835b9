import pytest

from profiles.models import Researcher
from tests.conftest import DEMO_FEED, run_command
from works import importer
from works.importing import batch
from works.models import Authorship, Work


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing catches it."""


@pytest.mark.django_db(transaction=True)
def test_a_rerun_after_a_crash_in_the_middle_completes_without_duplicates(monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 4)
    real = batch.records_import
    calls = []

    def crashing(*, records):
        calls.append(len(records))
        if len(calls) == 3:
            raise Crash
        return real(records=records)

    monkeypatch.setattr(importer, "records_import", crashing)
    with pytest.raises(Crash):
        run_command("import_arxiv", DEMO_FEED)
    assert Work.objects.count() == 8  # two batches of four went in, whole

    monkeypatch.setattr(importer, "records_import", real)
    code, out, _ = run_command("import_arxiv", DEMO_FEED)

    assert code == 0
    assert "5 created, 0 updated, 8 unchanged" in out
    assert Work.objects.count() == 13
    assert Authorship.objects.count() == 143
    assert Researcher.objects.count() == 82
    lillicrap = Researcher.objects.get(slug="timothy-lillicrap")
    assert lillicrap.works_count == 13
    assert not Researcher.objects.filter(stats_stale=True).exists()
