"""Mapped CSV as R and Comtrade clients write it (issue 14, item 4).

The real files are UN Comtrade API output saved by R's comtradr (snake_case columns, read in
place from the shared data folder). Variants (R's ``write.csv``: a "" header for the row
names, ``NA`` for missing cells) are written by pandas into ``tmp_path``. Expected numbers
are pandas sums of the files, never tradestat's own output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tradestat.errors import ConfigError, Rejected
from tradestat.sources import MappedCsvReader
from tradestat.store import Store

TRADESTAT = Path(sys.executable).with_name("tradestat")
COMTRADR = "comtrade/comtradr"
SHAPED = 'source = "comtradr"\nshape = "comtrade"\n'
#: The same files named column by column, without the Comtrade shape.
PLAIN = """\
source = "comtradr"
[columns]
reporter = "reporter_iso"
partner = "partner_iso"
flow = "flow_code"
period = "period"
classification = "classification_code"
product = "cmd_code"
value = "primary_value"
regime = "customs_code"
"""


def tradestat(*args: str | Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADESTAT_")}
    return subprocess.run([str(TRADESTAT), *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def frame(path: Path) -> pd.DataFrame:
    """The file as pandas reads it: codes as text, values as numbers."""
    return pd.read_csv(path, dtype={"cmd_code": str, "customs_code": str})


def mapping(tmp_path: Path, text: str, name: str = "map.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def comtradr(shared_data: Path) -> Path:
    return shared_data / COMTRADR


@pytest.fixture(scope="module")
def shaped_store(comtradr: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every comtradr file ingested through the two-line Comtrade-shaped mapping (the
    folder given: one release per file)."""
    tmp = tmp_path_factory.mktemp("comtradr")
    proc = tradestat("ingest", "csv", comtradr, "--map", mapping(tmp, SHAPED), "--json",
                     "--store", tmp / "store")
    assert proc.returncode == 0, proc.stderr
    docs = json.loads(proc.stdout)
    files = sorted(comtradr.glob("*.csv"))
    assert [d["file"] for d in docs] == [f.name for f in files]
    assert [d["rows"] for d in docs] == [len(frame(f)) for f in files]
    assert all(d["notes"] == [] for d in docs)  # every row is C00: nothing hidden
    return tmp / "store"


def figure(store: Path, *args: str) -> dict:
    proc = tradestat("figure", *args, "--store", store, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _sum(df: pd.DataFrame, **where) -> float:
    for column, value in where.items():
        df = df[df[column] == value]
    assert len(df), where
    return float(df["primary_value"].sum())


@pytest.mark.parametrize(("name", "args", "where", "previous"), [
    ("chn_exports_kor_mex_usa_2012_2022.csv",
     ("--reporter", "CHN", "--flow", "export", "--product", "TOTAL", "--partner", "KOR",
      "--period", "2022"),
     {"reporter_iso": "CHN", "flow_code": "X", "partner_iso": "KOR", "cmd_code": "TOTAL"},
     True),
    ("usa_imports_4partners_2018_2022.csv",
     ("--reporter", "USA", "--flow", "import", "--product", "TOTAL", "--partner", "Germany",
      "--period", "2020"),
     {"reporter_iso": "USA", "flow_code": "M", "partner_iso": "DEU", "cmd_code": "TOTAL"},
     True),
    ("eu27_imports_hs44_world_2018_2022.csv",
     ("--reporter", "DEU", "--flow", "import", "--product", "48", "--period", "2020"),
     {"reporter_iso": "DEU", "flow_code": "M", "partner_code": 0, "cmd_code": "48"}, True),
    ("fra_deu_0306_2020.csv",
     ("--reporter", "FRA", "--flow", "export", "--product", "0306", "--period", "2020"),
     {"reporter_iso": "FRA", "flow_code": "X", "cmd_code": "0306"}, False),
    ("deu_0306_1990_h0.csv",
     ("--reporter", "276", "--flow", "import", "--product", "0306", "--period", "1990"),
     {"reporter_code": 280, "flow_code": "M", "cmd_code": "0306"}, False),
])
def test_comtradr_figures_equal_pandas_sums(shaped_store: Path, comtradr: Path, name: str,
                                            args: tuple, where: dict, previous: bool) -> None:
    df = frame(comtradr / name)
    year = int(args[-1])
    doc = figure(shaped_store, *args)
    assert doc["value"] == pytest.approx(_sum(df, period=year, **where), rel=1e-12)
    if previous:
        before = _sum(df, period=year - 1, **where)
        assert doc["previous"]["value"] == pytest.approx(before, rel=1e-12)
        assert doc["yoy_pct"] == pytest.approx((_sum(df, period=year, **where) / before - 1)
                                               * 100, rel=1e-9)


def test_by_hand_china_exports_to_korea_2022(shaped_store: Path) -> None:
    """One number read off the file by eye: CHN→KOR 2022, primary_value 162621428186.0."""
    doc = figure(shaped_store, "--reporter", "China", "--flow", "export", "--product",
                 "TOTAL", "--partner", "KOR", "--period", "2022")
    assert doc["value"] == 162_621_428_186.0


# -- R's write.csv: "" header of the row names, NA for missing cells ------------------------


def r_style(source: Path, target: Path, na: dict[tuple[int, str], None] | None = None) -> Path:
    """``source`` as R's ``write.csv`` writes a data frame: quoted text, a first column of
    row names headed "", and NA (unquoted) for every missing cell (plus the cells in
    ``na``)."""
    df = pd.read_csv(source, dtype=str, keep_default_na=False)
    for (row, column) in na or {}:
        df.loc[row, column] = ""

    def quoted(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    lines = [",".join(['""', *map(quoted, df.columns)])]
    for n, row in enumerate(df.itertuples(index=False), 1):
        lines.append(",".join([quoted(str(n)),
                               *("NA" if v == "" else quoted(v) for v in row)]))
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


@pytest.fixture
def r_file(comtradr: Path, tmp_path: Path) -> Path:
    path = r_style(comtradr / "chn_exports_kor_mex_usa_2012_2022.csv", tmp_path / "r.csv")
    header = path.read_text().splitlines()[0]
    assert header.startswith('"","type_code"')  # the row names' empty header
    assert ',"N/A",NA,' in path.read_text()  # missing quantities as R writes them
    return path


def test_r_file_with_declared_missing_reads_like_the_original(r_file: Path, comtradr: Path,
                                                               tmp_path: Path) -> None:
    text = SHAPED + '[formats]\nmissing = ["NA", ""]\n'
    result = MappedCsvReader(mapping(tmp_path, text)).read(r_file)
    assert result.n_problems == 0, result.problems
    original = frame(comtradr / "chn_exports_kor_mex_usa_2012_2022.csv")
    assert result.frame.height == len(original) == 33
    assert result.frame["value"].sum() == pytest.approx(original["primary_value"].sum(),
                                                        rel=1e-12)
    # a missing optional field is null; the unnamed row-name column is not read
    assert result.frame["quantity"].null_count() == original["qty"].isna().sum() == 9
    assert result.frame["cif_value_usd"].null_count() == original["cifvalue"].isna().sum()
    assert not any(c.startswith("_unnamed") for c in result.frame.columns)


def test_r_file_ingests_and_figures_match(r_file: Path, comtradr: Path,
                                          tmp_path: Path) -> None:
    text = SHAPED + '[formats]\nmissing = ["NA", ""]\n'
    store = tmp_path / "store"
    proc = tradestat("ingest", "csv", r_file, "--map", mapping(tmp_path, text), "--store",
                     store)
    assert proc.returncode == 0, proc.stderr
    df = frame(comtradr / "chn_exports_kor_mex_usa_2012_2022.csv")
    doc = figure(store, "--reporter", "CHN", "--flow", "export", "--product", "TOTAL",
                 "--partner", "MEX", "--period", "2015")
    assert doc["value"] == _sum(df, period=2015, partner_iso="MEX")


def test_r_file_without_declared_missing_is_rejected_at_the_na_cell(r_file: Path,
                                                                    tmp_path: Path) -> None:
    proc = tradestat("ingest", "csv", r_file, "--map", mapping(tmp_path, SHAPED), "--store",
                     tmp_path / "store")
    assert proc.returncode == 2
    first = proc.stderr.splitlines()[0]
    # the first NA the file holds in a mapped number column: line 2 (row 1), cifvalue
    assert first.startswith(f"error: {r_file}, line 2, column 'cifvalue': "
                            "non-numeric-value: 'NA' is not a number")
    assert not (tmp_path / "store").exists()


def test_a_missing_required_field_is_still_a_located_problem(comtradr: Path,
                                                             tmp_path: Path) -> None:
    path = r_style(comtradr / "chn_exports_kor_mex_usa_2012_2022.csv", tmp_path / "r.csv",
                   na={(4, "primary_value"): None})  # the 5th record: line 6
    text = SHAPED + '[formats]\nmissing = ["NA", ""]\n'
    with pytest.raises(Rejected) as info:
        Store(tmp_path / "store").ingest(MappedCsvReader(mapping(tmp_path, text)), path)
    assert [(p.line, p.column, p.code) for p in info.value.problems] == [
        (6, "primary_value", "missing-value")]


def test_unnamed_header_columns_are_ignored(tmp_path: Path) -> None:
    text = ('"",Partner,,Month,HS,Value,Flow\n'  # R's row names, and a column with no name
            '"1",USA,x,2024,8542,4,X\n"2",DEU,y,2024,8542,6,X\n')
    path = tmp_path / "m.csv"
    path.write_text(text)
    reader = MappedCsvReader(mapping(tmp_path, """\
[columns]
partner = "Partner"
period = "Month"
product = "HS"
value = "Value"
flow = "Flow"
[constants]
reporter = "CHN"
classification = "HS2017"
"""))
    result = reader.read(path)
    assert result.n_problems == 0, result.problems
    assert sorted(result.frame.select("partner", "value").rows()) == [("DEU", 6.0),
                                                                      ("USA", 4.0)]


# -- values the canonical fields spell differently ----------------------------------------


def test_without_the_shape_c00_rows_are_named_in_a_release_note(comtradr: Path,
                                                                tmp_path: Path) -> None:
    store = tmp_path / "store"
    path = comtradr / "fra_deu_0306_2020.csv"
    proc = tradestat("ingest", "csv", path, "--map", mapping(tmp_path, PLAIN), "--store", store)
    assert proc.returncode == 0, proc.stderr
    n = len(frame(path))
    assert f"note: regime 'C00' ({n} rows): default queries read only regime 'total'" in (
        proc.stdout)
    assert 'shape = "comtrade"' in proc.stdout and "[values.regime]" in proc.stdout
    # ... which is what happens: the default query sees none of them
    hidden = tradestat("figure", "--reporter", "FRA", "--flow", "export", "--product", "0306",
                       "--period", "2020", "--store", store)
    assert hidden.returncode == 2


def test_the_note_s_advice_maps_c00_to_the_total(comtradr: Path, tmp_path: Path) -> None:
    path = comtradr / "fra_deu_0306_2020.csv"
    text = PLAIN + '[values.regime]\nC00 = "total"\n'
    store = tmp_path / "store"
    proc = tradestat("ingest", "csv", path, "--map", mapping(tmp_path, text), "--json",
                     "--store", store)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["notes"] == []
    doc = figure(store, "--reporter", "DEU", "--flow", "import", "--product", "0306",
                 "--period", "2020")
    assert doc["value"] == _sum(frame(path), reporter_iso="DEU", flow_code="M")


def test_the_shape_keeps_other_customs_procedures_as_their_own_regime(
        comtradr: Path, tmp_path: Path) -> None:
    """A C01 breakdown beside the C00 total: stored as regime C01, named in the note, never
    added to the total."""
    df = pd.read_csv(comtradr / "fra_deu_0306_2020.csv", dtype=str, keep_default_na=False)
    extra = df.iloc[[0]].copy()
    extra["customs_code"], extra["primary_value"] = "C01", "1000.5"
    path = tmp_path / "with_c01.csv"
    pd.concat([df, extra]).to_csv(path, index=False)
    store = tmp_path / "store"
    proc = tradestat("ingest", "csv", path, "--map", mapping(tmp_path, SHAPED), "--json",
                     "--store", store)
    assert proc.returncode == 0, proc.stderr
    notes = json.loads(proc.stdout)["notes"]
    assert len(notes) == 1 and notes[0].startswith("regime 'C01' (1 row):")
    row = df.iloc[0]
    doc = figure(store, "--reporter", row["reporter_iso"], "--flow", "import", "--product",
                 "0306", "--period", "2020")
    assert doc["value"] == float(row["primary_value"])
    con = Store(store).connect()
    assert con.execute("SELECT regime, value FROM records WHERE regime <> 'total'"
                       ).fetchall() == [("C01", 1000.5)]


@pytest.mark.parametrize(("text", "key"), [
    (SHAPED.replace("comtrade", "eurostat"), "shape = 'eurostat'"),
    (SHAPED + "[formats]\nmissing = \"NA\"\n", "[formats] missing = 'NA'"),
    (SHAPED + "[formats]\nmissing = [1]\n", "[formats] missing"),
    ("shape = \"comtrade\"\n[columns]\nvalue = \"primary_value\"\n[formats]\nbogus = 1\n",
     "'bogus'"),
])
def test_mapping_errors_of_the_new_keys(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        MappedCsvReader(mapping(tmp_path, text))
    assert key in str(info.value) and "\n" not in str(info.value)


def test_a_shaped_mapping_names_the_comtrade_column_it_did_not_find(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("reporter_code,partner_code,flow_code,period,classification_code,"
                    "cmd_code\n156,0,X,2024,H6,8542\n")
    with pytest.raises(ConfigError) as info:
        MappedCsvReader(mapping(tmp_path, SHAPED)).read(path)
    assert "primaryValue or primary_value" in str(info.value)
    assert "'value'" in str(info.value)
