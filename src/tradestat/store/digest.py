"""Content digests: of an ingested file (a release's identity, so the same bytes read the
same way are recognised as unchanged) and of each file a release writes (the manifest records
them; ``tradestat verify`` re-hashes against them)."""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tradestat.store import manifest
from tradestat.store.manifest import Release


def file_digest(path: Path, algorithm: str = "blake3") -> str:
    """The hex digest of a file's bytes: BLAKE3 (0.2 s for 886 MB here, where SHA-256 takes
    0.5 s), or any :mod:`hashlib` algorithm ('sha256' for releases recorded with it)."""
    digest = hasher(algorithm)
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def content_digest(path: Path, algorithm: str = "blake3") -> str:
    """A file's digest; for a folder (an unpacked archive), one over its files' names and
    digests, so re-ingesting the same folder is recognised as unchanged."""
    if not path.is_dir():
        return file_digest(path, algorithm)
    digest = hasher(algorithm)
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(f"{f.relative_to(path).as_posix()}\0{file_digest(f, algorithm)}\n".encode())
    return digest.hexdigest()


def content_hash(path: Path) -> str:
    """What a release records as its content: 'blake3:<hex>'."""
    return f"blake3:{content_digest(path, 'blake3')}"


def hasher(algorithm: str) -> Any:  # a blake3 or hashlib object: they share no base type
    if algorithm == "blake3":
        from blake3 import blake3

        return blake3()
    return hashlib.new(algorithm)


def same_content(releases: list[Release], path: Path, content: str, reader: str,
                  options: dict) -> Release | None:
    """The committed release of these bytes read this way, if there is one. Releases
    recorded before BLAKE3 have only a SHA-256: the file's is computed for them, and only
    when one of them was read by the same reader with the same options."""
    legacy: str | None = None
    for old in releases:
        if (old.reader, options_key(old.options)) != (reader, options_key(options)):
            continue
        if old.content_hash is None and old.content_sha256:
            legacy = legacy or content_digest(path, "sha256")
            if old.content_sha256 == legacy:
                return old
        elif old.content_hash == content:
            return old
    return None


def options_key(options: dict) -> str:
    import json

    return json.dumps(options, sort_keys=True)


def seal(root: Path) -> dict[str, str]:
    """Flush every file under ``root`` (and the folders) to disk; the BLAKE3 of each file,
    by its path relative to ``root``, as the manifest records it (``tradestat verify``)."""
    paths = []
    for dirpath, _dirs, names in os.walk(root):
        paths += [Path(dirpath) / name for name in names]
    with ThreadPoolExecutor(max_workers=max(1, min(len(paths), os.cpu_count() or 1))) as pool:
        digests = list(pool.map(_seal_file, paths))
    for dirpath, _dirs, _names in os.walk(root):
        manifest.fsync_dir(Path(dirpath))
    return {p.relative_to(root).as_posix(): d
            for p, d in sorted(zip(paths, digests, strict=True))}


def _seal_file(path: Path) -> str:
    """The file's 'blake3:<hex>', read from the page cache just written, then flushed."""
    digest = hasher("blake3")
    fd = os.open(path, os.O_RDONLY)
    try:
        while chunk := os.read(fd, 1 << 22):
            digest.update(chunk)
        os.fsync(fd)
    finally:
        os.close(fd)
    return f"blake3:{digest.hexdigest()}"

