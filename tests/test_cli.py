"""The command line, run as a user runs it: the installed ``tradestat`` entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TRADESTAT = Path(sys.executable).with_name("tradestat")
MONTHLY = "hs8542_exports_monthly_202501_202508.csv"

BAD_FILE = """\
Reporter,Partner,Flow,Period,HS,Value
CHN,USA,export,2024,854231,100
CHN,USA,export,2024,85423,100
CHN,USA,export,2024,854232,-1
"""
MAPPING = """\
[columns]
reporter = "Reporter"
partner = "Partner"
flow = "Flow"
period = "Period"
product = "HS"
value = "Value"
[constants]
classification = "HS2022"
"""


def tradestat(*args: str | Path, store: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADESTAT_")}
    cmd = [str(TRADESTAT), *map(str, args)]
    if store is not None:
        cmd += ["--store", str(store)]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120,
                          check=False)


def assert_one_line_error(proc: subprocess.CompletedProcess, code: int) -> str:
    assert proc.returncode == code, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    first = proc.stderr.splitlines()[0]
    assert first.startswith("error: ")
    return first


@pytest.fixture(scope="module")
def monthly(shared_data: Path) -> Path:
    return shared_data / "comtrade" / MONTHLY


@pytest.fixture
def bad_csv(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "map.toml").write_text(MAPPING)
    (tmp_path / "bad.csv").write_text(BAD_FILE)
    return tmp_path / "bad.csv", tmp_path / "map.toml"


def test_entry_point_is_installed() -> None:
    assert TRADESTAT.is_file(), f"{TRADESTAT} missing: pip install -e ."


def test_ingest_json_then_unchanged_then_releases(monthly: Path, store_dir: Path) -> None:
    n_rows = len(monthly.read_bytes().splitlines()) - 1  # every line but the header
    first = tradestat("ingest", "comtrade", monthly, "--json", store=store_dir)
    assert first.returncode == 0, first.stderr
    doc = json.loads(first.stdout)  # exactly one JSON document
    assert doc["status"] == "committed"
    assert doc["rows"] == n_rows == 396
    assert isinstance(doc["release"], str) and doc["release"]

    second = tradestat("ingest", "comtrade", monthly, "--json", store=store_dir)
    assert second.returncode == 0, second.stderr
    again = json.loads(second.stdout)
    assert again["status"] == "unchanged"
    assert again["release"] == doc["release"] and again["rows"] == n_rows

    listing = tradestat("releases", "--json", store=store_dir)
    assert listing.returncode == 0, listing.stderr
    releases = json.loads(listing.stdout)["releases"]
    assert [r["id"] for r in releases] == [doc["release"]]
    assert releases[0]["rows"] == n_rows


def test_human_output(monthly: Path, store_dir: Path) -> None:
    proc = tradestat("ingest", "comtrade", monthly, store=store_dir)
    assert proc.returncode == 0, proc.stderr
    assert f"{MONTHLY}: committed release" in proc.stdout and "396 rows" in proc.stdout
    assert tradestat("releases", store=store_dir).stdout.count(MONTHLY) == 1


@pytest.mark.parametrize("args", [
    ("ingest", "comtrade", "{monthly}", "--on-error", "bogus"),
    ("ingest", "comtrade", "{missing}"),
    ("ingest", "csv", "{monthly}", "--map", "{missing}"),
])
def test_bad_usage_exits_1(args, monthly: Path, store_dir: Path, tmp_path: Path) -> None:
    args = [a.format(monthly=monthly, missing=tmp_path / "nope.csv") for a in args]
    proc = tradestat(*args, store=store_dir)
    assert_one_line_error(proc, 1)
    assert not store_dir.exists()


def test_mapping_error_exits_1_naming_the_mapping(bad_csv, store_dir: Path) -> None:
    data, mapping = bad_csv
    mapping.write_text(MAPPING + "colour = 'red'\n")
    first = assert_one_line_error(
        tradestat("ingest", "csv", data, "--map", mapping, store=store_dir), 1)
    assert str(mapping) in first and "colour" in first


def test_rejected_file_exits_2_with_one_line_and_writes_nothing(bad_csv,
                                                                store_dir: Path) -> None:
    data, mapping = bad_csv
    proc = tradestat("ingest", "csv", data, "--map", mapping, store=store_dir)
    first = assert_one_line_error(proc, 2)
    assert f"{data}, line 3" in first and "bad-hs-code" in first
    assert "(and 1 more problem)" in first and "nothing was written" in first
    assert proc.stdout == ""
    assert not store_dir.exists()


def test_rejected_file_json_document(bad_csv, store_dir: Path) -> None:
    data, mapping = bad_csv
    proc = tradestat("ingest", "csv", data, "--map", mapping, "--json", store=store_dir)
    assert_one_line_error(proc, 2)
    doc = json.loads(proc.stdout)
    assert doc["ok"] is False and doc["status"] == "rejected" and doc["n_problems"] == 2
    assert [(p["line"], p["code"]) for p in doc["problems"]] == [(3, "bad-hs-code"),
                                                                 (4, "negative-value")]


def test_malformed_comtrade_file_exits_2(tmp_path: Path, store_dir: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(b'"freqCode","period"\r\n"A","2024","extra",\r\n\xff\xfe')
    assert_one_line_error(tradestat("ingest", "comtrade", path, store=store_dir), 2)
    assert not store_dir.exists()


def test_quarantine_prints_the_quarantine_path(bad_csv, store_dir: Path) -> None:
    data, mapping = bad_csv
    proc = tradestat("ingest", "csv", data, "--map", mapping, "--on-error", "quarantine",
                     "--json", store=store_dir)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["status"] == "committed" and doc["rows"] == 1 and doc["quarantined"] == 2
    quarantine = Path(doc["quarantine_file"])
    assert quarantine.is_file() and quarantine.is_relative_to(store_dir)
    assert quarantine.read_text().count("\n") == 3  # header and the two bad lines

    (store_dir.parent / "again.csv").write_text(BAD_FILE.replace("100\n", "101\n", 1))
    human = tradestat("ingest", "csv", store_dir.parent / "again.csv", "--map", mapping,
                      "--on-error", "quarantine", store=store_dir)
    assert human.returncode == 0, human.stderr
    assert "2 bad lines set aside in" in human.stdout
    assert "quarantine.csv" in human.stdout


def test_paths_with_glob_and_markup_characters(monthly: Path, tmp_path: Path) -> None:
    """File and store names are names, not glob patterns or Rich markup."""
    folder = tmp_path / "in[x]"
    folder.mkdir()
    data = folder / "m[2025]*.csv"
    data.write_bytes(monthly.read_bytes())
    store = tmp_path / "[" / "b]"
    proc = tradestat("ingest", "comtrade", data, store=store)
    assert proc.returncode == 0, proc.stderr
    assert "m[2025]*.csv: committed release" in proc.stdout
    listing = tradestat("releases", store=store)
    assert "m[2025]*.csv" in listing.stdout
    # a path that holds no store is an error naming it (a typo is not an empty store)
    empty = tradestat("releases", store=tmp_path / "[" / "nothing]")
    assert empty.returncode == 1, empty.stderr
    assert f"{tmp_path / '[' / 'nothing]'}: no tradestat store here" in empty.stderr

    from tradestat.store import Store

    rows = Store(store).connect().execute("SELECT count(*) FROM records").fetchone()
    assert rows == (396,)


def test_click_usage_errors_exit_1(store_dir: Path) -> None:
    proc = tradestat("ingest", "comtrade", "--no-such-option", store=store_dir)
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: No such option: --no-such-option")
    assert "Traceback" not in proc.stderr
    missing = tradestat("ingest", "csv", "x.csv", store=store_dir)
    assert missing.returncode == 1
    assert "--map" in missing.stderr.splitlines()[0]


def test_several_files_one_rejected_the_others_still_committed(
        monthly: Path, tmp_path: Path, store_dir: Path) -> None:
    garbage = tmp_path / "garbage.csv"
    garbage.write_text("a,b\n1,2\n")
    proc = tradestat("ingest", "comtrade", garbage, monthly, "--json", store=store_dir)
    assert proc.returncode == 2
    docs = json.loads(proc.stdout)
    assert [d.get("status") for d in docs] == ["rejected", "committed"]
    assert docs[0]["file"] == str(garbage)
    assert docs[1]["rows"] == len(monthly.read_bytes().splitlines()) - 1
    assert proc.stderr.count("error:") == 1
    listed = json.loads(tradestat("releases", "--json", store=store_dir).stdout)["releases"]
    assert [r["file_name"] for r in listed] == [monthly.name]


def test_a_reader_that_goes_away_gets_no_traceback() -> None:
    """`tradestat baskets list | head -1`: the pipe closes before the output is written."""
    proc = subprocess.Popen([sys.executable, "-m", "tradestat", "baskets", "list"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and "Error" not in err, err


#: Runs the CLI with a real SIGINT delivered while ``second.csv`` is being ingested (the
#: process signals itself from inside the ingest, as Ctrl-C in a terminal would).
INTERRUPTING = """
import os, signal, sys, time
from tradestat.store import Store
real = Store.ingest
def ingest(self, reader, path, **kw):
    if path.name == "second.csv":
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(30)
    return real(self, reader, path, **kw)
Store.ingest = ingest
from tradestat import cli
sys.argv = ["tradestat", *sys.argv[1:]]
cli.main()
"""


def _interrupted(*args: str | Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADESTAT_")}
    return subprocess.run([sys.executable, "-c", INTERRUPTING, *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def test_ctrl_c_during_the_only_ingest_says_nothing_was_written(
        monthly: Path, tmp_path: Path, store_dir: Path) -> None:
    second = tmp_path / "second.csv"
    second.write_bytes(monthly.read_bytes())
    proc = _interrupted("ingest", "comtrade", second, "--store", store_dir)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.strip() == "interrupted: nothing was written; the store is as it was"
    assert "Traceback" not in proc.stderr
    assert not (store_dir / "manifest.json").exists()


def test_ctrl_c_after_a_commit_names_what_was_written(monthly: Path, tmp_path: Path,
                                                      store_dir: Path) -> None:
    second = tmp_path / "second.csv"
    second.write_bytes(monthly.read_bytes())
    proc = _interrupted("ingest", "comtrade", monthly, second, "--store", store_dir)
    assert proc.returncode == 130, proc.stderr
    listing = json.loads(tradestat("releases", "--json", store=store_dir).stdout)["releases"]
    assert [r["file_name"] for r in listing] == [MONTHLY]
    n_rows = len(monthly.read_bytes().splitlines()) - 1
    line = proc.stderr.strip()
    assert line.startswith("interrupted: committed before the interrupt: ")
    assert f"{MONTHLY} (release {listing[0]['id']}, {n_rows:,} rows)" in line
    assert "second.csv" not in line.split(";")[0]


def test_releases_are_aligned_columns_with_notes_wrapped(shared_data: Path,
                                                         store_dir: Path) -> None:
    gacc = shared_data / "gacc" / "customs_tables_2019_2024.csv"
    for kind, f in (("comtrade", shared_data / "comtrade" / MONTHLY), ("gacc", gacc)):
        assert tradestat("ingest", kind, f, store=store_dir).returncode == 0
    lines = tradestat("releases", store=store_dir).stdout.splitlines()
    head, *rows = [ln for ln in lines if not ln.startswith(" ")]
    assert head.split() == ["release", "source", "rows", "file", "ingested", "published",
                            "supersedes"]
    # every column starts where its heading does; the rows column is right-aligned
    import re

    def spans(line: str) -> list[tuple[int, int]]:
        return [m.span() for m in re.finditer(r"\S+", line)]
    for i in (0, 1, 3, 4, 5, 6):
        assert {spans(r)[i][0] for r in rows} == {spans(head)[i][0]}, head.split()[i]
    assert {spans(r)[2][1] for r in rows} == {spans(head)[2][1]}
    assert rows[0].split()[2] == "396"
    notes = [ln for ln in lines if ln.startswith(" ")]
    assert notes and max(len(ln) for ln in notes) <= 80
    # wrapped at word boundaries: the words of the notes are the words of the manifest
    stored = json.loads(tradestat("releases", "--json", store=store_dir).stdout)["releases"]
    words = " ".join(n for r in stored for n in r["notes"]).split()
    shown = " ".join(ln.strip().removeprefix("note: ") for ln in notes).split()
    assert shown == words
