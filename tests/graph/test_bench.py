from tests.conftest import run_benchmark


def test_the_graph_benchmark_prints_build_time_memory_and_serving_time():
    """`make bench-graph` runs this command."""
    lines = run_benchmark("bench_graph", "--works", 300, "--coauthors", 100)
    bench = next(line for line in lines if line.startswith("BENCH"))
    assert "300 works, 100 coauthors: slice built in" in bench
    assert "peak memory" in bench
    assert "cached slice served in" in bench
