"""The load runner: HTTP requests on keep-alive connections from threads, timed per request.

Latency is measured at concurrency 1 (one client, back to back); throughput at concurrency
16 (sixteen clients for a fixed time). The runner's own CPU time is taken from the process
so the results say how much of the two cores the load itself used.
"""

from __future__ import annotations

import http.client
import json
import math
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# method, path, JSON body, and optionally headers of this request only
Request = tuple[str, str, dict | None] | tuple[str, str, dict | None, dict[str, str]]
Maker = Callable[[int], Request]                # the n-th request of a scenario


@dataclass
class Scenario:
    name: str
    title: str
    make: Maker
    headers: dict[str, str]
    expect: tuple[int, ...] = (200,)
    p95_target_ms: float | None = None
    rps_target: float | None = None
    stream: bool = False                # read the body in chunks (exports)
    throughput: bool = True             # also run at concurrency 16
    requests: int = 0                   # at concurrency 1; 0: the runner's default


@dataclass
class Sample:
    seconds: float
    status: int
    size: int


@dataclass
class Measured:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_examples: list[str] = field(default_factory=list)
    wall: float = 0.0
    cpu: float = 0.0
    bytes: int = 0

    def summary(self) -> dict:
        values = sorted(self.latencies_ms)
        n = len(values)

        def pct(p: float) -> float | None:
            """The nearest-rank percentile: the smallest value with at least ``p`` of the
            values at or below it (of 20, p95 is the 19th)."""
            if not values:
                return None
            return round(values[min(n - 1, max(0, math.ceil(p * n) - 1))], 2)

        return {
            "requests": n + self.errors, "errors": self.errors,
            "error_examples": self.error_examples[:3],
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "mean_ms": round(statistics.fmean(values), 2) if values else None,
            "throughput_rps": round(n / self.wall, 1) if self.wall else None,
            "seconds": round(self.wall, 2), "loadgen_cpu_seconds": round(self.cpu, 2),
            "loadgen_cpu_share": round(self.cpu / self.wall, 2) if self.wall else None,
            "bytes": self.bytes,
        }


class Client:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.conn = http.client.HTTPConnection(host, port, timeout=120)

    def send(self, method: str, path: str, body: dict | None, headers: dict[str, str],
             stream: bool) -> Sample:
        payload = json.dumps(body).encode() if body is not None else None
        all_headers = {"X-Forwarded-Proto": "https", **headers}
        if payload is not None:
            all_headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=payload, headers=all_headers)
            response = self.conn.getresponse()
            size = 0
            if stream:
                while chunk := response.read(65536):
                    size += len(chunk)
            else:
                size = len(response.read())
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            raise
        return Sample(time.perf_counter() - started, response.status, size)


def _record(measured: Measured, lock: threading.Lock, scenario: Scenario, sample: Sample,
            path: str) -> None:
    with lock:
        measured.bytes += sample.size
        if sample.status in scenario.expect:
            measured.latencies_ms.append(sample.seconds * 1000)
        else:
            measured.errors += 1
            measured.error_examples.append(f"{sample.status} {path}")


def run(scenario: Scenario, host: str, port: int, *, concurrency: int, requests: int = 0,
        seconds: float = 0, start_at: int = 0) -> Measured:
    """``requests`` in all (shared by the clients), or as many as fit in ``seconds``."""
    measured, lock = Measured(), threading.Lock()
    counter = iter(range(start_at, start_at + (requests or 10**9)))
    deadline = time.monotonic() + seconds if seconds else None

    def worker() -> None:
        client = Client(host, port)
        while deadline is None or time.monotonic() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            method, path, body, *own = scenario.make(n)
            headers = {**scenario.headers, **own[0]} if own else scenario.headers
            try:
                sample = client.send(method, path, body, headers, scenario.stream)
            except (http.client.HTTPException, OSError) as exc:
                with lock:
                    measured.errors += 1
                    measured.error_examples.append(f"{type(exc).__name__} {path}")
                continue
            _record(measured, lock, scenario, sample, path)

    cpu0, wall0 = time.process_time(), time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    measured.wall = time.perf_counter() - wall0
    measured.cpu = time.process_time() - cpu0
    return measured
