"""Input that used to crash an import: a gzip file cut short past the part read to tell its
format, JSON nested deeper than Python recurses, OpenAlex's empty last page of a cursor, and
OpenAlex's 400 answer. And the progress line tells how much is written, not read ahead."""

import gzip
import json
import zlib

import pytest

from tests.conftest import FIXTURES, run_command
from tests.sources_server import Fault
from works import importer
from works.models import Work
from works.sources.formats import read_any

PRIEM_WORK = json.loads((FIXTURES / "W2741809807.json").read_text())
# OpenAlex's answer to GET /works/W1775749144?select=DOESNTEXIST as a VCR cassette recorded it,
# its list of fields shortened.
BAD_SELECT = (
    '{"error":"Invalid query parameters error.","message":"DOESNTEXIST is not a valid select '
    'field. Valid fields for select are: id, doi, title, display_name"}'
)


def distinct_works(count: int) -> list[dict]:
    """Copies of a real OpenAlex Work, each its own work (own IDs, own title)."""
    works = []
    for number in range(count):
        work = json.loads(json.dumps(PRIEM_WORK))
        work["id"] = work["ids"]["openalex"] = f"https://openalex.org/W9{number:09d}"
        work["doi"] = work["ids"]["doi"] = f"https://doi.org/10.5555/copy.{number}"
        del work["ids"]["pmid"], work["ids"]["pmcid"], work["ids"]["mag"]
        work["title"] = work["display_name"] = f"{PRIEM_WORK['title']}, copy {number}"
        works.append(work)
    return works


@pytest.mark.django_db
def test_a_gzip_file_cut_short_past_its_first_64_kb_keeps_its_complete_records(tmp_path):
    lines = "".join(json.dumps(work) + "\n" for work in distinct_works(12))
    # Stored, not compressed: the cut falls far past the 64 KB read to tell the format.
    data = gzip.compress(lines.encode(), compresslevel=0)
    cut = data[: len(data) * 2 // 3]
    assert len(cut) > 3 * (1 << 16)
    complete = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(cut).count(b"\n")
    path = tmp_path / "works.jsonl.gz"
    path.write_bytes(cut)

    code, out, err = run_command("import", path)

    assert code == 1
    assert "works.jsonl.gz" in err and "truncated file?" in err
    assert Work.objects.count() == complete > 0


@pytest.mark.django_db
def test_json_nested_too_deeply_is_one_bad_line_and_the_others_go_in(tmp_path):
    first, second = distinct_works(2)
    path = tmp_path / "works.jsonl"
    path.write_text(
        json.dumps(first) + "\n" + "[" * 200_000 + "]" * 200_000 + "\n" + json.dumps(second) + "\n"
    )

    code, out, err = run_command("import", path)

    assert code == 1
    assert "works.jsonl line 2: " in err and "nested too deeply" in err
    assert "1 skipped" in out
    assert Work.objects.count() == 2


@pytest.mark.django_db
def test_openalexs_empty_last_page_of_a_cursor_is_zero_records():
    code, out, err = run_command("import", FIXTURES / "works_cursor_page_2_last.json")
    assert code == 0, err
    assert "0 records" in out
    code, out, err = run_command("import_openalex", FIXTURES / "works_cursor_page_2_last.json")
    assert code == 0, err


@pytest.mark.django_db
@pytest.mark.usefixtures("quick")
def test_an_openalex_400_says_what_openalex_said(openalex):
    openalex.faults["works/W2741809807"] = [Fault(400, body=BAD_SELECT)]
    code, out, err = run_command("fetch", "openalex:W2741809807")
    assert code == 1
    assert "400" in err
    assert "DOESNTEXIST is not a valid select field" in err


@pytest.mark.django_db
def test_the_progress_line_never_claims_the_whole_file_while_records_remain(tmp_path, monkeypatch):
    path = tmp_path / "works.jsonl"
    path.write_text("".join(json.dumps(work) + "\n" for work in distinct_works(6)))
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 0.0)
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    lines: list[str] = []

    summary = importer.run_import([path], read_any, lines.append, refresh=False)

    assert summary.created == 6
    progress = [line for line in lines if line.startswith("works.jsonl:")]
    assert progress
    assert not [line for line in progress if "100%" in line or "about 0 s left" in line]
