"""A store that checks itself: every release file re-hashed against the manifest.

Each release records the BLAKE3 of every file it wrote (``Release.files``). :func:`verify`
reads them all again and reports, per file:

==========  ======  =========================================================================
kind        damage  meaning
==========  ======  =========================================================================
missing     yes     a file the manifest lists is gone (or a whole release folder)
unreadable  yes     a file the manifest lists cannot be read (permissions, an I/O error)
changed     yes     a file's bytes differ from those committed (a flipped bit, an edit)
foreign     yes     a file in a release's folder that the release never wrote
unhashed    no      a release committed before file hashes were recorded: its files are
                    listed, not checked
leftover    no      what an interrupted ingest left (unlisted folder, staging, a manifest
                    never swapped in): never read, and removed by the next ingest
==========  ======  =========================================================================

    >>> report = verify(Store("/tmp/trade"))          # doctest: +SKIP
    >>> report.ok, [f.describe() for f in report.problems]   # doctest: +SKIP
    (True, [])

Only reads: it takes no lock and works on a read-only store.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tradestat.store.digest import file_digest
from tradestat.store.manifest import Release

if TYPE_CHECKING:
    from tradestat.store.store import Store

#: The kinds of finding that mean the store no longer holds what it committed.
DAMAGE = ("missing", "unreadable", "changed", "foreign")


@dataclass(frozen=True)
class Finding:
    """One file (or folder) that is not as the manifest says; ``path`` is relative to the
    store's root."""

    kind: str
    path: str
    release: str | None = None
    detail: str = ""

    @property
    def damage(self) -> bool:
        return self.kind in DAMAGE

    def describe(self) -> str:
        where = f"release {self.release}: " if self.release else ""
        return f"{self.kind}: {where}{self.path}" + (f" ({self.detail})" if self.detail else "")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Verification:
    """What :func:`verify` found: ``ok`` when no finding is damage."""

    root: str
    releases: int = 0
    files_checked: int = 0
    bytes_checked: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.damage]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self.findings if not f.damage]

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {"ok": self.ok, "store": self.root, "releases": self.releases,
                "files_checked": self.files_checked, "bytes_checked": self.bytes_checked,
                "problems": [f.to_dict() for f in self.problems],
                "notes": [f.to_dict() for f in self.notes]}


def verify(store: Store) -> Verification:
    """Re-hash every file of every committed release of ``store`` against its manifest.

    Raises :class:`~tradestat.errors.NoStoreError` where there is no store, and
    :class:`~tradestat.errors.StoreError` where its manifest cannot be read.
    """
    releases = store.releases()
    report = Verification(str(store.root), releases=len(releases))
    for release in releases:
        _release(store.root, release, report)
    _leftovers(store.root, {r.id for r in releases}, report)
    return report


def _release(root: Path, release: Release, report: Verification) -> None:
    folder = root / "releases" / release.id
    where = folder.relative_to(root).as_posix()
    if not folder.is_dir():
        report.findings.append(Finding("missing", f"{where}/", release.id,
                                       f"the whole release is gone ({release.rows:,} rows)"))
        return
    if not release.files:
        _unhashed(folder, where, release, report)
        return
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    for rel, recorded in release.files.items():
        path = folder / rel
        if rel not in on_disk:
            report.findings.append(Finding("missing", f"{where}/{rel}", release.id))
            continue
        algorithm, _, digest = recorded.partition(":")
        try:
            size, actual = path.stat().st_size, file_digest(path, algorithm)
        except OSError as exc:
            report.findings.append(Finding("unreadable", f"{where}/{rel}", release.id,
                                           exc.strerror or str(exc)))
            continue
        report.files_checked += 1
        report.bytes_checked += size
        if actual != digest:
            report.findings.append(Finding(
                "changed", f"{where}/{rel}", release.id,
                f"its {algorithm} is not the one recorded at commit"))
    for rel in sorted(on_disk - set(release.files)):
        report.findings.append(Finding(
            "foreign", f"{where}/{rel}", release.id,
            "not written by this release" + (": queries do not read it"
                                             if rel.endswith(".parquet") else "")))


def _unhashed(folder: Path, where: str, release: Release, report: Verification) -> None:
    """A release recorded before file hashes: said so, and its data files looked for."""
    found = sorted((folder / "data").rglob("*.parquet"))
    if release.rows and not found:
        report.findings.append(Finding("missing", f"{where}/data/", release.id,
                                       f"no data file for its {release.rows:,} rows"))
    report.findings.append(Finding(
        "unhashed", f"{where}/", release.id,
        f"no file hashes recorded (committed before they were): {len(found)} data files "
        "found, none checked"))


def _leftovers(root: Path, listed: set[str], report: Verification) -> None:
    why = "left by an interrupted ingest; never read, removed by the next ingest"
    releases = root / "releases"
    for path in sorted(releases.iterdir()) if releases.is_dir() else []:
        if path.name not in listed:
            kind = "leftover" if path.is_dir() else "foreign"
            detail = why if path.is_dir() else "not a release"
            report.findings.append(Finding(kind, f"releases/{path.name}", None, detail))
    staging = root / "staging"
    for path in sorted(staging.iterdir()) if staging.is_dir() else []:
        report.findings.append(Finding("leftover", f"staging/{path.name}", None, why))
    for path in sorted(root.glob(".manifest.json.*.tmp")):
        report.findings.append(Finding("leftover", path.name, None,
                                       "a manifest never swapped in; " + why))
