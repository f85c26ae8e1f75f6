"""HTTP API under load: 50 concurrent clients on loopback against GET /api/figure.

The server is ``tradestat.server.create_app`` under uvicorn in its own process (as ``tradestat
serve`` runs it), on the generated 20 M-row store of ``benchmarks/queries.py`` (built there, or
reused from ``benchmarks/.work/`` when its stamp matches). The clients are one asyncio process
(httpx, one connection per client, keep-alive); each sends its next request as soon as the
previous answer has arrived, until ``--requests`` have been sent in all. Three workloads:

  same      every request asks the same figure (CHN exports of 8542, 2025-01..2025-11)
  mix       requests cycle through 48 distinct figures (12 reporters x 2 products x 2 spans),
            each asked once before the load (for the expected value), so the load is answered
            from the server's cache
  uncached  the mix again against a server started with its answer cache off (cache_size=0):
            every request runs the query (still on the server's open DuckDB connection)

For each it prints p50/p90/p99/max latency, throughput, errors (a status other than 200, a
transport failure, or a value other than the one a lone request got) and the CPU time per
request of the server process and of the clients. The warm-up request (first query: imports,
opening the store) is timed separately. Target: p99 <= 100 ms with no errors.

    .venv/bin/python benchmarks/server.py                         # all three, 2,000 requests each
    .venv/bin/python benchmarks/server.py --workload mix --requests 5000 --json out.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from queries import WORK, build_store, machine  # noqa: E402

PERIODS = ("2025-01..2025-11", "2024")
PRODUCTS = ("8542", "8703")
SAME = {"reporter": "CHN", "flow": "export", "product": "8542", "period": "2025-01..2025-11"}
TARGET_P99_MS = 100.0

_SERVE = """
import sys, uvicorn
from tradestat.server import create_app
app = create_app(sys.argv[1], cache_size=int(sys.argv[3]), workers=int(sys.argv[4]))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning",
            access_log=False)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: Path, cache_size: int, workers: int) -> tuple[subprocess.Popen, str]:
    """uvicorn serving ``store`` in a child process; returns once it answers."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", _SERVE, str(store), str(port),
                             str(cache_size), str(workers)])
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/releases", timeout=5).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with status {proc.returncode}")
    proc.terminate()
    raise SystemExit("the server did not answer within 60 s")


def mix_queries(url: str, n_reporters: int = 12) -> list[dict]:
    """Distinct figure requests: reporters of the store x products x spans."""
    found = httpx.get(f"{url}/api/countries", timeout=60).json()["reporters"]
    codes = [r["code"] for r in found]
    chosen = ["CHN", *[c for c in codes if c != "CHN"][: n_reporters - 1]]
    return [{"reporter": r, "flow": "export", "product": p, "period": s}
            for r in chosen for p in PRODUCTS for s in PERIODS]


class Connection:
    """A minimal HTTP/1.1 keep-alive client (GET, Content-Length answers): httpx's async client
    costs ~4 ms of CPU a request, ten times the server's work for a cached figure, and the
    clients share the server's two cores."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, target: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split()[1])
        length = next(int(h.split(":", 1)[1]) for h in head
                      if h.lower().startswith("content-length:"))
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


async def _client(url: str, targets: list[tuple[str, float]], counter: list[int], total: int,
                  latencies: list[float], errors: list[str]) -> None:
    host, port = url.removeprefix("http://").split(":")
    conn = Connection(host, int(port))
    try:
        while counter[0] < total:
            i = counter[0]
            counter[0] += 1
            target, expected = targets[i % len(targets)]
            t0 = time.perf_counter()
            try:
                status, body = await conn.get(target)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                conn = Connection(host, int(port))
                continue
            finally:
                latencies.append(time.perf_counter() - t0)
            if status != 200:
                errors.append(f"{status}: {body[:120]!r}")
            elif not _same(json.loads(body)["value"], expected):
                errors.append(f"wrong value for {target}")
    finally:
        await conn.close()


def _same(a: float | None, b: float | None) -> bool:
    """Equal, up to the order of a parallel sum's additions."""
    return a == b or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9))


def prepare(url: str, queries: list[dict]) -> list[tuple[str, float | None]]:
    """Each request's target and the value a lone request got (what every answer must be)."""
    targets = []
    for q in queries:
        expected = httpx.get(f"{url}/api/figure", params=q, timeout=120).json()["value"]
        targets.append((f"/api/figure?{urlencode(q)}", expected))
    return targets


async def load(url: str, targets: list[tuple[str, float | None]], clients: int,
               total: int) -> dict:
    """``total`` requests from ``clients`` concurrent connections."""
    latencies: list[float] = []
    errors: list[str] = []
    counter = [0]
    t0 = time.perf_counter()
    await asyncio.gather(*(_client(url, targets, counter, total, latencies, errors)
                           for _ in range(clients)))
    wall = time.perf_counter() - t0
    return summarise(latencies, errors, wall)


def percentile(sorted_ms: list[float], q: float) -> float:
    """Nearest-rank percentile (the value below which q % of the requests fell)."""
    rank = max(1, -(-len(sorted_ms) * q // 100))
    return sorted_ms[int(rank) - 1]


def summarise(latencies: list[float], errors: list[str], wall: float) -> dict:
    ms = sorted(x * 1000 for x in latencies)
    return {"requests": len(ms), "errors": len(errors), "error_examples": errors[:3],
            "wall_s": round(wall, 2), "throughput_rps": round(len(ms) / wall, 1),
            "p50_ms": round(percentile(ms, 50), 1), "p90_ms": round(percentile(ms, 90), 1),
            "p99_ms": round(percentile(ms, 99), 1), "max_ms": round(ms[-1], 1),
            "mean_ms": round(statistics.fmean(ms), 1)}


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (all its threads) so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_workload(store: Path, workload: str, clients: int, total: int, workers: int) -> dict:
    proc, url = start_server(store, 0 if workload == "uncached" else 256, workers)
    try:
        t0 = time.perf_counter()
        first = httpx.get(f"{url}/api/figure", params=SAME, timeout=120)
        warmup = time.perf_counter() - t0
        if first.status_code != 200:
            raise SystemExit(f"warm-up failed: {first.status_code} {first.text[:200]}")
        queries = [SAME] if workload == "same" else mix_queries(url)
        targets = prepare(url, queries)
        load_before = os.getloadavg()[0]
        server_cpu, client_cpu = cpu_seconds(proc.pid), own_cpu()
        res = asyncio.run(load(url, targets, clients, total))
        server_cpu, client_cpu = cpu_seconds(proc.pid) - server_cpu, own_cpu() - client_cpu
        res |= {"server_cpu_ms_per_request": round(server_cpu * 1000 / res["requests"], 2),
                "client_cpu_ms_per_request": round(client_cpu * 1000 / res["requests"], 2)}
        return {"workload": workload, "clients": clients, "workers": workers,
                "distinct_queries": len(queries),
                "warmup_ms": round(warmup * 1000, 1), "load_avg_before": load_before,
                "load_avg_after": os.getloadavg()[0], **res,
                "value": first.json()["value"]}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def show(res: dict) -> None:
    met = res["p99_ms"] <= TARGET_P99_MS and res["errors"] == 0
    print(f"{res['workload']:<9} {res['clients']} clients, {res['requests']:,} requests "
          f"({res['distinct_queries']} distinct): p50 {res['p50_ms']} ms, p90 {res['p90_ms']} "
          f"ms, p99 {res['p99_ms']} ms, max {res['max_ms']} ms, {res['throughput_rps']} req/s, "
          f"errors {res['errors']}  [target p99 <= {TARGET_P99_MS:g} ms, no errors: "
          f"{'met' if met else 'MISSED'}]  (warm-up {res['warmup_ms']} ms; load "
          f"{res['load_avg_before']:.1f} -> {res['load_avg_after']:.1f}; CPU per request: "
          f"server {res['server_cpu_ms_per_request']} ms, clients "
          f"{res['client_cpu_ms_per_request']} ms)", flush=True)
    for e in res["error_examples"]:
        print(f"    e.g. {e}")


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=20_000_000, help="store size (generated)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--workers", type=int, default=4,
                    help="queries the server runs at once (create_app(workers=...))")
    ap.add_argument("--requests", type=int, default=2000, help="requests per workload")
    ap.add_argument("--workload", action="append", choices=("same", "mix", "uncached"),
                    help="repeat to pick several (default: all three)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    store, info = build_store(args.rows, args.seed, WORK)
    box = machine()
    print(f"store {store} ({info['rows']:,} rows); {box['cpus']} CPUs, load "
          f"{box['load_avg_start'][0]:.1f}; duckdb {box['duckdb']}", flush=True)
    results = []
    for workload in args.workload or ("same", "mix", "uncached"):
        results.append(run_workload(store, workload, args.clients, args.requests,
                                    args.workers))
        show(results[-1])
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "store": info,
                                         "results": results}, indent=2))
    return 0 if all(r["errors"] == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
