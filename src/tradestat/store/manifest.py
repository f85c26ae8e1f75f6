"""The manifest: the list of committed releases, replaced atomically on every commit.

A reader that loads the manifest sees exactly the releases committed at that instant; data
directories not listed in it (a killed ingest's leftovers) are invisible and are swept by the
next writer.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tradestat.errors import StoreError

#: 2: releases record ``content_hash`` ('blake3:<hex>'); format 1 manifests (SHA-256 only)
#: are read as they are, and rewritten as format 2 by the next commit.
#: 3: releases record ``files``, the BLAKE3 of every file written (``tradestat verify``);
#: releases recorded before keep none, and are checked by what can be listed.
FORMAT = 3
READS = (1, 2, 3)


@dataclass(frozen=True, kw_only=True)
class Release:
    """One committed ingest: a vintage of some source's data.

    ``content_hash`` ('blake3:<hex>') identifies the bytes read; releases committed before
    it was recorded have ``content_sha256`` instead (see :attr:`identity`). ``files`` maps
    each file of the release directory (path relative to it, '/'-separated) to its
    'blake3:<hex>'; empty for releases committed before it was recorded.
    """

    id: str
    seq: int
    source: str
    reader: str
    file_name: str
    content_sha256: str | None = None
    rows: int
    ingested_at: str
    published: str | None = None
    quarantined: int = 0
    options: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    coverage: dict = field(default_factory=dict)
    supersedes: list = field(default_factory=list)
    content_hash: str | None = None
    files: dict = field(default_factory=dict)

    @property
    def identity(self) -> tuple:
        """Same bytes read the same way: re-ingesting it changes nothing."""
        content = self.content_hash or f"sha256:{self.content_sha256}"
        return (content, self.reader, json.dumps(self.options, sort_keys=True))

    @property
    def effective(self) -> str:
        """The date this release counts from for --as-of: published, else ingested."""
        return self.published or self.ingested_at[:10]

    def to_dict(self) -> dict:
        return asdict(self)


def load(path: Path) -> list[Release]:
    if not path.exists():
        return []
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: the store's manifest cannot be read ({exc})",
                         path=str(path)) from exc
    if doc.get("format") not in READS:
        raise StoreError(f"{path}: manifest format {doc.get('format')!r} is not supported "
                         f"(this tradestat reads formats {', '.join(map(str, READS))})",
                         path=str(path))
    return [Release(**r) for r in doc["releases"]]


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save(path: Path, releases: list[Release], before_replace=None) -> None:
    """Write the manifest beside itself, flush it, then swap it in with one rename.

    Until the rename, a failure (a full disk) removes the new manifest and raises: the old
    one stands. The rename is the commit.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    doc = {"format": FORMAT, "releases": [r.to_dict() for r in releases]}
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        if before_replace:
            before_replace()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    # The swap is done and readers see the new manifest. Not flushing the directory only
    # means a power cut could bring the old manifest back, which is a whole store too (the
    # new release's folder, then unlisted, is swept by the next writer): reporting a failure
    # here would call a commit that readers already see undone.
    with contextlib.suppress(OSError):
        fsync_dir(path.parent)
