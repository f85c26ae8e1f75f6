"""A typed catalogue of data problems (code, title, message template).

A reader never raises on the first bad cell: it collects :class:`Problem` records, each naming
the file, line and column, so a user sees every kind of fault at once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ProblemType:
    code: str
    title: str
    template: str


CATALOGUE: dict[str, ProblemType] = {
    t.code: t
    for t in (
        ProblemType("bad-hs-code", "Bad HS code",
                    "{value!r} is not an HS code (2, 4, 6, 8-12 digits or TOTAL){hint}"),
        ProblemType("bad-period", "Bad period", "{value!r} is not a valid {hint} period"),
        ProblemType("bad-freq", "Bad frequency",
                    "{value!r} is not a frequency (A, M or C: cumulative)"),
        ProblemType("unknown-label", "Unknown row label",
                    "{value!r} is not a customs regime, enterprise type or commodity item "
                    "declared in the China Customs map{hint}"),
        ProblemType("unknown-unit", "Unknown unit", "{value!r} is not a unit of {hint}"),
        ProblemType("bad-classification", "Bad classification",
                    "{value!r} is not a known classification{hint}"),
        ProblemType("unknown-flow", "Unknown flow", "{value!r} is not a known trade flow"),
        ProblemType("non-numeric-value", "Non-numeric value", "{value!r} is not a number"),
        ProblemType("negative-value", "Negative value", "{value!r} is negative"),
        ProblemType("missing-value", "Missing value", "the field is empty"),
        ProblemType("duplicate-key", "Duplicate key",
                    "same record key as line {hint}"),
        ProblemType("unknown-country", "Unknown country code",
                    "{value!r} is not a known country or area code{hint}"),
        ProblemType("encoding", "Encoding", "cannot decode the bytes as {hint}"),
        ProblemType("malformed-csv", "Malformed CSV", "{hint}"),
        ProblemType("malformed-html", "Malformed HTML table", "{hint}"),
        ProblemType("missing-column", "Missing column",
                    "the file has no column(s) {value}{hint}"),
        ProblemType("breakdown-without-total", "Breakdown without total",
                    "a {hint} breakdown row with no total row for the same record"),
        ProblemType("bad-archive", "Bad archive", "{hint}"),
        ProblemType("wrong-year", "Wrong year",
                    "{value!r} is not the year of this file ({hint})"),
    )
}


@dataclass(frozen=True)
class Problem:
    """One fault in one input cell (or line, where ``column`` is empty)."""

    code: str
    path: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    hint: str = ""

    @property
    def title(self) -> str:
        return CATALOGUE[self.code].title

    @property
    def message(self) -> str:
        return CATALOGUE[self.code].template.format(value=self.value, hint=self.hint)

    def describe(self) -> str:
        where = self.path
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.code}: {self.message}"

    def to_dict(self) -> dict:
        return {**asdict(self), "title": self.title, "message": self.message}
