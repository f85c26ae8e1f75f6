"""Property tests: malformed input never crashes a reader, the store or the CLI.

Every file fed to either reader (random bytes, truncations, stray quotes, ragged rows, mutated
cells, wrong encodings) ends in one of three ways: a commit (possibly with a quarantine
report), or a :class:`~tradestat.errors.TradestatError` that leaves the store byte-for-byte as
it was. Examples are derandomized so CI runs the same cases every time.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tradestat.cli import app
from tradestat.errors import TradestatError
from tradestat.sources import ComtradeReader, MappedCsvReader
from tradestat.sources.base import Reader
from tradestat.sources.comtrade import PORTAL_HEADER
from tradestat.store import Store

PROFILE = {"deadline": None, "derandomize": True, "database": None,
           "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
FAST = settings(max_examples=150, **PROFILE)  # reading only
STORE = settings(max_examples=70, **PROFILE)  # read, commit or reject, compare the store
CLI = settings(max_examples=25, **PROFILE)

# -- two small valid files, one per reader ----------------------------------------------------

COMTRADE_HEADER = PORTAL_HEADER
COMTRADE_HEADER_LINE = ",".join(COMTRADE_HEADER)
COMTRADE_BASE = dict.fromkeys(COMTRADE_HEADER, "") | {
    "typeCode": "C", "freqCode": "A", "refPeriodId": "20230101", "refYear": "2023",
    "refMonth": "52", "period": "2023", "reporterCode": "384", "reporterISO": "CIV",
    "reporterDesc": "Côte d'Ivoire", "flowCode": "X", "flowDesc": "Export", "partnerCode": "0",
    "partnerISO": "W00", "partnerDesc": "World", "partner2Code": "0", "partner2ISO": "W00",
    "partner2Desc": "World", "classificationCode": "H6", "classificationSearchCode": "HS",
    "isOriginalClassification": "true", "cmdCode": "8542", "cmdDesc": "Integrated circuits",
    "aggrLevel": "4", "isLeaf": "false", "customsCode": "C00", "customsDesc": "TOTAL CPC",
    "mosCode": "0", "motCode": "0", "motDesc": "TOTAL MOT", "qtyUnitCode": "-1",
    "qtyUnitAbbr": "N/A", "isQtyEstimated": "false", "netWgt": "115",
    "isNetWgtEstimated": "false", "fobvalue": "63939", "primaryValue": "63939",
    "legacyEstimationFlag": "0", "isReported": "true", "isAggregate": "false"}
COMTRADE_RECORDS = [
    {},
    {"reporterCode": "490", "reporterDesc": "Other Asia, nes", "primaryValue": "1.5e9"},
    {"reporterCode": "842", "flowCode": "M", "cifvalue": "10", "primaryValue": "10"},
    {"reporterCode": "842", "flowCode": "M", "partner2Code": "156", "primaryValue": "4"},
    {"reporterCode": "792", "reporterDesc": "Türkiye", "cmdCode": "854231", "customsCode": "C01"},
]


def _comtrade_text() -> str:
    lines = [",".join(COMTRADE_HEADER)]
    for rec in COMTRADE_RECORDS:
        row = COMTRADE_BASE | rec
        lines.append(",".join(f'"{row[h]}"' if row[h] else "" for h in COMTRADE_HEADER) + ",")
    return "\r\n".join(lines) + "\r\n"


COMTRADE_TEXT = _comtrade_text()
COMTRADE_FILE = COMTRADE_TEXT.encode("latin-1")

MAPPING = """\
source = "ministry"
delimiter = ";"
encoding = "{encoding}"
[columns]
partner = "Partner"
period = "Month"
product = "HS"
value = "Value"
flow = "Flow"
[constants]
reporter = "CHN"
classification = "HS2017"
[units]
value = "thousand"
[values.flow]
Ausfuhr = "export"
Einfuhr = "import"
"""
MAPPED_TEXT = ("Partner;Month;HS;Value;Flow\n"
               "USA;2024-01;0101;1.5;Ausfuhr\n"
               "Côte d'Ivoire;2024-01;854231;2;Einfuhr\n"
               "Germany;2024-02;8542;3;export\n"
               "WLD;2024-02;TOTAL;4;Ausfuhr\n")
MAPPED_FILE = MAPPED_TEXT.encode("utf-8")

# -- mutations ----------------------------------------------------------------------------

TRICKY_CELLS = ["", " ", "-1", "-0", "abc", "1e309", "NaN", "inf", "0x10", "1,000", "١٢٣",
                "0101", "85423", "TOTAL", "H9", "X", "RM", "Q", "2024", "202413", "0",
                "999", "WLD", '"', '""', "\x00", "a;b", "a,b", "é", "\u2028", "9" * 40]


def _split(data: bytes, delimiter: bytes) -> list[list[bytes]]:
    return [line.split(delimiter) for line in data.split(b"\n")]


def _join(rows: list[list[bytes]], delimiter: bytes) -> bytes:
    return b"\n".join(delimiter.join(cells) for cells in rows)


@st.composite
def mutate_cell(draw: st.DrawFn, data: bytes, delimiter: bytes, hot: list[int]) -> bytes:
    """Replace one to three cells, most often in the columns the reader uses (``hot``)."""
    rows = _split(data, delimiter)
    for _ in range(draw(st.integers(1, 3))):
        r = draw(st.integers(0, len(rows) - 2))  # the last split is the empty after \n
        c = draw(st.sampled_from(hot) | st.integers(0, len(rows[r]) - 1))
        c = min(c, len(rows[r]) - 1)
        cell = draw(st.sampled_from(TRICKY_CELLS) | st.text(max_size=6))
        quoted = rows[r][c].startswith(b'"') and draw(st.booleans())
        new = cell.encode("utf-8", "surrogatepass")
        rows[r][c] = b'"' + new + b'"' if quoted else new
    return _join(rows, delimiter)


@st.composite
def ragged(draw: st.DrawFn, data: bytes, delimiter: bytes) -> bytes:
    rows = _split(data, delimiter)
    r = draw(st.integers(0, len(rows) - 2))
    if draw(st.booleans()) and len(rows[r]) > 1:
        del rows[r][draw(st.integers(0, len(rows[r]) - 1))]
    else:
        rows[r].insert(draw(st.integers(0, len(rows[r]))), b"extra")
    return _join(rows, delimiter)


@st.composite
def insert_bytes(draw: st.DrawFn, data: bytes, pieces: st.SearchStrategy[bytes]) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(out)))
        out[at:at] = draw(pieces)
    return bytes(out)


@st.composite
def truncated(draw: st.DrawFn, data: bytes) -> bytes:
    return data[: draw(st.integers(0, len(data)))]


@st.composite
def reencoded(draw: st.DrawFn, text: str) -> bytes:
    encoding = draw(st.sampled_from(["utf-16", "utf-32", "utf-16-le", "cp1252", "latin-1",
                                     "utf-8-sig", "cp037", "shift_jis", "mac_roman"]))
    return text.encode(encoding, errors="replace")


def malformed(data: bytes, text: str, delimiter: bytes,
              hot: list[int]) -> st.SearchStrategy[bytes]:
    quotes = st.sampled_from([b'"', b'""', b'"x', b"'", b"\r", b"\n", b"\r\n", delimiter])
    return st.one_of(
        st.binary(max_size=300),
        truncated(data),
        insert_bytes(data, quotes),
        insert_bytes(data, st.binary(min_size=1, max_size=4)),
        ragged(data, delimiter),
        mutate_cell(data, delimiter, hot),
        reencoded(text),
        st.just(data),
    )


COMTRADE_USED = ["freqCode", "period", "reporterCode", "flowCode", "partnerCode",
                 "partner2Code", "classificationCode", "cmdCode", "customsCode", "motCode",
                 "qty", "netWgt", "cifvalue", "fobvalue", "primaryValue", "isAggregate"]
COMTRADE_INPUTS = malformed(COMTRADE_FILE, COMTRADE_TEXT, b",",
                            [COMTRADE_HEADER.index(c) for c in COMTRADE_USED])
MAPPED_INPUTS = malformed(MAPPED_FILE, MAPPED_TEXT, b";", [0, 1, 2, 3, 4])
ENCODINGS = st.sampled_from(["auto", "utf-8", "latin-1"])

# -- the store around each example --------------------------------------------------------


def snapshot(root: Path) -> dict[str, str | None]:
    """Every file and folder under ``root`` with the hash of its content."""
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            if p.is_file() else None for p in sorted(root.rglob("*"))}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One committed store per reader, copied afresh for every example."""
    base = tmp_path_factory.mktemp("seeded")
    stores = {}
    for name, data, reader in (("comtrade", COMTRADE_FILE, ComtradeReader()),
                               ("csv", MAPPED_FILE, _mapped_reader(base, "auto"))):
        (base / f"{name}.csv").write_bytes(data)
        stores[name] = base / f"{name}-store"
        result = Store(stores[name]).ingest(reader, base / f"{name}.csv")
        assert result.status == "committed"
    return stores


def _mapped_reader(folder: Path, encoding: str) -> MappedCsvReader:
    path = folder / f"mapping-{encoding}.toml"
    if not path.exists():
        path.write_text(MAPPING.format(encoding=encoding))
    return MappedCsvReader(path)


@contextmanager
def scratch(seed_store: Path | None = None) -> Iterator[tuple[Path, Path]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = folder / "store"
        if seed_store is not None:
            shutil.copytree(seed_store, store)
        yield folder, store


def ingest_outcome(reader: Reader, data: bytes, store_root: Path, folder: Path,
                   on_error: str) -> str:
    """Ingest ``data``; return how it ended, asserting that every ending is a clean one."""
    path = folder / "input.csv"
    path.write_bytes(data)
    before = snapshot(store_root)
    store = Store(store_root)
    try:
        res = store.ingest(reader, path, on_error=on_error)
    except TradestatError as exc:
        assert str(exc) and "\n" not in str(exc)
        assert snapshot(store_root) == before, "a rejected ingest changed the store"
        return "error"
    assert res.status in ("committed", "unchanged")
    if res.status == "unchanged":
        assert snapshot(store_root) == before
        return "unchanged"
    assert res.release.rows > 0
    assert [r.id for r in store.releases()][-1] == res.release.id
    if res.quarantine is not None:
        assert on_error == "quarantine" and Path(res.quarantine).is_file()
        return "quarantine"
    assert res.n_problems == 0
    (count,) = store.connect().execute(
        "SELECT count(*) FROM all_records WHERE release_id = ?", [res.release.id]).fetchone()
    assert count == res.release.rows
    return "committed"


# -- reading alone ------------------------------------------------------------------------


def read_outcome(reader_factory: Callable[[], Reader], data: bytes) -> str:
    with scratch() as (folder, _):
        path = folder / "input.csv"
        path.write_bytes(data)
        try:
            result = reader_factory().read(path)
        except TradestatError as exc:
            assert str(exc) and "\n" not in str(exc)
            return "error"
    lines = set(result.frame["_line"].to_list())
    assert lines.isdisjoint(result.problems["line"].to_list())
    assert result.quarantine.height == result.problems["line"].n_unique()
    return "problems" if result.n_problems else "clean"


@FAST
@given(data=COMTRADE_INPUTS)
def test_comtrade_reader_never_crashes(data: bytes) -> None:
    event(read_outcome(ComtradeReader, data))


@FAST
@given(data=MAPPED_INPUTS, encoding=ENCODINGS)
def test_mapped_reader_never_crashes(data: bytes, encoding: str,
                                     tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.getbasetemp() / "mappings"
    folder.mkdir(exist_ok=True)
    event(read_outcome(lambda: _mapped_reader(folder, encoding), data))


def test_the_valid_files_are_clean() -> None:
    assert read_outcome(ComtradeReader, COMTRADE_FILE) == "clean"
    with scratch() as (folder, _):
        assert read_outcome(lambda: _mapped_reader(folder, "auto"), MAPPED_FILE) == "clean"


# -- through the store --------------------------------------------------------------------

ON_ERROR = st.sampled_from(["reject", "quarantine"])


@STORE
@given(data=COMTRADE_INPUTS, on_error=ON_ERROR)
def test_comtrade_ingest_commits_or_leaves_the_store_alone(data: bytes, on_error: str,
                                                           seeded: dict[str, Path]) -> None:
    with scratch(seeded["comtrade"]) as (folder, store):
        event(ingest_outcome(ComtradeReader(), data, store, folder, on_error))


@STORE
@given(data=MAPPED_INPUTS, on_error=ON_ERROR, encoding=ENCODINGS)
def test_mapped_ingest_commits_or_leaves_the_store_alone(data: bytes, on_error: str,
                                                         encoding: str,
                                                         seeded: dict[str, Path]) -> None:
    with scratch(seeded["csv"]) as (folder, store):
        event(ingest_outcome(_mapped_reader(folder, encoding), data, store, folder, on_error))


@STORE
@given(data=MAPPED_INPUTS)
def test_ingest_into_a_new_store(data: bytes) -> None:
    """A rejected first ingest does not even create the store directory."""
    with scratch() as (folder, store):
        outcome = ingest_outcome(_mapped_reader(folder, "auto"), data, store, folder, "reject")
        assert store.exists() == (outcome == "committed")
        event(outcome)


# -- through the CLI ----------------------------------------------------------------------


def cli_outcome(args: list[str], store: Path) -> int:
    before = snapshot(store)
    result = CliRunner().invoke(app, [*args, "--store", str(store)])
    event(f"exit {result.exit_code}")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code:
        lines = result.stderr.splitlines()
        assert lines and lines[0].startswith("error: "), result.stderr
        assert "Traceback" not in result.stderr
        assert snapshot(store) == before
    else:
        assert "committed release" in result.stdout or "unchanged" in result.stdout
    return result.exit_code


@CLI
@given(data=COMTRADE_INPUTS, on_error=ON_ERROR)
def test_cli_comtrade_exits_cleanly(data: bytes, on_error: str,
                                    seeded: dict[str, Path]) -> None:
    with scratch(seeded["comtrade"]) as (folder, store):
        (folder / "in.csv").write_bytes(data)
        cli_outcome(["ingest", "comtrade", str(folder / "in.csv"), "--on-error", on_error],
                    store)


@CLI
@given(data=MAPPED_INPUTS, encoding=ENCODINGS)
def test_cli_mapped_exits_cleanly(data: bytes, encoding: str,
                                  seeded: dict[str, Path]) -> None:
    with scratch(seeded["csv"]) as (folder, store):
        (folder / "in.csv").write_bytes(data)
        _mapped_reader(folder, encoding)
        cli_outcome(["ingest", "csv", str(folder / "in.csv"), "--map",
                     str(folder / f"mapping-{encoding}.toml")], store)
