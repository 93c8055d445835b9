from tests.conftest import run_benchmark

PAGES = ["home", "profile", "works", "work", "search", "trust", "graph"]


def bench_lines(lines: list[str]) -> list[dict[str, str]]:
    """The `BENCH load a=1 b=2` lines as dicts."""
    return [
        dict(part.split("=", 1) for part in line.split()[2:])
        for line in lines
        if line.startswith("BENCH load ")
    ]


def test_it_serves_concurrent_visitors_without_errors_and_keeps_follower_counts_exact():
    """`make bench-load`, shorter: gunicorn on a throwaway database, visitors browsing while
    signed-in ones follow and unfollow."""
    # Most of the run is setting up (migrations, the demo's graph slices, gunicorn), so the
    # data is the demo and a couple of synthetic researchers, and the load is short. A visitor
    # follows at most every two seconds (loadtest.FOLLOW_GAP_SECONDS): four seconds give most
    # signed-in visitors a second toggle, often an unfollow, and eight of the ten are signed in.
    lines = run_benchmark(
        "bench_load", "--visitors", 10, "--seconds", 4, "--signed-in", 0.8, "--researchers", 2
    )
    bench = bench_lines(lines)
    totals = next(line for line in bench if "requests" in line and "kind" not in line)
    by_kind = {line["kind"]: line for line in bench if "kind" in line}
    follows = next(line for line in bench if "follower_counts" in line)
    assert totals["errors"] == "0"
    assert 0 < int(totals["p50_ms"]) <= int(totals["p95_ms"]) <= int(totals["p99_ms"])
    assert set(PAGES) <= set(by_kind)
    assert all(line["errors"] == "0" for line in by_kind.values())
    assert follows["follower_counts"] == "exact"
    assert follows["mismatched"] == "0"
    assert int(follows["follows"]) > 0
    assert int(by_kind["follow"]["requests"]) == int(follows["follows"])
