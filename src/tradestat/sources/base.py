"""The base reader: decode and split a delimited file, then hand canonical fields to validation.

Each source overrides only what differs (:meth:`Reader.fields`): which file column or
constant feeds each canonical field, and how its values are spelled.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl

from tradestat.errors import Rejected, TradestatError
from tradestat.problems import Problem
from tradestat.readers import ReadResult
from tradestat.sources import files, typed, validate

LINE = "_line"
#: The name given to a column whose header is empty (followed by its 1-based position).
UNNAMED = "_unnamed_"


class Reader:
    """Base of every file reader. Subclasses set ``name`` and implement :meth:`fields`."""

    name = "base"
    source = "file"
    encoding = "auto"
    delimiter = ","
    skip_rows = 0
    #: The source's spellings of a missing cell besides a blank one (R's ``NA``).
    missing: tuple[str, ...] = ()
    #: The kinds of file read from a folder or a zip archive (besides ``.gz`` files).
    suffixes: tuple[str, ...] = files.TEXT

    def options(self) -> dict:
        """What, besides the file's bytes, changes the result (part of the release identity)."""
        return {}

    def published(self, raw: pl.DataFrame) -> str | None:
        return None

    def prepare(self, raw: pl.DataFrame, specs: dict[str, validate.Spec]
                ) -> tuple[pl.DataFrame, list[str], list]:
        """Source-specific row handling before validation: (rows, notes, extra checks).

        Both paths run it: the text path on text columns, the fast path on typed ones (text
        as categoricals, numbers as Float64). Expressions that work on both (comparisons,
        ``is_in``, ``cast(pl.String)`` before a string method) keep a source on the fast
        path; one that fails on typed columns sends the file to the text path. A field
        computed from one column is better declared as a :class:`validate.Derived` spec:
        the fast path then computes it once per distinct value.
        """
        return raw, [], []

    def prepare_typed(self, raw: pl.DataFrame, specs: dict[str, validate.Spec]
                      ) -> tuple[pl.DataFrame, list[str], list] | None:
        """:meth:`prepare` on the fast path's typed columns; None where it cannot run on
        them (the file then takes the text path, which runs it on text)."""
        try:
            return self.prepare(raw, specs)
        except (pl.exceptions.PolarsError, TypeError, ValueError):
            return None

    def fields(self, columns: list[str], path: Path) -> dict[str, validate.Spec]:
        raise NotImplementedError

    #: Columns besides the fields' own that :meth:`prepare` reads (the fast path parses
    #: only these and the fields' columns).
    prepare_reads: tuple[str, ...] = ()

    def typed_columns(self, names: list[str], specs: dict[str, validate.Spec]) -> list[str]:
        """The columns of ``names`` the fast path parses: those the fields read and
        :attr:`prepare_reads` (a Comtrade file's 47 columns: 17 of them). A column left out
        that :meth:`prepare` reads after all only sends the file to the text path (the
        column is missing there), which reads every column."""
        used = set(self.prepare_reads) | {"_trailing"}
        for spec in specs.values():
            if spec.column is not None:
                used.add(spec.column)
            elif isinstance(spec, validate.Derived):
                used.update(spec.raw().meta.root_names())
        return [n for n in names if n in used]

    def read(self, path: str | Path) -> ReadResult:
        """Read ``path`` into canonical rows; problems are collected, not raised.

        A clean file takes the typed fast path (:mod:`tradestat.sources.typed`); anything
        else, or a file in which the fast path finds any fault, is read as text and every
        problem is reported with its line and column.
        """
        path = Path(path)
        fast = self.read_typed(path)
        if fast is not None:
            return fast
        raw = read_table(path, self.encoding, self.delimiter, self.skip_rows)
        specs = self.fields([c for c in raw.columns if c != LINE], path)
        raw, notes, extra = self.prepare(raw, specs)
        frame, problems, bad = validate.run(raw, specs, str(path), extra)
        return ReadResult(path, self.source, self.name, frame, problems, bad,
                          self.published(raw), notes, self.options())

    def read_typed(self, path: Path) -> ReadResult | None:
        """``path`` through the fast path for clean files, or None where it does not apply
        (a source that reworks rows before validation, a file that is not plain UTF-8) or
        finds anything amiss: then :meth:`read` takes the text path, which reports it.
        A reader's :meth:`prepare` runs here too (:meth:`prepare_typed`)."""
        if self.encoding not in UTF8:
            return None
        try:
            header, trailing, has_bom, _encoding = _head(path, self.encoding, self.delimiter,
                                                         self.skip_rows)
            if has_bom or _encoding not in UTF8:
                return None
            specs = self.fields(header, path)
        except TradestatError:  # the text path raises it, in its own order of checks
            return None
        names = [*header, "_trailing"] if trailing else header
        dtypes = typed.dtypes(names, specs)
        if dtypes is None:
            return None
        try:
            raw = typed.tidy(parse_typed(path, dtypes, self.delimiter, self.skip_rows,
                                         self.missing, self.typed_columns(names, specs)))
            prepared = self.prepare_typed(raw, specs) if raw is not None else None
            if prepared is None:
                return None
            raw, notes, extra = prepared
            canonical = typed.canonical(raw, specs, extra)
        # A cell or line the text path reports; a Polars panic on odd input is left to the
        # text path too, which has its own answer for every malformed file.
        except (pl.exceptions.PolarsError, ValueError, pl.exceptions.PanicException):
            return None
        if canonical is None:
            return None
        frame, order = canonical
        kept = [c for c in header if not c.startswith("_")]
        quarantine = pl.DataFrame(schema={LINE: pl.Int64, **dict.fromkeys(kept, pl.String),
                                          "_problems": pl.String})
        return ReadResult(path, self.source, self.name, frame, validate.empty_problems(),
                          quarantine, self.published(raw), notes, self.options(), order)

    def batches(self, path: Path, progress: Callable[..., None] | None = None
                ) -> Iterator[ReadResult]:
        """The rows of ``path`` in one or more batches that the store commits as ONE release.

        The default is a single batch, :meth:`read`. A reader of an archive overrides this to
        yield one result per member file (``path / member`` as its path), so that a big input
        is never held in memory whole. Batches are checked one by one: they must not share
        record keys. ``progress(message, done, total)`` may report the work done.

        A gzipped file (``.gz``) is read as the file inside it, and a zip archive as one batch
        per member of the kinds :attr:`suffixes` names (:mod:`tradestat.sources.files`).
        """
        if not files.packed(path):
            yield self.read(path)
            return
        yield from files.read_members(path, self.read, self.suffixes, progress)


def _reject(path: Path, code: str, hint: str, line: int | None = None,
            value: str | None = None, column: str | None = None) -> Rejected:
    return Rejected(str(path), [Problem(code, str(path), line, column, value, hint)], 1)


UTF8 = ("auto", "utf-8", "utf8", "utf-8-sig")


def decode(path: Path, data: bytes, encoding: str) -> str:
    """Decode ``data``: 'auto' tries UTF-8 (with or without BOM), then Latin-1."""
    tries = ["utf-8-sig", "latin-1"] if encoding == "auto" else [encoding]
    for enc in tries:
        try:
            return data.decode(enc)
        except UnicodeDecodeError as exc:
            last = exc
        except LookupError as exc:
            raise _reject(path, "encoding", f"{encoding!r} (unknown encoding)") from exc
    line = data.count(b"\n", 0, last.start) + 1
    raise _reject(path, "encoding", f"{encoding} (byte 0x{data[last.start]:02x})", line)


def _header(path: Path, head: str, delimiter: str, skip_rows: int) -> tuple[list[str], bool]:
    """The header's column names, and whether data lines end with a trailing delimiter."""
    lines = head.splitlines()[skip_rows:skip_rows + 2]
    if not lines or not lines[0].strip():
        raise _reject(path, "malformed-csv", "the file is empty or has no header line",
                      skip_rows + 1)
    rows = list(csv.reader(lines, delimiter=delimiter))
    header = [h.strip() for h in rows[0]]
    if len(header) > 1 and header[-1] == "":
        return _unnamed(path, header[:-1], skip_rows), True
    trailing = len(rows) > 1 and len(rows[1]) == len(header) + 1 and rows[1][-1] == ""
    return _unnamed(path, header, skip_rows), trailing


def _unnamed(path: Path, header: list[str], skip_rows: int) -> list[str]:
    """``header`` with each empty name (R's ``write.csv`` heads its row names "") replaced by
    ``_unnamed_<position>``: a column no reader or mapping uses, so it is ignored."""
    named = [h or f"{UNNAMED}{i}" for i, h in enumerate(header, 1)]
    if len(set(named)) != len(named):
        raise _reject(path, "malformed-csv", "the header has repeated column names",
                      skip_rows + 1)
    return named


def read_table(path: Path, encoding: str, delimiter: str, skip_rows: int = 0) -> pl.DataFrame:
    """Every column as text, plus the 1-based line number of each record.

    UTF-8 files go straight to Polars' parallel parser; anything else is decoded first.
    """
    header, trailing, has_bom, encoding = _head(path, encoding, delimiter, skip_rows)
    names = [*header, "_trailing"] if trailing else header
    source: Path | bytes = path
    if encoding not in UTF8 or has_bom:
        source = decode(path, path.read_bytes(), encoding).encode()
    try:
        frame = _parse(source, names, delimiter, skip_rows)
    except pl.exceptions.ComputeError as exc:
        if "utf-8" not in str(exc) or source is not path:
            raise _locate_csv_fault(path, encoding, delimiter, len(names), skip_rows) from exc
        if encoding != "auto":
            decode(path, path.read_bytes(), encoding)  # raises with the line of the bad byte
        try:
            frame = _parse(path.read_bytes().decode("latin-1").encode(), names, delimiter,
                           skip_rows)
        except (pl.exceptions.PolarsError, ValueError) as again:  # Latin-1 and malformed
            raise _locate_csv_fault(path, encoding, delimiter, len(names), skip_rows) from again
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise _locate_csv_fault(path, encoding, delimiter, len(names), skip_rows) from exc
    return _tidy(path, frame, trailing)


def _head(path: Path, encoding: str, delimiter: str, skip_rows: int
          ) -> tuple[list[str], bool, bool, str]:
    """The header's names, whether lines end in a delimiter, whether the file starts with a
    UTF-8 byte-order mark, and the encoding ('utf-16' where 'auto' sees its mark)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(1 << 16)
    except OSError as exc:
        raise _reject(path, "malformed-csv", f"cannot read the file: {exc.strerror}") from exc
    has_bom = head.startswith(b"\xef\xbb\xbf")
    if encoding == "auto" and head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"  # a UTF-16 byte-order mark (Excel's "Unicode text")
    head_text = head.decode("utf-8-sig" if encoding in UTF8 else encoding, errors="replace")
    if len(head) == 1 << 16:
        head_text = head_text[: head_text.rfind("\n") + 1] or head_text
    header, trailing = _header(path, head_text, delimiter, skip_rows)
    return header, trailing, has_bom, encoding


def _parse(source: Path | bytes, names: list[str], delimiter: str, skip_rows: int
           ) -> pl.DataFrame:
    src = io.BytesIO(source) if isinstance(source, bytes) else source
    return pl.read_csv(src, has_header=False, skip_rows=skip_rows + 1, new_columns=names,
                       infer_schema=False, separator=delimiter, row_index_name=LINE,
                       row_index_offset=2 + skip_rows, truncate_ragged_lines=False,
                       raise_if_empty=False, glob=False)  # a file name may contain [ or *


def parse_typed(path: Path | bytes, dtypes: dict[str, pl.DataType], delimiter: str,
                skip_rows: int, missing: tuple[str, ...] = (),
                columns: list[str] | None = None) -> pl.DataFrame:
    """The file (a path, or its bytes) with ``dtypes`` (the fast path), and the line number
    of each record; only ``columns`` where given (the others are split, never parsed).

    A lazy scan, collected: it parses on every core, where ``read_csv`` here used about one.
    ``missing`` (R's ``NA``) reads as null, as :meth:`validate.Spec.raw` reads it on the text
    path: a number column holding it stays on this path.

    Categorical columns are parsed as text and cast in the same plan: the same categories,
    for about half the CPU of parsing straight into categoricals (a 10 M-row BACI year's four
    code columns: 2.7 + 1.5-2.0 CPU-s against 5.6-6.1 CPU-s with Polars 2.1).
    """
    keep = list(dtypes) if columns is None else columns
    cast = [c for c in keep if isinstance(dtypes[c], pl.Categorical)]
    schema = {c: pl.String if isinstance(d, pl.Categorical) else d for c, d in dtypes.items()}
    return pl.scan_csv(path, has_header=False, skip_rows=skip_rows + 1, schema=schema,
                       separator=delimiter, row_index_name=LINE, row_index_offset=2 + skip_rows,
                       truncate_ragged_lines=False, raise_if_empty=False, glob=False,
                       null_values=list(missing) or None
                       ).select(LINE, *keep).with_columns(pl.col(c).cast(dtypes[c])
                                                          for c in cast).collect()


def _tidy(path: Path, frame: pl.DataFrame, trailing: bool) -> pl.DataFrame:
    frame = frame.with_columns(pl.col(LINE).cast(pl.Int64))
    data_cols = [c for c in frame.columns if c != LINE]
    if data_cols:
        frame = frame.filter(~pl.all_horizontal(pl.col(c).is_null() for c in data_cols))
    if trailing and "_trailing" in frame.columns:  # absent when no line could be split
        extra = frame.filter(pl.col("_trailing").is_not_null())
        if extra.height:
            raise _reject(path, "malformed-csv", "the line has more fields than the header",
                          int(extra[LINE][0]))
        frame = frame.drop("_trailing")
    if not frame.height:  # else an empty release would be committed
        raise _reject(path, "malformed-csv", "no data lines after the header (or the lines "
                      "do not end in LF or CRLF)")
    return frame


def _locate_csv_fault(path: Path, encoding: str, delimiter: str, n_fields: int,
                      skip_rows: int) -> Rejected:
    """Find the line Polars could not parse (a slow scan, run only on failure)."""
    text = decode(path, path.read_bytes(), encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for row in reader:
            if reader.line_num > skip_rows + 1 and len(row) > n_fields:
                return _reject(path, "malformed-csv",
                               f"{len(row)} fields where the header has {n_fields}",
                               reader.line_num)
    except csv.Error as exc:
        return _reject(path, "malformed-csv", f"cannot split the line ({exc})", reader.line_num)
    return _reject(path, "malformed-csv", "the file cannot be parsed as delimited text")
