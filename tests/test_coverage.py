"""Typed coverage (analytics.coverage.Coverage): attributes for readers, and the JSON the API
and --json print unchanged. Expected values from pandas over the real Comtrade files."""

from __future__ import annotations

import json

import pandas as pd

from tradestat import analytics
from tradestat.analytics.coverage import Coverage


def test_attributes_read_the_document_and_the_json_is_a_plain_object(store, annual) -> None:
    fig = analytics.figure(store.root, "CHN", "export", "2024", product="8542")
    cur, prev = fig.coverage["current"], fig.coverage["previous"]
    assert isinstance(cur, Coverage) and isinstance(prev, Coverage)
    assert cur.reporters == ["CHN"] and cur.n_reporters == 1 and cur.years == [2024]
    assert cur.months == [f"2024-{m:02d}" for m in range(1, 13)]
    assert cur.missing_months == {} and cur.partner_rows == "world"
    assert cur.sources == ["comtrade"] and len(cur.releases) == 1
    rows = annual[(annual.reporter == "CHN") & (annual.period == 2024)]
    editions = {f"H{i}": f"HS{y}" for i, y in enumerate((1992, 1996, 2002, 2007, 2012, 2017,
                                                          2022))}
    assert cur.rows == len(rows)
    assert cur.classifications == sorted({editions[c] for c in rows.classificationCode})
    assert cur.period == {"start": "2024-01", "end": "2024-12", "label": "2024"}
    assert cur.cumulative == [] and cur.source_by_reporter == {}
    # the document is the dict it always was: same keys, same JSON
    assert cur.to_dict() == dict(cur) and type(cur.to_dict()) is dict
    assert json.loads(json.dumps(fig.to_dict()))["coverage"]["current"] == dict(cur)
    assert list(cur) == ["period", "freq", "months", "years", "missing_months", "reporters",
                         "n_reporters", "partner_rows", "classifications", "releases",
                         "sources", "rows", "engine"]


def test_missing_months_of_a_partial_span(store, monthly: pd.DataFrame) -> None:
    """The United States has no August 2025 in the monthly file (pandas)."""
    usa = monthly[monthly.reporter == "USA"]
    missing = [f"2025-{m:02d}" for m in range(1, 9) if 202500 + m not in set(usa.period)]
    assert missing == ["2025-08"]
    fig = analytics.figure(store.root, "USA", "export", "2025-01..2025-08", product="8542")
    assert fig.coverage["current"].missing_months == {"USA": missing}
    ranking = analytics.rank(store.root, "export", "2025-01..2025-08", product="8542")
    assert ranking.coverage["current"].n_reporters == monthly.reporter.nunique()
