"""Start-up time of the command line (issue 16 item 7): whole processes, median of N.

Times, in one run and interleaved (so a busy machine slows all of them alike):

  baseline   python -c "import duckdb; duckdb.sql('select 1')"   (the plain-DuckDB process)
  help       tradestat --help
  figure     tradestat figure --reporter CHN --flow export --product 8542 --period 2024 --json
             on a store of the real Comtrade files (ingested first into a temporary store)
  check      tradestat check FILE of two sentences quoting Comtrade figures, on that store

and prints each one's median wall time and its ratio to the baseline, and the same for the
process's CPU time (user + system, from getrusage: on a machine others load, wall time
measures the queue as much as the program; CPU time does not). Targets (wall-time ratios):
help <= 2, figure <= 5.5, check <= 11.

    .venv/bin/python benchmarks/startup.py            # median of 5
    .venv/bin/python benchmarks/startup.py --repeat 9 --data /work/shared/data
    git worktree add /tmp/before 9e71ced              # and the same commands of an older tree,
    .venv/bin/python benchmarks/startup.py --before /tmp/before/src   # in the same run
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
FILES = ("hs8542_exports_annual_2013_2024.csv", "hs8542_exports_monthly_202501_202508.csv")
#: two sentences whose figures the store holds (China's HS 8542 exports, 2023 and 2024)
TEXT = ("China exported integrated circuits worth $159.7 billion in 2024. "
        "In 2023 Malaysia's exports of integrated circuits grew 5 % on 2022.\n")
TARGETS = {"help": 2.0, "figure": 5.5, "check": 11.0}


def tradestat() -> list[str]:
    exe = BIN / "tradestat"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "tradestat"]


def build(data: Path, root: Path) -> None:
    """The real Comtrade store: the annual and the monthly HS 8542 files, one release each."""
    for name in FILES:
        subprocess.run([*tradestat(), "ingest", "comtrade", str(data / "comtrade" / name),
                        "--store", str(root), "--json"], check=True, capture_output=True)


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 2):  # check exits 2 on a contradicted claim
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): "
                         f"{done.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu


def commands(root: Path, text: Path, before: Path | None) -> dict[str, list[str]]:
    ts = tradestat()
    cmds = {"baseline": [sys.executable, "-c", "import duckdb; duckdb.sql('select 1')"]}
    # the older tree runs as python -m tradestat with its src/ first on the path
    for suffix, run in (("", ts), ("@before", [sys.executable, "-m", "tradestat"])):
        if suffix and before is None:
            continue
        cmds |= {
            f"help{suffix}": [*run, "--help"],
            f"figure{suffix}": [*run, "figure", "--reporter", "CHN", "--flow", "export",
                                "--product", "8542", "--period", "2024", "--store", str(root),
                                "--json"],
            f"check{suffix}": [*run, "check", str(text), "--store", str(root)]}
    return cmds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data", type=Path, default=Path(
        os.environ.get("TRADESTAT_TEST_DATA", "/work/shared/data")))
    parser.add_argument("--before", type=Path, help="src/ of an older tree (git worktree) "
                        "whose commands are timed too, as NAME@before")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "TRADESTAT_STORE"}
    with tempfile.TemporaryDirectory(prefix="tradestat-startup-") as tmp:
        root, text = Path(tmp) / "store", Path(tmp) / "claims.txt"
        text.write_text(TEXT, encoding="utf-8")
        build(args.data, root)
        cmds = commands(root, text, args.before)
        old = env | {"PYTHONPATH": str(args.before)} if args.before else env
        envs = {name: old if name.endswith("@before") else env for name in cmds}
        for name, cmd in cmds.items():  # warm the OS's file cache and Python's bytecode
            timed(cmd, envs[name])
        times: dict[str, list[tuple[float, float]]] = {k: [] for k in cmds}
        for _ in range(args.repeat):
            for name, cmd in cmds.items():
                times[name].append(timed(cmd, envs[name]))
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; "
          f"median of {args.repeat}")
    base = [statistics.median(t[i] for t in times["baseline"]) for i in (0, 1)]
    print(f"{'command':<10} {'wall s':>8} {'ratio':>6} {'cpu s':>7} {'ratio':>6}  target (wall)")
    for name, values in times.items():
        wall, cpu = (statistics.median(t[i] for t in values) for i in (0, 1))
        target = TARGETS.get(name)  # none for the older tree's
        verdict = "" if target is None else (
            f"  <= {target:<4} {'met' if wall / base[0] <= target else 'MISSED'}")
        print(f"{name:<10} {wall:8.3f} {wall / base[0]:6.2f} {cpu:7.3f} {cpu / base[1]:6.2f}"
              f"{verdict}")


if __name__ == "__main__":
    main()
