"""Generated stores and questions for the differential tests (tests/test_differential.py).

A store is a few reporters' trade published by two or three sources: annual, monthly and
cumulative ("1 to M") releases, world rows or only partner rows, HS subheadings with or without
their headings, chapters and TOTAL, missing months and years, January and February published
together, revisions in later releases, published year-on-year changes, a customs regime beside
the total, and two HS editions (HS2017 up to 2021, HS2022 after) in some stores. Values are
whole numbers, so sums are exact.

Hypothesis draws the structure (which sources, reporters, kinds of rows, revisions); a seed it
draws feeds numpy for the bulk (values, which months are missing), so a store is cheap to
generate and the same seed always gives the same store.

Rows are ingested through :class:`FrameReader`, a test-only reader that hands the store a
canonical frame as it is (one release per call), so ingest validation is bypassed; the codes
used are nevertheless real HS2017 and HS2022 codes.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
from hypothesis import strategies as st

from tradestat import Store
from tradestat.sources import validate
from tradestat.sources.base import Reader, ReadResult

REPORTERS = ("CHN", "KOR", "JPN", "VNM", "DEU")
PARTNERS = ("HKG", "SGP", "MEX", "BRA")
#: comtrade, baci and gacc come first in the default order (R4); "agency" and "other" by name.
SOURCES = ("comtrade", "baci", "gacc", "agency", "other")
#: chapter -> heading -> subheadings: codes that exist in both HS2017 and HS2022.
TREE = {"85": {"8541": ("854110", "854121"), "8542": ("854231", "854232", "854239")},
        "87": {"8703": ("870321", "870380")}}
HEADINGS = {h: subs for chapter in TREE.values() for h, subs in chapter.items()}
LEAVES = tuple(c for subs in HEADINGS.values() for c in subs)
CODES = ("85", "87", *HEADINGS, *LEAVES)
#: User baskets written to <store>/baskets.toml, listed in both editions the data use.
BASKETS = {"dt_chips": ["8542", "854110"], "dt_mixed": ["8541", "854231", "870380"],
           "dt_nested": ["85", "8542", "870321"]}
FRAME_SCHEMA = {"reporter": pl.String, "partner": pl.String, "flow": pl.String,
                "regime": pl.String, "freq": pl.String, "period": pl.Int32,
                "classification": pl.String, "product": pl.String, "value": pl.Float64,
                "currency": pl.String, "published_yoy_pct": pl.Float64}
ROW = tuple(FRAME_SCHEMA)


class FrameReader(Reader):
    """Hands the store a canonical frame as it is: one release, published on ``published``.

    It also hands over the order the store writes rows in, as the typed fast path of the real
    readers does: the store's own sort (``store.sort_rows``, taken by the text path) fails on a
    frame whose rows share every sort key, e.g. a month value and a cumulative value of one
    code in one month and nothing else (a Polars ShapeError; not what these tests are about).
    """

    name = "differential-frame"

    def __init__(self, source: str, frame: pl.DataFrame, published: str) -> None:
        self.source, self._frame, self._published = source, frame, published

    def read(self, path: str | Path) -> ReadResult:
        year = pl.when(pl.col("period") >= 10000).then(pl.col("period") // 100).otherwise(
            pl.col("period")).alias("year")
        order = (self._frame.with_row_index("_row").with_columns(year)
                 .sort(["flow", "year", "reporter", "product", "period", "partner"],
                       maintain_order=True).get_column("_row"))
        return ReadResult(Path(path), self.source, self.name, self._frame,
                          validate.empty_problems(), pl.DataFrame(), self._published,
                          order=order)


# ----------------------------------------------------------------------------- the store's plan


@dataclass
class Release:
    source: str
    published: str
    rows: list[tuple]  # in the order of ROW

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.rows, schema=FRAME_SCHEMA, orient="row")


@dataclass
class StoreSpec:
    """What to ingest, in order, and what the questions may ask about."""

    releases: list[Release]
    reporters: list[str]
    partners: list[str]
    sources: list[str]
    years: list[int]
    editions: list[str] = field(default_factory=lambda: ["HS2022"])

    def __repr__(self) -> str:  # hypothesis prints it on failure: keep it to one line
        n = sum(len(r.rows) for r in self.releases)
        return (f"StoreSpec({len(self.releases)} releases, {n} rows, sources={self.sources}, "
                f"reporters={self.reporters}, years={self.years})")

    def dates(self) -> list[str]:
        return sorted({r.published for r in self.releases})


@dataclass
class Profile:
    """How one source publishes one reporter."""

    leaves: list[str]
    partners: list[str]
    world: str  # always | sometimes | never
    kinds: list[str]
    p_heading: float
    p_chapter: float
    p_total: float
    flows: list[str]
    yoy: bool
    regime: bool


@st.composite
def profiles(draw: st.DrawFn, partners: list[str]) -> Profile:
    kinds = draw(st.sampled_from(["A", "M", "C", "AM", "MC", "AC", "AMC"]))
    has_partners = draw(st.sampled_from([False, False, True]))
    return Profile(
        leaves=sorted(draw(st.lists(st.sampled_from(LEAVES), min_size=1, max_size=3,
                                    unique=True))),
        partners=sorted(draw(st.lists(st.sampled_from(partners), min_size=1, max_size=2,
                                      unique=True))) if has_partners else [],
        world=draw(st.sampled_from(["always", "always", "sometimes", "never"]))
        if has_partners else "always",
        kinds=list(kinds),
        p_heading=draw(st.sampled_from([0.0, 0.6, 1.0])),
        p_chapter=draw(st.sampled_from([0.0, 0.5])),
        p_total=draw(st.sampled_from([0.0, 0.5, 1.0])),
        flows=draw(st.sampled_from([["export"]] * 4 + [["export", "import"]])),
        yoy=draw(st.booleans()),
        regime=draw(st.sampled_from([False] * 3 + [True])),
    )


@st.composite
def stores(draw: st.DrawFn) -> StoreSpec:
    """A store's releases: 2-3 sources over 3-4 reporters and three years (a few hundred
    rows: the engine's time per question grows with the rows)."""
    sources = sorted(draw(st.lists(st.sampled_from(SOURCES), min_size=2,
                                   max_size=draw(st.sampled_from([2, 2, 3])), unique=True)))
    reporters = sorted(draw(st.lists(st.sampled_from(REPORTERS), min_size=3, max_size=4,
                                     unique=True)))
    partners = sorted(draw(st.lists(st.sampled_from(PARTNERS), min_size=2, max_size=3,
                                    unique=True)))
    first = draw(st.sampled_from([2021, 2022]))
    years = [first, first + 1, first + 2]
    two_editions = first == 2021 and draw(st.booleans())
    plans = {}
    for source in sources:
        covered = draw(st.lists(st.sampled_from(reporters), min_size=1, max_size=2,
                                unique=True))
        plans[source] = {r: draw(profiles(partners)) for r in sorted(covered)}
    split = {s: draw(st.sampled_from(["one", "one", "kind", "year"])) for s in sources}
    # a store with revisions takes the engine twice as long a question: about half have some
    revisions = {s: draw(st.sampled_from([0, 0, 0, 1, 1, 2])) for s in sources}
    shuffle = draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    releases = []
    for source in sources:
        rows = [row for reporter, profile in plans[source].items()
                for row in publish(rng, reporter, profile, years, two_editions)]
        base = split_releases(rng, source, rows, split[source])
        releases += base + [revise(rng, source, base, rows) for _ in range(revisions[source])]
    releases = [r for r in releases if r.rows]
    releases.sort(key=lambda r: (r.published, r.source))
    if shuffle and len(releases) > 2:  # one release ingested out of its publication order
        i = int(rng.integers(0, len(releases) - 1))
        releases[i], releases[i + 1] = releases[i + 1], releases[i]
    editions = ["HS2017", "HS2022"] if two_editions else ["HS2022"]
    # a source all of whose years went missing has no release: not a source of the store (R13
    # refuses --source for it)
    sources = sorted({r.source for r in releases})
    return StoreSpec(releases, reporters, partners, sources, years, editions)


# ----------------------------------------------------------------------------- rows


def _nodes(leaves: list[str]) -> list[str]:
    """The leaves with every heading, chapter and TOTAL above them, parents after children."""
    heads = sorted({c[:4] for c in leaves})
    chapters = sorted({c[:2] for c in leaves})
    return [*leaves, *heads, *chapters, "TOTAL"]


def _children(node: str, nodes: list[str]) -> list[str]:
    if node == "TOTAL":
        return [n for n in nodes if len(n) == 2]
    return [n for n in nodes if n != node and n.startswith(node) and len(n) == len(node) + 2]


def monthly_values(rng: np.random.Generator, profile: Profile, n_months: int
                   ) -> dict[tuple[str, str], np.ndarray]:
    """Whole-number month values per (partner, node); a parent is its children's sum plus
    some unallocated trade; the world is its partners' sum plus trade with the rest."""
    nodes = _nodes(profile.leaves)
    out: dict[tuple[str, str], np.ndarray] = {}
    for partner in [*profile.partners, "WLD"]:
        for node in nodes:
            kids = _children(node, nodes)
            if partner == "WLD" and profile.partners:
                own = sum(out[(p, node)] for p in profile.partners)
            elif not kids:
                own = rng.integers(1, 1000, n_months).astype(float)
            else:
                own = sum(out[(partner, k)] for k in kids)
            extra = 0.0 if not kids and partner != "WLD" else rng.integers(0, 60, n_months)
            out[(partner, node)] = own + extra
    return out


def _shown(rng: np.random.Generator, profile: Profile, nodes: list[str]) -> list[str]:
    """The codes a table publishes: leaves always, parents by chance."""
    chance = {4: profile.p_heading, 2: profile.p_chapter, 5: profile.p_total}
    return [n for n in nodes if len(n) == 6 or rng.random() < chance[len(n)]]


def _periods(rng: np.random.Generator, profile: Profile, years: list[int]
             ) -> list[tuple[str, int, int, list[int]]]:
    """(freq, period, year index, month indexes it sums) for each published value; years and
    months go missing by chance; some years publish January and February only together."""
    out = []
    for i, year in enumerate(years):
        combined = "C" in profile.kinds and rng.random() < 0.3
        for kind in profile.kinds:
            if rng.random() < (0.15 if kind == "A" else 0.3):
                continue  # a missing year
            if kind == "A":
                out.append(("A", year, i, list(range(i * 12, i * 12 + 12))))
                continue
            for m in range(1, 13):
                if rng.random() < 0.12 or (combined and (m == 1 or (kind == "M" and m == 2))):
                    continue
                months = [i * 12 + m - 1] if kind == "M" else list(range(i * 12, i * 12 + m))
                out.append((kind, year * 100 + m, i, months))
    return out


def publish(rng: np.random.Generator, reporter: str, profile: Profile, years: list[int],
            two_editions: bool) -> list[tuple]:
    """One source's rows for one reporter.

    A source publishes one table a year for annual values and one for monthly and cumulative
    values: the codes it shows, and whether it has a world row, are the same in every month of
    a year's table (they change from year to year). Where they changed from month to month,
    figures.md does not say whether R6 works on the reporter's values (its reading in the
    oracle) or product by product, and the two disagree.
    """
    rows = []
    nodes = _nodes(profile.leaves)
    for flow in profile.flows:
        values = monthly_values(rng, profile, 12 * len(years))
        tables: dict[tuple[int, bool], tuple[list[str], list[str]]] = {}
        for freq, period, i, months in _periods(rng, profile, years):
            key = (i, freq == "A")
            if key not in tables:
                world = profile.world == "always" or (profile.world == "sometimes"
                                                      and rng.random() < 0.5)
                tables[key] = (_shown(rng, profile, nodes),
                               [*profile.partners, "WLD"] if world else profile.partners)
            codes, who = tables[key]
            edition = "HS2017" if two_editions and years[i] < 2022 else "HS2022"
            extra = 0 if freq == "M" else int(rng.integers(0, 30))  # revisions in A, C
            for product in codes:
                for partner in who:
                    value = float(values[(partner, product)][months].sum() + extra)
                    rows.append((reporter, partner, flow, "total", freq, period, edition,
                                 product, value, "USD", None))
    if profile.yoy:
        rows = _with_published_yoy(rng, rows)
    if profile.regime:
        rows += [(*r[:3], "processing", *r[4:8], float(rng.integers(1, 500)), *r[9:])
                 for r in rows if rng.random() < 0.2]
    return rows


def _with_published_yoy(rng: np.random.Generator, rows: list[tuple]) -> list[tuple]:
    """A printed change beside monthly and cumulative values: mostly the true one (to a
    tenth), sometimes another, sometimes none."""
    index = {r[:8]: r[8] for r in rows}
    out = []
    for r in rows:
        yoy = None
        if r[4] in "MC" and rng.random() < 0.8:
            before = index.get((*r[:5], r[5] - 100, *r[6:8]))
            before = before if before is not None else index.get((*r[:5], r[5] - 100,
                                                                  "HS2017", r[7]))
            if before and rng.random() < 0.7:
                yoy = round((r[8] / before - 1) * 100, 1)
            else:
                yoy = round(float(rng.uniform(-30, 50)), 1)
        out.append((*r[:10], yoy))
    return out


# ----------------------------------------------------------------------------- releases


def _date(year: int, rng: np.random.Generator, after: str | None = None) -> str:
    if after is not None:
        day = dt.date.fromisoformat(after) + dt.timedelta(days=int(rng.integers(5, 200)))
        return day.isoformat()
    return dt.date(year, int(rng.integers(1, 5)), int(rng.integers(1, 29))).isoformat()


def _year_of(row: tuple) -> int:
    period = row[5]
    return period if period < 10000 else period // 100


def split_releases(rng: np.random.Generator, source: str, rows: list[tuple], how: str
                   ) -> list[Release]:
    """A source's rows as one release, one per kind of row (annual, months) or one per year;
    each published early in the year after its last year of data."""
    if how == "one":
        keys = {0: rows}
    elif how == "kind":
        keys = {k: [r for r in rows if (r[4] == "A") == (k == "A")] for k in ("A", "M")}
    else:
        keys = {y: [r for r in rows if _year_of(r) == y] for y in sorted({_year_of(r)
                                                                          for r in rows})}
    out = []
    for part in keys.values():
        if part:
            last = max(_year_of(r) for r in part)
            out.append(Release(source, _date(last + 1, rng), part))
    return out


def revise(rng: np.random.Generator, source: str, base: list[Release], rows: list[tuple]
           ) -> Release:
    """A later release of ``source`` re-covering some (reporter, flow, freq, period) groups
    whole (every partner and product of them) with other values."""
    groups = sorted({(r[0], r[2], r[4], r[5]) for r in rows})
    chosen = {g for g in groups if rng.random() < 0.15}
    revised = []
    for r in rows:
        if (r[0], r[2], r[4], r[5]) in chosen:
            value = max(1.0, r[8] + float(rng.integers(-40, 41)))
            revised.append((*r[:8], value, *r[9:]))
    latest = max((b.published for b in base), default="2020-01-01")
    return Release(source, _date(0, rng, after=latest), revised)


# ----------------------------------------------------------------------------- ingest


@dataclass
class Built:
    store: Store
    records: pd.DataFrame
    tmp: tempfile.TemporaryDirectory

    def close(self) -> None:
        self.tmp.cleanup()


def baskets_toml(editions: list[str]) -> str:
    lines = []
    for name, codes in BASKETS.items():
        lines.append(f"[{name}]\ndescription = \"differential test basket\"")
        lines += [f"{e} = [{', '.join(repr(c).replace(chr(39), chr(34)) for c in codes)}]"
                  for e in editions]
        lines.append("")
    return "\n".join(lines)


def build(spec: StoreSpec) -> Built:
    """Ingest ``spec``'s releases in order into a new store; the records as the oracle reads
    them (release id, ingest sequence and effective date added)."""
    tmp = tempfile.TemporaryDirectory(prefix="differential-")
    root = Path(tmp.name)
    store = Store(root / "store")
    frames = []
    for i, release in enumerate(spec.releases):
        path = root / f"release-{i}.txt"
        path.write_text(f"release {i} of {release.source}, {len(release.rows)} rows\n")
        result = store.ingest(FrameReader(release.source, release.frame(), release.published),
                              path)
        assert result.status == "committed", result
        frame = pd.DataFrame(release.rows, columns=list(ROW))
        frames.append(frame.assign(source=release.source, release=result.release.id,
                                   seq=result.release.seq,
                                   published=result.release.effective))
    (store.root / "baskets.toml").write_text(baskets_toml(spec.editions))
    records = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=[*ROW, "source", "release", "seq", "published"])
    return Built(store, records, tmp)
