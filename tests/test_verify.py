"""A store that checks itself (issue 14, item 7): ``tradestat verify``, queries that refuse a
release whose files are missing, and ingests that fail cleanly on a full disk or a read-only
store, each leaving a store that ``verify`` explains.

Damage is done by hand (a bit flipped, a file deleted or dropped in); a full disk is
simulated by making the store's write, flush and rename functions fail with ENOSPC at each
call in turn, as ``test_crash.py`` kills an ingest at each named point. Hashes are computed
here with the ``blake3`` package, sums with pandas.
"""

from __future__ import annotations

import errno
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from blake3 import blake3
from typer.testing import CliRunner

from tradestat.cli import app
from tradestat.errors import StoreError
from tradestat.sources import ComtradeReader
from tradestat.store import Store

TRADESTAT = Path(sys.executable).with_name("tradestat")
ANNUAL = "hs8542_exports_annual_2013_2024.csv"
MONTHLY = "hs8542_exports_monthly_202501_202508.csv"


def tradestat(*args: str | Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADESTAT_")}
    return subprocess.run([str(TRADESTAT), *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def verify_json(store: Path) -> tuple[int, dict]:
    proc = tradestat("verify", "--json", "--store", store)
    return proc.returncode, json.loads(proc.stdout)


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every entry under ``root``: a file's bytes, None for a folder."""
    return {p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None
            for p in sorted(root.rglob("*"))}


@pytest.fixture(scope="module")
def template(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the annual Comtrade file (copied for each test that damages it)."""
    root = tmp_path_factory.mktemp("template") / "store"
    Store(root).ingest(ComtradeReader(), shared_data / "comtrade" / ANNUAL)
    return root


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Path:
    root = tmp_path / "store"
    shutil.copytree(template, root)
    return root


def release_dir(root: Path) -> Path:
    (release,) = Store(root).releases()
    return root / "releases" / release.id


def a_parquet(root: Path) -> Path:
    return sorted((release_dir(root) / "data").rglob("*.parquet"))[0]


# -- what a commit records -------------------------------------------------------------------


def test_a_release_records_the_blake3_of_every_file_it_wrote(store: Path) -> None:
    (release,) = Store(store).releases()
    folder = store / "releases" / release.id
    on_disk = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}
    assert set(release.files) == set(on_disk)
    assert "summary.parquet" in release.files
    assert sum(k.startswith("data/") for k in release.files) == 12  # one file a year, 2013-24
    for rel, path in on_disk.items():
        assert release.files[rel] == f"blake3:{blake3(path.read_bytes()).hexdigest()}"


def test_a_clean_store_verifies(store: Path) -> None:
    code, doc = verify_json(store)
    files = [p for p in release_dir(store).rglob("*") if p.is_file()]
    assert code == 0
    assert doc["ok"] is True and doc["problems"] == [] and doc["notes"] == []
    assert (doc["releases"], doc["files_checked"]) == (1, len(files))
    assert doc["bytes_checked"] == sum(p.stat().st_size for p in files)
    human = tradestat("verify", "--store", store)
    assert human.returncode == 0 and human.stderr == ""
    assert human.stdout.strip().endswith("re-hashed: as committed")


def test_no_store_is_an_error(tmp_path: Path) -> None:
    proc = tradestat("verify", "--store", tmp_path / "nothing")
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"error: {tmp_path / 'nothing'}: no tradestat store here")


# -- damage ----------------------------------------------------------------------------------


def test_a_flipped_bit_is_a_changed_file(store: Path) -> None:
    target = a_parquet(store)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    code, doc = verify_json(store)
    rel = target.relative_to(store).as_posix()
    assert code == 2 and doc["ok"] is False
    assert [(p["kind"], p["path"]) for p in doc["problems"]] == [("changed", rel)]
    human = tradestat("verify", "--store", store)
    assert human.returncode == 2
    assert f"changed: release {release_dir(store).name}: {rel}" in human.stdout
    assert human.stderr.splitlines() == [
        f"error: {store}: the store is damaged (1 file missing, changed, unreadable or "
        "foreign; see above)"]


def test_a_deleted_file_is_missing_and_queries_refuse_its_release(store: Path,
                                                                  shared_data: Path) -> None:
    target = a_parquet(store)
    target.unlink()
    code, doc = verify_json(store)
    assert code == 2
    assert [(p["kind"], p["path"]) for p in doc["problems"]] == [
        ("missing", target.relative_to(store).as_posix())]
    rid = release_dir(store).name
    proc = tradestat("figure", "--reporter", "CHN", "--flow", "export", "--product", "8542",
                     "--period", "2024", "--store", store)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.splitlines()
    assert line.startswith(f"error: release {rid} ({ANNUAL}): 1 of its 12 data files is "
                           "missing")
    assert "tradestat verify" in line
    with pytest.raises(StoreError, match=rid):
        Store(store).connect()


def test_a_foreign_file_is_reported_and_never_read(store: Path, shared_data: Path) -> None:
    target = a_parquet(store)
    shutil.copy(target, target.with_name("extra.parquet"))  # the same rows a second time
    code, doc = verify_json(store)
    assert code == 2
    assert [(p["kind"], p["path"].rsplit("/", 1)[1]) for p in doc["problems"]] == [
        ("foreign", "extra.parquet")]
    assert "queries do not read it" in doc["problems"][0]["detail"]
    df = pd.read_csv(shared_data / "comtrade" / ANNUAL, encoding="latin-1", index_col=False)
    values = [v for (v,) in Store(store).connect().execute(
        "SELECT value FROM records").fetchall()]
    assert (len(values), math.fsum(values)) == (len(df), pytest.approx(
        math.fsum(df["primaryValue"]), rel=1e-13))


def test_a_release_folder_gone(store: Path) -> None:
    shutil.rmtree(release_dir(store))
    code, doc = verify_json(store)
    assert code == 2
    assert doc["problems"][0]["kind"] == "missing"
    assert doc["problems"][0]["path"].endswith("/") and "whole release" in doc["problems"][0][
        "detail"]


def test_releases_recorded_before_file_hashes(store: Path) -> None:
    """A format-2 manifest (no ``files``): said so, not failed; its folder still looked at."""
    doc = json.loads((store / "manifest.json").read_text())
    doc["format"] = 2
    for release in doc["releases"]:
        del release["files"]
    (store / "manifest.json").write_text(json.dumps(doc))
    code, report = verify_json(store)
    assert code == 0 and report["ok"] is True
    assert [n["kind"] for n in report["notes"]] == ["unhashed"]
    assert "no file hashes recorded" in report["notes"][0]["detail"]
    assert "no file hashes recorded" in tradestat("verify", "--store", store).stdout
    # its rows still read; with every data file gone, queries refuse it and verify says so
    assert Store(store).connect().execute("SELECT count(*) FROM records").fetchone()[0] > 0
    shutil.rmtree(release_dir(store) / "data")
    code, report = verify_json(store)
    assert code == 2 and report["problems"][0]["kind"] == "missing"
    with pytest.raises(StoreError, match="its data files are missing"):
        Store(store).connect()


def test_what_a_killed_ingest_left_is_a_note(store: Path) -> None:
    (store / "staging" / "comtrade-x.123").mkdir()
    (store / "releases" / "comtrade-unlisted").mkdir()
    (store / ".manifest.json.123.tmp").write_text("{}")
    code, doc = verify_json(store)
    assert code == 0
    assert sorted((n["kind"], n["path"]) for n in doc["notes"]) == [
        ("leftover", ".manifest.json.123.tmp"), ("leftover", "releases/comtrade-unlisted"),
        ("leftover", "staging/comtrade-x.123")]


# -- a full disk and a read-only store: failures at each write step --------------------------


class Disk:
    """The store's write, flush, rename and mkdir calls under ``root``, counted; the
    ``fail_at``-th (or, with ``fail_at=0``, every one) fails with ``code``.

    Polars reports a failed write as ``ComputeError: ... (os error 28)`` (seen writing to
    /dev/full), and so does the fake ``write_parquet`` here.
    """

    PATCHED = ((os, "fsync"), (os, "rename"), (os, "replace"), (Path, "mkdir"),
               (Path, "open"), (pl.DataFrame, "write_parquet"), (pl.DataFrame, "write_csv"))

    def __init__(self, monkeypatch: pytest.MonkeyPatch, root: Path, fail_at: int | None,
                 code: int = errno.ENOSPC) -> None:
        self.root, self.fail_at, self.code = root, fail_at, code
        self.calls: list[str] = []
        self.lock = threading.Lock()
        for owner, name in self.PATCHED:
            monkeypatch.setattr(owner, name, self._wrap(name, getattr(owner, name)))

    def _ours(self, name: str, args: tuple, kwargs: dict) -> bool:
        """Whether the call writes under the store (reads and other paths are not counted)."""
        if name == "fsync":
            return True
        if name == "open":
            mode = args[1] if len(args) > 1 else kwargs.get("mode", "r")
            if not set(mode) & set("wax+"):
                return False
        if name == "mkdir" and Path(args[0]).is_dir():
            return False  # an existing folder: mkdir(exist_ok=True) writes nothing
        target = args[1] if name in ("write_parquet", "write_csv") else args[0]
        if not isinstance(target, str | os.PathLike):  # an open file: its name
            target = getattr(target, "name", None)
        return isinstance(target, str | os.PathLike) and Path(target).is_relative_to(self.root)

    def _wrap(self, name: str, original):
        def call(*args, **kwargs):
            if not self._ours(name, args, kwargs):
                return original(*args, **kwargs)
            with self.lock:
                self.calls.append(name)
                n = len(self.calls)
            if self.fail_at == 0 or n == self.fail_at:
                message = os.strerror(self.code)
                if name == "write_parquet":
                    raise pl.exceptions.ComputeError(
                        f"parquet: underlying IO error: {message} (os error {self.code})")
                raise OSError(self.code, message)
            return original(*args, **kwargs)
        return call


@pytest.fixture
def to_ingest(shared_data: Path, tmp_path: Path) -> Path:
    """The monthly file with one bad line: with --on-error quarantine, the ingest writes
    data, sums, the quarantine file and the manifest."""
    lines = (shared_data / "comtrade" / MONTHLY).read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b'"X"', b'"Q"', 1)
    path = tmp_path / "monthly.csv"
    path.write_bytes(b"\n".join(lines))
    return path


def _steps(monkeypatch: pytest.MonkeyPatch, template: Path, tmp_path: Path,
           to_ingest: Path) -> list[str]:
    """The write calls of one ingest, in order (a dry run that fails nothing)."""
    root = tmp_path / "dry"
    shutil.copytree(template, root)
    with monkeypatch.context() as m:
        disk = Disk(m, root, None)
        Store(root).ingest(ComtradeReader(), to_ingest, on_error="quarantine")
    return disk.calls


def test_a_full_disk_at_each_write_step_leaves_the_store_as_it_was(
        monkeypatch: pytest.MonkeyPatch, template: Path, tmp_path: Path,
        to_ingest: Path) -> None:
    steps = _steps(monkeypatch, template, tmp_path, to_ingest)
    assert {"write_parquet", "write_csv", "open", "fsync", "rename", "replace",
            "mkdir"} <= set(steps), steps
    committed_from = steps.index("replace") + 2  # the manifest's rename is the commit
    for n, name in enumerate(steps, 1):
        root = tmp_path / f"step{n}"
        shutil.copytree(template, root)
        before = snapshot(root)
        with monkeypatch.context() as m:
            Disk(m, root, n)
            if n < committed_from:
                with pytest.raises(StoreError) as info:
                    Store(root).ingest(ComtradeReader(), to_ingest, on_error="quarantine")
            else:
                Store(root).ingest(ComtradeReader(), to_ingest, on_error="quarantine")
        if n < committed_from:
            message = str(info.value)
            assert "the disk is full" in message and "\n" not in message, (n, name, message)
            assert info.value.exit_code == 2
            assert snapshot(root) == before, (n, name)
        else:  # flushing the folder after the swap: committed, and whole
            assert len(Store(root).releases()) == 2, (n, name)
        report = Store(root).verify()
        assert report.ok and report.notes == [], (n, name, report.findings)
    # once there is room again, the same ingest goes through
    assert Store(tmp_path / "step1").ingest(ComtradeReader(), to_ingest,
                                            on_error="quarantine").status == "committed"


def test_a_full_disk_is_one_line_and_exit_2_on_the_command_line(
        monkeypatch: pytest.MonkeyPatch, store: Path, to_ingest: Path) -> None:
    before = snapshot(store)
    steps = _steps(monkeypatch, store, store.parent, to_ingest)
    Disk(monkeypatch, store, steps.index("write_parquet") + 1)
    result = CliRunner().invoke(app, ["ingest", "comtrade", str(to_ingest), "--store",
                                      str(store), "--on-error", "quarantine"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {store}: cannot write the release: the disk is full (no space left on "
        "device); nothing was committed, the store is as it was"]
    assert snapshot(store) == before


def test_a_read_only_store_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, store: Path,
                                            to_ingest: Path) -> None:
    before = snapshot(store)
    Disk(monkeypatch, store, 0, errno.EROFS)
    result = CliRunner().invoke(app, ["ingest", "comtrade", str(to_ingest), "--store",
                                      str(store), "--on-error", "quarantine"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {store}: cannot open the store for writing: the store is on a read-only "
        "file system; nothing was committed, the store is as it was"]
    monkeypatch.undo()
    assert snapshot(store) == before
    assert Store(store).verify().ok


SETPRIV = shutil.which("setpriv")


@pytest.mark.skipif(os.geteuid() == 0 and SETPRIV is None,
                    reason="root writes through file permissions, and setpriv is missing")
def test_a_store_without_write_permission(template: Path, to_ingest: Path) -> None:
    """For real: a store whose folders and files this user cannot write (run as 'nobody'
    under root, in a folder that user can enter)."""
    base = Path(tempfile.mkdtemp(prefix="tradestat-ro-"))
    base.chmod(0o755)
    store = base / "store"
    shutil.copytree(template, store)
    data = Path(shutil.copy(to_ingest, base / "in.csv"))
    before = snapshot(store)
    paths = [store, *store.rglob("*")]
    for p in paths:
        p.chmod(0o555 if p.is_dir() else 0o444)
    data.chmod(0o444)
    user = [SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups"] if (
        os.geteuid() == 0) else []
    try:
        cmd = [*user, str(TRADESTAT), "ingest", "comtrade", str(data), "--store", str(store),
               "--on-error", "quarantine"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.splitlines() == [
            f"error: {store}: cannot open the store for writing: permission denied: the "
            "store directory is read-only for this user; nothing was committed, the store is "
            "as it was"]
        check = subprocess.run([*user, str(TRADESTAT), "verify", "--store", str(store)],
                               capture_output=True, text=True, timeout=120, check=False)
        assert check.returncode == 0, check.stderr
        assert check.stdout.strip().endswith("re-hashed: as committed")
        assert snapshot(store) == before
    finally:
        for p in paths:
            p.chmod(0o755 if p.is_dir() else 0o644)
        shutil.rmtree(base)
