"""Readers: Comtrade portal/API CSV and mapped CSV, and the typed problem catalogue.

Real Comtrade files are read in place from the shared data folder; every variant or crafted
file is built in ``tmp_path``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest

from tradestat.errors import ConfigError, NoStoreError, Rejected, TradestatError
from tradestat.sources import ComtradeReader, MappedCsvReader
from tradestat.store import Store
from tradestat.store.store import canonical_frame

ANNUAL = "hs8542_exports_annual_2013_2024.csv"
MONTHLY = "hs8542_exports_monthly_202501_202508.csv"


@pytest.fixture(scope="module")
def annual(shared_data: Path) -> Path:
    return shared_data / "comtrade" / ANNUAL


def _canonical(path: Path) -> pl.DataFrame:
    """The reader's rows as the store would write them (fixed release id)."""
    result = ComtradeReader().read(path)
    assert result.n_problems == 0, result.problems
    return canonical_frame(result.frame, result.source, "r")


def _raw_rows(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("latin-1")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    return [dict(zip(header, r, strict=False)) for r in rows[1:]]


# -- Comtrade: the real files --------------------------------------------------------------


def test_real_annual_file_reads_clean(annual: Path) -> None:
    result = ComtradeReader().read(annual)
    frame = canonical_frame(result.frame, result.source, "r")
    assert result.n_problems == 0 and result.quarantine.height == 0
    assert frame.height == 1686
    assert frame["reporter"].n_unique() == 180
    assert set(frame["flow"]) == {"export"}
    assert set(frame["freq"]) == {"A"}
    assert (frame["year"].min(), frame["year"].max()) == (2013, 2024)
    assert set(frame["partner"]) == {"WLD"} and set(frame["partner_code"]) == {"0"}
    assert set(frame["product"]) == {"8542"}
    assert set(frame["classification"]) <= {f"HS{y}" for y in (1992, 1996, 2002, 2007, 2012,
                                                                2017, 2022)}
    assert set(frame["regime"]) == {"total"}


def test_real_annual_reporter_codes_and_values(annual: Path) -> None:
    frame = _canonical(annual)
    by_code = dict(frame.select("reporter_code", "reporter").unique().iter_rows())
    assert by_code["490"] == "S19"
    assert by_code["842"] == "USA"
    assert by_code["384"] == "CIV"  # the Latin-1 "Côte d'Ivoire" line
    raw = {(r["reporterCode"], r["period"]): r for r in _raw_rows(annual)}
    for row in frame.filter(pl.col("reporter_code").is_in(["490", "842"])).iter_rows(named=True):
        source = raw[(row["reporter_code"], str(row["period"]))]
        assert row["value"] == row["value_usd"] == float(source["primaryValue"])
        assert row["fob_value_usd"] == (float(source["fobvalue"]) if source["fobvalue"]
                                        else None)
        assert row["net_weight_kg"] == (float(source["netWgt"]) if source["netWgt"] else None)
        assert row["valuation"] == "FOB" and row["currency"] == "USD"


def test_real_monthly_file_is_monthly(shared_data: Path) -> None:
    frame = _canonical(shared_data / "comtrade" / MONTHLY)
    assert frame.height == 396
    assert set(frame["freq"]) == {"M"}
    assert frame["period"].min() == 202501 and frame["period"].max() == 202508
    assert set(frame["month"]) <= set(range(1, 9)) and set(frame["year"]) == {2025}


def _strip_trailing_comma(text: str, eol: str) -> str:
    return eol.join(line[:-1] if line.endswith(",") else line for line in text.split(eol))


VARIANTS = {
    "utf-8": lambda b: b.decode("latin-1").encode("utf-8"),
    "utf-8 with BOM": lambda b: b"\xef\xbb\xbf" + b.decode("latin-1").encode("utf-8"),
    "latin-1, LF": lambda b: b.replace(b"\r\n", b"\n"),
    "utf-8, LF": lambda b: b.decode("latin-1").replace("\r\n", "\n").encode("utf-8"),
    "no trailing comma": lambda b: _strip_trailing_comma(b.decode("latin-1"), "\r\n")
    .encode("latin-1"),
    "BOM, LF, no trailing comma": lambda b: b"\xef\xbb\xbf" + _strip_trailing_comma(
        b.decode("latin-1").replace("\r\n", "\n"), "\n").encode("utf-8"),
    "no final line end": lambda b: b.rstrip(b"\r\n"),
    "UTF-16 with BOM (Excel 'Unicode text')": lambda b: b.decode("latin-1").encode("utf-16"),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_comtrade_variants_give_identical_frames(annual: Path, tmp_path: Path,
                                                 variant: str) -> None:
    original = annual.read_bytes()
    changed = VARIANTS[variant](original)
    assert changed != original
    path = tmp_path / "variant.csv"
    path.write_bytes(changed)
    assert _canonical(path).equals(_canonical(annual))


# -- Comtrade: crafted files -----------------------------------------------------------------


@pytest.fixture(scope="module")
def template(annual: Path) -> tuple[list[str], dict[str, str]]:
    """The real header and its first data row, to build crafted records from."""
    text = annual.read_bytes().decode("latin-1")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    return header, dict(zip(header, rows[1][: len(header)], strict=True))


def comtrade_bytes(template: tuple[list[str], dict[str, str]], records: list[dict],
                   encoding: str = "latin-1") -> bytes:
    """Records written the way the portal does: all quoted, CRLF, trailing comma."""
    header, base = template
    lines = [",".join(header)]
    for rec in records:
        row = {**base, **{k: str(v) for k, v in rec.items()}}
        lines.append(",".join(f'"{row[h]}"' if row[h] != "" else "" for h in header) + ",")
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def write_comtrade(tmp_path: Path, template, records: list[dict], name: str = "ct.csv",
                   encoding: str = "latin-1") -> Path:
    path = tmp_path / name
    path.write_bytes(comtrade_bytes(template, records, encoding))
    return path


def test_comtrade_code_mappings(tmp_path: Path, template) -> None:
    records = [
        {"flowCode": "X", "reporterCode": "842", "cmdCode": "0101", "classificationCode": "H0"},
        {"flowCode": "M", "reporterCode": "842", "cmdCode": "0101", "classificationCode": "H1",
         "cifvalue": "12.5", "primaryValue": "12.5", "fobvalue": ""},
        {"flowCode": "RX", "reporterCode": "842", "cmdCode": "0101", "classificationCode": "H2"},
        {"flowCode": "RM", "reporterCode": "842", "cmdCode": "0101", "classificationCode": "H3"},
        {"flowCode": "X", "reporterCode": "490", "cmdCode": "010121",
         "classificationCode": "H4"},
        {"flowCode": "X", "reporterCode": "490", "cmdCode": "010121", "classificationCode": "H5",
         "period": "2014", "refYear": "2014"},
        {"flowCode": "X", "reporterCode": "490", "cmdCode": "010121", "classificationCode": "H6",
         "period": "2015", "partnerCode": "842", "qty": "7", "netWgt": "3.5"},
    ]
    result = ComtradeReader().read(write_comtrade(tmp_path, template, records))
    assert result.n_problems == 0, result.problems
    rows = canonical_frame(result.frame, "comtrade", "r").sort("classification").to_dicts()
    assert [r["flow"] for r in rows] == ["export", "import", "re-export", "re-import",
                                         "export", "export", "export"]
    assert [r["classification"] for r in rows] == ["HS1992", "HS1996", "HS2002", "HS2007",
                                                   "HS2012", "HS2017", "HS2022"]
    assert [r["valuation"] for r in rows] == ["FOB", "CIF", "FOB", "CIF", "FOB", "FOB", "FOB"]
    assert [(r["reporter"], r["reporter_code"]) for r in rows] == [("USA", "842")] * 4 + [
        ("S19", "490")] * 3
    assert [r["product"] for r in rows] == ["0101"] * 4 + ["010121"] * 3
    assert rows[1]["cif_value_usd"] == rows[1]["value_usd"] == 12.5
    assert rows[1]["fob_value_usd"] is None
    assert (rows[0]["partner"], rows[0]["partner_code"]) == ("WLD", "0")
    assert (rows[6]["partner"], rows[6]["partner_code"]) == ("USA", "842")
    assert (rows[6]["quantity"], rows[6]["net_weight_kg"]) == (7.0, 3.5)


def test_comtrade_monthly_freq(tmp_path: Path, template) -> None:
    records = [{"freqCode": "M", "period": f"2024{m:02d}", "refMonth": str(m)}
               for m in (1, 2, 12)]
    result = ComtradeReader().read(write_comtrade(tmp_path, template, records))
    frame = canonical_frame(result.frame, "comtrade", "r")
    assert result.n_problems == 0
    assert frame["freq"].to_list() == ["M"] * 3
    assert frame["period"].to_list() == [202401, 202402, 202412]
    assert frame["month"].to_list() == [1, 2, 12]


def test_comtrade_breakdowns_are_dropped_when_the_total_is_present(tmp_path: Path,
                                                                   template) -> None:
    total = {"primaryValue": "100", "fobvalue": "100"}
    records = [
        {**total},
        {"partner2Code": "156", "primaryValue": "60"},
        {"partner2Code": "251", "primaryValue": "40"},
        {"motCode": "1000", "primaryValue": "70"},
        {"motCode": "2000", "primaryValue": "30"},
        # another record (reporter 842) with its total and one breakdown
        {"reporterCode": "842", "primaryValue": "5"},
        {"reporterCode": "842", "partner2Code": "124", "primaryValue": "5"},
    ]
    path = write_comtrade(tmp_path, template, records)
    result = ComtradeReader().read(path)
    assert result.n_problems == 0
    assert result.frame.height == 2
    assert sorted(result.frame["value"].to_list()) == [5.0, 100.0]
    assert any("5 breakdown rows" in n for n in result.notes)

    store = Store(tmp_path / "store")
    res = store.ingest(ComtradeReader(), path)
    assert res.status == "committed" and res.release.rows == 2
    con = store.connect()
    got = con.execute("SELECT reporter, sum(value_usd), count(*) FROM records "
                      "GROUP BY reporter ORDER BY reporter").fetchall()
    assert got == [("ALB", 100.0, 1), ("USA", 5.0, 1)]


def test_comtrade_breakdown_without_total_is_a_problem(tmp_path: Path, template) -> None:
    records = [{"primaryValue": "100"}, {"reporterCode": "842", "motCode": "1000"}]
    result = ComtradeReader().read(write_comtrade(tmp_path, template, records))
    got = set(result.problems.select("line", "code").iter_rows())
    assert got == {(3, "breakdown-without-total")}


def test_comtrade_customs_regimes_are_kept_apart(tmp_path: Path, template) -> None:
    records = [{"customsCode": "C00", "primaryValue": "100"},
               {"customsCode": "C01", "primaryValue": "30"},
               {"customsCode": "C02", "primaryValue": "70"}]
    result = ComtradeReader().read(write_comtrade(tmp_path, template, records))
    assert result.n_problems == 0
    got = dict(result.frame.select("regime", "value").iter_rows())
    assert got == {"total": 100.0, "C01": 30.0, "C02": 70.0}


def test_comtrade_product_codes_keep_leading_zeros_in_the_store(tmp_path: Path,
                                                                template) -> None:
    records = [{"cmdCode": "0101"}, {"cmdCode": "010121"}, {"cmdCode": "TOTAL"}]
    store = Store(tmp_path / "store")
    store.ingest(ComtradeReader(), write_comtrade(tmp_path, template, records))
    products = store.connect().execute(
        "SELECT product FROM records ORDER BY product").fetchall()
    assert products == [("0101",), ("010121",), ("TOTAL",)]


@pytest.mark.parametrize("encoding", ["latin-1", "utf-8", "utf-8-sig"])
def test_comtrade_encoding_is_detected(tmp_path: Path, template, encoding: str) -> None:
    """Latin-1, UTF-8 and UTF-8 with BOM all read the same, untold."""
    records = [{"reporterCode": "384", "reporterDesc": "Côte d'Ivoire"},
               {"reporterCode": "384", "reporterDesc": "Côte d'Ivoire", "period": "bad"}]
    result = ComtradeReader().read(write_comtrade(tmp_path, template, records,
                                                  encoding=encoding))
    assert result.frame["reporter"].to_list() == ["CIV"]
    assert result.quarantine["reporterDesc"].to_list() == ["Côte d'Ivoire"]


def test_comtrade_missing_required_column_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('"a","b"\r\n"1","2"\r\n')
    with pytest.raises(Rejected) as info:
        ComtradeReader().read(path)
    assert info.value.problems[0].code == "missing-column"
    assert "\n" not in str(info.value)


# -- Mapped CSV ----------------------------------------------------------------------------

MAPPING = """\
source = "ministry"
{options}
[columns]
partner = "Partner"
period = "Month"
product = "HS"
value = "Value"
flow = "Flow"
[constants]
reporter = "CHN"
classification = "HS2017"
{extra}
"""


def write_mapping(tmp_path: Path, options: str = "", extra: str = "",
                  text: str | None = None) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(text if text is not None else MAPPING.format(options=options, extra=extra))
    return path


def write_csv(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "m.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read_mapped(tmp_path: Path, csv_text: str, options: str = "", extra: str = "",
                encoding: str = "utf-8"):
    reader = MappedCsvReader(write_mapping(tmp_path, options, extra))
    return reader.read(write_csv(tmp_path, csv_text, encoding))


def test_mapped_constants_units_vocabulary_and_delimiter(tmp_path: Path) -> None:
    text = ("Partner;Month;HS;Value;Flow\n"
            "USA;2024-01;0101;1.5;Ausfuhr\n"
            "Germany;2024-02;854231;2;Einfuhr\n")
    extra = ('[units]\nvalue = "thousand"\n[formats]\nperiod = "YYYY-MM"\n'
             '[values.flow]\nAusfuhr = "export"\nEinfuhr = "import"\n')
    result = read_mapped(tmp_path, text, options='delimiter = ";"', extra=extra)
    assert result.n_problems == 0, result.problems
    frame = canonical_frame(result.frame, result.source, "r")
    assert result.source == "ministry"
    assert frame.select("reporter", "partner", "flow", "freq", "period", "product",
                        "value", "value_usd", "classification").rows() == [
        ("CHN", "USA", "export", "M", 202401, "0101", 1500.0, 1500.0, "HS2017"),
        ("CHN", "DEU", "import", "M", 202402, "854231", 2000.0, 2000.0, "HS2017"),
    ]


@pytest.mark.parametrize(("unit", "factor"), [("thousand", 1e3), ("million", 1e6),
                                              ("1000", 1e3), (100, 100.0), (0.5, 0.5),
                                              ('"US$ 1,000"', 1e3)])
def test_mapped_unit_multipliers(tmp_path: Path, unit, factor: float) -> None:
    value = unit if isinstance(unit, int | float) or unit.startswith('"') else f'"{unit}"'
    result = read_mapped(tmp_path, "Partner,Month,HS,Value,Flow\nUSA,2024,8542,4,X\n",
                         extra=f"[units]\nvalue = {value}\n")
    assert result.frame["value"].to_list() == [4 * factor]


@pytest.mark.parametrize(("fmt", "cell", "period", "freq"), [
    ("YYYY", "2024", 2024, "A"),
    ("YYYYMM", "202403", 202403, "M"),
    ("YYYY-MM", "2024-03", 202403, "M"),
    ("MM/YYYY", "03/2024", 202403, "M"),
    ("auto", "2024", 2024, "A"),
    ("auto", "2024-11", 202411, "M"),
])
def test_mapped_period_formats(tmp_path: Path, fmt: str, cell: str, period: int,
                               freq: str) -> None:
    result = read_mapped(tmp_path, f"Partner,Month,HS,Value,Flow\nUSA,{cell},8542,4,X\n",
                         extra=f'[formats]\nperiod = "{fmt}"\n')
    assert result.n_problems == 0, result.problems
    assert result.frame.select("period", "freq").rows() == [(period, freq)]


@pytest.mark.parametrize(("fmt", "cell"), [("YYYY", "202403"), ("YYYYMM", "2024"),
                                           ("YYYY-MM", "2024-13"), ("MM/YYYY", "2024-03"),
                                           ("MM/YYYY", "13/2024"), ("YYYY", "1850")])
def test_mapped_period_not_in_format_is_bad_period(tmp_path: Path, fmt: str,
                                                   cell: str) -> None:
    result = read_mapped(tmp_path, f"Partner,Month,HS,Value,Flow\nUSA,{cell},8542,4,X\n",
                         extra=f'[formats]\nperiod = "{fmt}"\n')
    assert result.problems.select("line", "column", "code").rows() == [(2, "Month",
                                                                          "bad-period")]


LATIN = "Partner,Month,HS,Value,Flow\nUSA,2024,8542,1,X\nFrance,2024,8542,2,X\n" \
        "Côte d'Ivoire,2024,8542,3,X\n"


def test_mapped_latin1_with_explicit_encoding(tmp_path: Path) -> None:
    result = read_mapped(tmp_path, LATIN, options='encoding = "latin-1"', encoding="latin-1")
    assert result.n_problems == 0
    assert result.frame["partner"].to_list() == ["USA", "FRA", "CIV"]


def test_mapped_latin1_detected_with_auto(tmp_path: Path) -> None:
    result = read_mapped(tmp_path, LATIN, encoding="latin-1")
    assert result.frame["partner"].to_list() == ["USA", "FRA", "CIV"]


def test_mapped_wrong_explicit_encoding_is_an_encoding_problem(tmp_path: Path) -> None:
    with pytest.raises(Rejected) as info:
        read_mapped(tmp_path, LATIN, options='encoding = "utf-8"', encoding="latin-1")
    problem = info.value.problems[0]
    assert (problem.code, problem.line) == ("encoding", 4)
    assert problem.path.endswith("m.csv")
    assert "utf-8" in str(info.value) and "line 4" in str(info.value)
    assert "\n" not in str(info.value)


MAPPING_ERRORS = {
    "unknown key": ('colour = "red"\n' + MAPPING.format(options="", extra=""), "colour"),
    "unknown field": (MAPPING.format(options="", extra='[units]\nweight = 2\n'), "weight"),
    "missing required field": (MAPPING.format(options="", extra="").replace(
        'product = "HS"\n', ""), "product"),
    "bad unit": (MAPPING.format(options="", extra='[units]\nvalue = "dozen"\n'), "value"),
    "bad period format": (MAPPING.format(options="", extra='[formats]\nperiod = "DD.MM"\n'),
                          "period"),
    "unknown encoding": (MAPPING.format(options='encoding = "klingon"', extra=""), "encoding"),
    "two-character delimiter": (MAPPING.format(options='delimiter = ";;"', extra=""),
                                "delimiter"),
    "column and constant": (MAPPING.format(options="", extra="").replace(
        'reporter = "CHN"', 'reporter = "CHN"\nflow = "export"'), "flow"),
    "values not a table": (MAPPING.format(options="", extra='[values]\nflow = "export"\n'),
                           "values"),
    "not TOML": ("[columns\npartner = ", "TOML"),
    "source as a table": (MAPPING.format(options="", extra="").replace(
        'source = "ministry"', '[source]\nname = "ministry"'), "source must be a string"),
    "source with a path in it": (MAPPING.format(options="", extra="").replace(
        'source = "ministry"', 'source = "../elsewhere"'), "source = '../elsewhere'"),
    "published as a number": (MAPPING.format(options="published = 2024", extra=""),
                              "published must be a string"),
}


@pytest.mark.parametrize("case", list(MAPPING_ERRORS))
def test_mapping_errors_name_the_file_and_key(tmp_path: Path, case: str) -> None:
    text, key = MAPPING_ERRORS[case]
    path = write_mapping(tmp_path, text=text)
    data = write_csv(tmp_path, "Partner,Month,HS,Value,Flow\nUSA,2024,8542,1,X\n")
    with pytest.raises(ConfigError) as info:  # when the mapping is loaded or first used
        MappedCsvReader(path).read(data)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert key in message
    assert info.value.exit_code == 1 and isinstance(info.value, ValueError)


def test_mapping_column_missing_from_the_csv(tmp_path: Path) -> None:
    reader = MappedCsvReader(write_mapping(tmp_path))
    path = write_csv(tmp_path, "Partner,Period,HS,Value,Flow\nUSA,2024,8542,1,X\n")
    with pytest.raises(ConfigError) as info:
        reader.read(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(reader.mapping_path) in message and "period" in message and "'Month'" in message


def test_mapping_file_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the mapping"):
        MappedCsvReader(tmp_path / "nope.toml")


# -- The problem catalogue -----------------------------------------------------------------

PROBLEM_MAPPING = """\
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

PROBLEM_FILE = """\
Reporter,Partner,Flow,Period,HS,Value
CHN,USA,export,2024,854231,100
CHN,USA,export,2024,85423,100
CHN,USA,export,2024-13,854232,100
CHN,USA,sideways,2024,854233,100
CHN,USA,export,2024,854239,abc
CHN,USA,export,2024,854290,-5
CHN,USA,export,2024,8541,
CHN,USA,export,2024,854231,7
CHN,XXQ,export,2024,8542,1
CHN,DEU,import,2024,8542,1
"""

EXPECTED_PROBLEMS = {
    (3, "HS", "bad-hs-code"),
    (4, "Period", "bad-period"),
    (5, "Flow", "unknown-flow"),
    (6, "Value", "non-numeric-value"),
    (7, "Value", "negative-value"),
    (8, "Value", "missing-value"),
    (9, None, "duplicate-key"),  # a record-level problem: no single column
    (10, "Partner", "unknown-country"),
}


@pytest.fixture
def problem_files(tmp_path: Path) -> tuple[Path, Path]:
    mapping = tmp_path / "problems.toml"
    mapping.write_text(PROBLEM_MAPPING)
    return mapping, write_csv(tmp_path, PROBLEM_FILE, name="problems.csv")


def test_one_problem_of_each_type_at_known_lines(problem_files) -> None:
    mapping, path = problem_files
    result = MappedCsvReader(mapping).read(path)
    got = set(result.problems.select("line", "column", "code").iter_rows())
    assert got == EXPECTED_PROBLEMS
    assert result.problems.height == len(EXPECTED_PROBLEMS)
    assert result.frame["_line"].to_list() == [2, 11]
    dup = result.problems.filter(pl.col("code") == "duplicate-key").row(0, named=True)
    assert dup["hint"].startswith("2")  # the line that is kept


def test_rejected_ingest_lists_typed_problems_with_file(problem_files, tmp_path: Path) -> None:
    mapping, path = problem_files
    store = Store(tmp_path / "store")
    with pytest.raises(Rejected) as info:
        store.ingest(MappedCsvReader(mapping), path)
    exc = info.value
    assert exc.total == len(EXPECTED_PROBLEMS) and exc.exit_code == 2
    assert {(p.line, p.column, p.code) for p in exc.problems} == EXPECTED_PROBLEMS
    assert all(p.path == str(path) for p in exc.problems)
    assert str(exc).startswith(f"{path}, line 3, column 'HS': bad-hs-code")
    assert "(and 7 more problems)" in str(exc)
    assert not store.root.exists()
    with pytest.raises(NoStoreError):  # nothing was made: not even an empty store
        store.releases()


def test_quarantine_commits_the_good_rows_and_sets_the_bad_aside(problem_files,
                                                                 tmp_path: Path) -> None:
    mapping, path = problem_files
    store = Store(tmp_path / "store")
    res = store.ingest(MappedCsvReader(mapping), path, on_error="quarantine")
    assert res.status == "committed" and res.release.rows == 2
    assert res.release.quarantined == len(EXPECTED_PROBLEMS)
    bad = pl.read_csv(res.quarantine, infer_schema=False)
    assert bad["_line"].cast(int).to_list() == [3, 4, 5, 6, 7, 8, 9, 10]
    assert bad.filter(pl.col("_line") == "5")["_problems"].to_list() == [
        "unknown-flow in Flow"]


@pytest.mark.parametrize(("text", "line"), [
    ("Partner,Month,HS,Value,Flow\nUSA,2024,8542,1,X\nUSA,2024,8543,1,X,extra\n", 3),
    ('Partner,Month,HS,Value,Flow\nUSA,2024,8542,1,X\n"USA,2024,8543,1,X\n', 3),
    ("", 1),
    ("Partner,HS,HS\nUSA,2024,8542\n", 1),  # a repeated name (an empty one is read: R)
    ("Partner,Month,HS,Value,Flow\n", None),  # a header and no data
    ("Partner,Month,HS,Value,Flow\n,,,,\n", None),
    ("Partner,Month,HS,Value,Flow\rUSA,2024,8542,1,X\r", None),  # bare CR line ends
    ('"Partner,Month,HS,Value,Flow,\nUSA,2024,8542,1,X,\n', None),  # quote never closed
    ('Partner,Month,HS,Value,Flow\nC\xf4te d\'Ivoire,2024,8542,1,X\n"USA,2024,8542,1,X\n',
     3),  # Latin-1, detected, and a quote never closed
])
def test_malformed_csv_is_rejected_with_the_line(tmp_path: Path, text: str,
                                                 line: int | None) -> None:
    with pytest.raises(Rejected) as info:
        read_mapped(tmp_path, text, encoding="latin-1")
    problem = info.value.problems[0]
    assert (problem.code, problem.line) == ("malformed-csv", line)
    assert "\n" not in str(info.value)


def test_every_error_is_a_tradestat_error() -> None:
    assert issubclass(Rejected, TradestatError) and issubclass(ConfigError, TradestatError)
    err = ConfigError("m.toml: bad", path="m.toml")
    assert str(err) == "m.toml: bad" and err.context == {"path": "m.toml"}


def test_commas_are_thousands_separators_only(tmp_path: Path) -> None:
    """'1,5' is not silently read as 15: a decimal comma is reported, not guessed."""
    text = ("Partner;Month;HS;Value;Flow\n"
            "USA;2024;8542;1,234,567.5;X\n"
            "DEU;2024;8542;12,34,567;X\n"
            "FRA;2024;8542;1,5;X\n"
            "ITA;2024;8542;0,250;X\n")
    result = read_mapped(tmp_path, text, options='delimiter = ";"')
    assert result.frame["value"].to_list() == [1234567.5, 1234567.0]
    assert result.problems.select("line", "code", "value").rows() == [
        (4, "non-numeric-value", "1,5"), (5, "non-numeric-value", "0,250")]


def test_value_vocabularies_lead_to_canonical_values(tmp_path: Path) -> None:
    """[values.flow] "2" = "X" stores 'export', never 'X'; [values.classification] applies."""
    text = ("Partner,Month,HS,Value,Flow,Nomenclature\n"
            "USA,2024,8542,1,1,HS 2017\n"
            "USA,2024,8542,1,2,HS 2017\n"
            "USA,2024,8542,1,3,HS 2017\n")
    mapping = MAPPING.format(options="", extra="").replace(
        'classification = "HS2017"\n', "").replace(
        'flow = "Flow"\n', 'flow = "Flow"\nclassification = "Nomenclature"\n') + (
        '[values.flow]\n"1" = "M"\n"2" = "X"\n"3" = "sideways"\n'
        '[values.classification]\n"HS 2017" = "H5"\n')
    reader = MappedCsvReader(write_mapping(tmp_path, text=mapping))
    result = reader.read(write_csv(tmp_path, text))
    assert result.frame.select("flow", "classification").rows() == [
        ("import", "HS2017"), ("export", "HS2017")]
    assert result.problems.select("line", "column", "code").rows() == [
        (4, "Flow", "unknown-flow")]


def test_unit_error_found_when_the_mapping_is_loaded(tmp_path: Path) -> None:
    from tradestat.errors import ConfigError
    from tradestat.sources import MappedCsvReader

    m = tmp_path / "m.toml"
    m.write_text('[columns]\nreporter="r"\nflow="f"\nperiod="p"\nproduct="h"\nvalue="v"\n'
                 '[constants]\nclassification="HS2022"\n[units]\nvalue="dozen"\n')
    with pytest.raises(ConfigError, match=r"m\.toml: \[units\] value = 'dozen'"):
        MappedCsvReader(m)


def test_scaled_overflow_is_non_numeric(tmp_path: Path) -> None:
    from tradestat.sources import MappedCsvReader

    m = tmp_path / "m.toml"
    m.write_text('[columns]\nreporter="r"\nflow="f"\nperiod="p"\nproduct="h"\nvalue="v"\n'
                 '[constants]\nclassification="HS2022"\n[units]\nvalue="thousand"\n')
    f = tmp_path / "d.csv"
    f.write_text("r,f,p,h,v\nCHN,X,2024,8542,1e308\nCHN,X,2024,8541,2.5\n")
    result = MappedCsvReader(m).read(f)
    assert result.problems.select("line", "code").rows() == [(2, "non-numeric-value")]
    assert result.frame.get_column("value").to_list() == [2500.0]
