"""Write ``bench/RESULTS.md`` from the newest results file of each scale, followed by the
hand-written reading of them in ``bench/analysis.md``."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _mark(value, target, *, lower_is_better: bool = True) -> str:
    if value is None or target is None:
        return ""
    ok = value <= target if lower_is_better else value >= target
    return " ✅" if ok else " ❌"


def _scenario_rows(results: dict) -> list[str]:
    rows = ["| scenario | p50 ms | p95 ms | p99 ms | p95 target | req/s at 16 | req/s target "
            "| × ceiling | errors | load-gen CPU (c16) |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for _name, s in results["scenarios"].items():
        one, many = s["c1"], s.get("c16", {})
        errors = one["errors"] + many.get("errors", 0)
        rows.append(
            f"| {s['title']} | {one['p50_ms']} | {one['p95_ms']}"
            f"{_mark(one['p95_ms'], s.get('p95_target_ms'))} | {one['p99_ms']} | "
            f"{s.get('p95_target_ms') or ''} | {many.get('throughput_rps', '')}"
            f"{_mark(many.get('throughput_rps'), s.get('rps_target'), lower_is_better=False)}"
            f" | {s.get('rps_target') or ''} | {s.get('ratio_to_ceiling') or ''} | {errors} | "
            f"{many.get('loadgen_cpu_share', '')} |")
    return rows


def _section(results: dict) -> list[str]:
    m, data = results["machine"], results["data"]
    lines = [f"## {results['scale']} scale — {results['date']}", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; "
             f"commit `{m['commit']}`; " + ", ".join(f"{k} {v}" for k, v in
                                                   m["versions"].items()) + ".",
             f"Served by gunicorn, {results['workers']} sync workers, on 127.0.0.1; the load "
             "generator is a Python process on the same machine (its CPU share of one core is "
             "in the last column).", "",
             "Data set: " + ", ".join(f"{v:,} {k}" for k, v in data["counts"].items()) + ".",
             f"Generated in {data['generate_seconds']} s (migrations "
             f"{data['migrate_seconds']} s more), generator peak memory "
             f"{data['generate_peak_rss_mb']} MB.", "",
             "Latency at concurrency 1; throughput at concurrency 16 (on two cores, latency "
             "at 16 is queueing and is in the JSON file only).", ""]
    lines += _scenario_rows(results)
    scan = results.get("breach_scan", {})
    if scan:
        lines += ["", f"Breach scan: one run over all {scan['open_clocks']:,} open clocks "
                      f"{scan['steady_run_seconds']} s (target ≤ 1 s"
                      f"{_mark(scan['steady_run_seconds'], 1.0)}); a backlog of "
                      f"{scan['backlog_clocks']:,} unrecorded breaches on "
                      f"{scan['backlog_orders']:,} orders took {scan['backlog_seconds']} s = "
                      f"{scan['orders_per_second']} orders/s (target ≥ 2,000"
                      f"{_mark(scan['orders_per_second'], 2000, lower_is_better=False)})."]
    exp = results.get("export", {})
    if exp:
        lines += ["", f"Export of {exp['rows_about']:,} work orders as CSV (streamed): p50 "
                      f"{exp['p50_ms']} ms, worst {exp['p99_ms']} ms (target ≤ 5,000 ms"
                      f"{_mark(exp['p99_ms'], 5000)}); worker RSS before "
                      f"{exp['rss_before_mb']} MB, after {exp['rss_after_mb']} MB."]
    imp = results.get("import", {})
    if imp and "error" not in imp and imp["errors"]:
        lines += ["", f"Import of {imp['rows']:,} people: {imp['errors']:,} rows refused "
                      f"({imp['first_errors']}); not a measurement."]
    elif imp and "error" not in imp:
        # The targets are for 100,000 rows: a smaller file is only compared by its rate.
        full = imp["rows"] >= 100_000
        per_100k = round(imp["total_seconds"] * 100_000 / imp["rows"]) if imp["rows"] else 0
        lines += ["", f"Import of {imp['rows']:,} people from .xlsx ({imp['file_mb']} MB): "
                      f"check {imp['check_seconds']} s + write {imp['write_seconds']} s = "
                      f"{imp['total_seconds']} s"
                      + (f" (target ≤ 60 s{_mark(imp['total_seconds'], 60)})" if full else
                         f" (at this rate 100,000 rows take about {per_100k:,} s; target 60 s)")
                      + f", peak {imp['peak_rss_mb']} MB (target ≤ 500 MB for 100,000 rows"
                      f"{_mark(imp['peak_rss_mb'], 500) if full else ''}); "
                      f"{imp['written']:,} written, {imp['errors']} errors."]
    elif imp:
        lines += ["", f"Import failed: `{imp['error'][-300:]}`"]
    workers = results.get("web_workers", {})
    if workers:
        peaks = [w.get("VmHWM") for w in workers.values()]
        lines += ["", f"Web workers' peak RSS: {peaks} MB (target ≤ 250 MB"
                      f"{_mark(max(p or 0 for p in peaks), 250)})."]
    out = results.get("scale_out", {})
    if out and "error" not in out:
        spread = {w: sum(t.values()) for w, t in out["tasks_per_worker"].items()}
        lines += ["", f"Scale-out: two Celery workers on Redis worked a backlog of "
                      f"{out['backlog_clocks']:,} breaches in {out['seconds']} s; tasks per "
                      f"worker {spread} ({out['tasks_per_worker']})."]
    elif out:
        lines += ["", f"Scale-out failed: `{out['error']}`"]
    return [*lines, ""]


def write_results_md() -> None:
    newest: dict[str, dict] = {}
    for path in sorted((HERE / "results").glob("*.json")):
        results = json.loads(path.read_text())
        newest[results["scale"]] = results
    lines = ["# Benchmark results", "",
             "Written by `make bench` (bench/report.py) from the newest file of each scale in "
             "`bench/results/`; the reading below the tables is written by hand "
             "(bench/analysis.md). ✅/❌ compare with the targets of the issues (NFR-1).", ""]
    for scale in ("full", "small"):
        if scale in newest:
            lines += _section(newest[scale])
    analysis = HERE / "analysis.md"
    if analysis.exists():
        lines += [analysis.read_text().rstrip(), ""]
    (HERE / "RESULTS.md").write_text("\n".join(lines))


if __name__ == "__main__":
    write_results_md()
