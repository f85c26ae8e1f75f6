"""Files and folders as users have them (issue 14, item 5): folders, ``.gz`` files (UN
Comtrade's bulk files come gzipped, tab-separated) and zip members.

The real Comtrade files are copied, gzipped or zipped into ``tmp_path``; expected rows and
sums come from pandas reading the originals.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from tradestat.errors import Rejected
from tradestat.sources import ComtradeReader, MappedCsvReader
from tradestat.store import Store

TRADESTAT = Path(sys.executable).with_name("tradestat")
ANNUAL = "hs8542_exports_annual_2013_2024.csv"
MONTHLY = "hs8542_exports_monthly_202501_202508.csv"
BULK = "COMTRADE-FINAL-CM156202501H6[2025-09-15].gz"  # comtradeapicall's bulk file names


def tradestat(*args: str | Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADESTAT_")}
    return subprocess.run([str(TRADESTAT), *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def comtrade(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="latin-1", dtype={"cmdCode": str}, index_col=False)


def total(store: Path) -> tuple[int, float]:
    values = [v for (v,) in Store(store).connect().execute(
        "SELECT value FROM all_records").fetchall()]
    return len(values), math.fsum(values)


@pytest.fixture(scope="module")
def originals(shared_data: Path) -> dict[str, Path]:
    return {n: shared_data / "comtrade" / n for n in (ANNUAL, MONTHLY)}


def tab_separated_gz(source: Path, target: Path) -> Path:
    """``source`` laid out as a Comtrade bulk file: tab-separated, gzipped."""
    rows = list(csv.reader(io.StringIO(source.read_bytes().decode("latin-1"), newline="")))
    width = len(rows[0]) - (rows[0][-1] == "")
    text = "".join("\t".join(r[:width]) + "\n" for r in rows)
    target.write_bytes(gzip.compress(text.encode("utf-8")))
    return target


def test_a_folder_is_every_matching_file_sorted_one_release_each(
        originals: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copy(originals[ANNUAL], folder / "b_annual.csv")
    (folder / "a_monthly.csv.gz").write_bytes(gzip.compress(originals[MONTHLY].read_bytes()))
    (folder / "README.md").write_text("not data")  # not a kind the reader reads: skipped
    (folder / ".hidden.csv").write_text("x")
    (folder / "sub").mkdir()  # subfolders are not entered
    shutil.copy(originals[MONTHLY], folder / "sub" / "m.csv")
    store = tmp_path / "store"
    proc = tradestat("ingest", "comtrade", folder, "--json", "--store", store)
    assert proc.returncode == 0, proc.stderr
    docs = json.loads(proc.stdout)
    assert [(d["file"], d["status"]) for d in docs] == [("a_monthly.csv.gz", "committed"),
                                                         ("b_annual.csv", "committed")]
    frames = [comtrade(originals[MONTHLY]), comtrade(originals[ANNUAL])]
    assert [d["rows"] for d in docs] == [len(f) for f in frames]
    rows, value = total(store)
    assert rows == sum(len(f) for f in frames)
    assert value == pytest.approx(math.fsum(pd.concat(frames)["primaryValue"]), rel=1e-13)
    # again: both unchanged (the .gz is recognised by its own bytes)
    again = json.loads(tradestat("ingest", "comtrade", folder, "--json", "--store",
                                 store).stdout)
    assert [d["status"] for d in again] == ["unchanged", "unchanged"]


def test_a_comtrade_bulk_file_gzipped_and_tab_separated(originals: dict[str, Path],
                                                        tmp_path: Path) -> None:
    bulk = tab_separated_gz(originals[MONTHLY], tmp_path / BULK)
    store = tmp_path / "store"
    proc = tradestat("ingest", "comtrade", bulk, "--json", "--store", store)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    df = comtrade(originals[MONTHLY])
    assert (doc["file"], doc["rows"]) == (BULK, len(df))
    assert total(store)[1] == pytest.approx(math.fsum(df["primaryValue"]), rel=1e-13)
    # the same numbers as the plain CSV gives
    figure = ["figure", "--reporter", "BRA", "--flow", "export", "--product", "8542",
              "--period", "2025-01..2025-08", "--json", "--store", store]
    value = json.loads(tradestat(*figure).stdout)["value"]
    brazil = df[(df.reporterISO == "BRA") & (df.partnerCode == 0) & (df.cmdCode == "8542")]
    assert len(brazil) == 8  # every month: the span is covered
    assert value == pytest.approx(math.fsum(brazil["primaryValue"]), rel=1e-13)


def test_zip_members_are_one_release(originals: dict[str, Path], tmp_path: Path) -> None:
    archive = tmp_path / "comtrade.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(originals[ANNUAL], f"data/{ANNUAL}")
        zf.write(originals[MONTHLY], MONTHLY)
        zf.writestr("notes.pdf", b"%PDF")  # not a kind the reader reads
    store = Store(tmp_path / "store")
    result = store.ingest(ComtradeReader(), archive)
    frames = [comtrade(p) for p in originals.values()]
    assert result.status == "committed" and result.release.file_name == "comtrade.zip"
    assert result.release.rows == sum(len(f) for f in frames)
    assert total(store.root)[1] == pytest.approx(
        math.fsum(pd.concat(frames)["primaryValue"]), rel=1e-13)
    assert store.ingest(ComtradeReader(), archive).status == "unchanged"


def test_a_bad_line_in_a_member_names_the_archive_and_member(originals: dict[str, Path],
                                                             tmp_path: Path) -> None:
    lines = originals[MONTHLY].read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b'"X"', b'"Q"', 1)  # line 4: an unknown flow
    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("m.csv", b"\n".join(lines))
    proc = tradestat("ingest", "comtrade", archive, "--store", tmp_path / "store")
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0].startswith(
        f"error: {archive / 'm.csv'}, line 4, column 'flowCode': unknown-flow: 'Q'")
    assert str(tmp_path / "store") not in proc.stderr  # no temporary path leaks out
    assert "tradestat-" not in proc.stderr


def test_a_record_in_two_members_is_refused(originals: dict[str, Path],
                                            tmp_path: Path) -> None:
    archive = tmp_path / "twice.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(originals[MONTHLY], "a.csv")
        zf.write(originals[MONTHLY], "b.csv")
    with pytest.raises(Rejected) as info:
        Store(tmp_path / "store").ingest(ComtradeReader(), archive)
    problem = info.value.problems[0]
    assert (problem.code, problem.path, problem.line) == ("duplicate-key",
                                                          str(archive / "b.csv"), 2)
    assert "line 2 of a.csv" in str(info.value)
    assert not list((tmp_path / "store" / "releases").iterdir())


@pytest.mark.parametrize(("name", "body", "words"), [
    ("cut.gz", None, "cut short"),
    ("junk.gz", b"not gzip at all", "damaged or cut short"),
    ("junk.zip", b"PK\x03\x04 not a zip", "not a readable zip archive"),
])
def test_damaged_archives_are_one_line_errors(originals: dict[str, Path], tmp_path: Path,
                                              name: str, body: bytes | None,
                                              words: str) -> None:
    path = tmp_path / name
    path.write_bytes(body if body is not None
                     else gzip.compress(originals[MONTHLY].read_bytes())[:5000])
    proc = tradestat("ingest", "comtrade", path, "--store", tmp_path / "store")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert proc.stderr.startswith(f"error: {path}: bad-archive:") and words in proc.stderr


def test_a_folder_with_nothing_to_read_is_a_one_line_error(originals: dict[str, Path],
                                                           tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt.bak").write_text("x")
    store = tmp_path / "store"
    proc = tradestat("ingest", "comtrade", empty, originals[MONTHLY], "--json", "--store",
                     store)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines() == [
        f"error: {empty}: no file to read in this folder (looked for .csv, .txt, .tsv, .gz, "
        ".zip)"]
    docs = json.loads(proc.stdout)
    assert [d.get("status") for d in docs] == [None, "committed"]  # the other file still is
    assert docs[0]["file"] == str(empty)


def test_mapped_csv_accepts_a_folder_of_gz_files(shared_data: Path, tmp_path: Path) -> None:
    comtradr = shared_data / "comtrade" / "comtradr"
    folder = tmp_path / "in"
    folder.mkdir()
    for f in sorted(comtradr.glob("*.csv"))[:2]:
        (folder / f"{f.name}.gz").write_bytes(gzip.compress(f.read_bytes()))
    mapping = tmp_path / "map.toml"
    mapping.write_text('source = "comtradr"\nshape = "comtrade"\n')
    proc = tradestat("ingest", "csv", folder, "--map", mapping, "--json", "--store",
                     tmp_path / "store")
    assert proc.returncode == 0, proc.stderr
    docs = json.loads(proc.stdout)
    expected = [len(pd.read_csv(f)) for f in sorted(comtradr.glob("*.csv"))[:2]]
    assert [d["rows"] for d in docs] == expected
    # and the reader on its own
    result = MappedCsvReader(mapping).read(sorted(comtradr.glob("*.csv"))[0])
    assert result.frame.height == expected[0]
