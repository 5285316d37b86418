"""The load runner's figures (NFR-1): percentiles by nearest rank."""

from bench.load import Measured


def test_percentiles_are_nearest_rank():
    # Of 20 answers, p95 is the 19th fastest — one slow answer alone is the p99, not the p95.
    figures = Measured(latencies_ms=[float(v) for v in range(20, 0, -1)]).summary()
    assert (figures["p50_ms"], figures["p95_ms"], figures["p99_ms"]) == (10.0, 19.0, 20.0)
    figures = Measured(latencies_ms=[float(v) for v in range(1, 61)]).summary()
    assert (figures["p50_ms"], figures["p95_ms"], figures["p99_ms"]) == (30.0, 57.0, 60.0)
    assert Measured().summary()["p95_ms"] is None
