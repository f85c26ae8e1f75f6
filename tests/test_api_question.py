"""The Question API (issue 16 item 1): a question built by keyword, hashable (the server's
cache key), answered by every analytic; the keyword functions give the same answers. Values from
pandas over the real Comtrade files."""

from __future__ import annotations

import pandas as pd
import pytest

import tradestat
from tradestat.analytics import Question, answer
from tradestat.errors import InputError

REL = 1e-9


def test_a_question_is_frozen_hashable_and_equal_by_value() -> None:
    a = Question("rank", flow="export", period="2023", reporter=["CHN", "KOR"])
    b = Question("rank", flow="export", period="2023", reporter=("CHN", "KOR"))
    assert a == b and hash(a) == hash(b) and a.reporter == ("CHN", "KOR")
    assert len({a, b, Question("rank", flow="export", period="2022")}) == 2
    with pytest.raises(AttributeError):
        a.period = "2024"  # type: ignore[misc]
    assert Question("figure", flow="export", period=2024) == Question(
        "figure", flow="export", period="2024")


def test_a_question_says_what_it_lacks() -> None:
    with pytest.raises(InputError, match="'gravity' is not an analytic"):
        Question("gravity", flow="export")
    with pytest.raises(InputError, match="figure needs --reporter"):
        answer("/nonexistent", Question("figure", flow="export", period="2024"))


def test_figure_of_a_question_matches_pandas_and_the_keyword_function(
        store: tradestat.Store, annual: pd.DataFrame) -> None:
    chn = annual[annual["reporter"] == "CHN"].set_index("period")["value"]
    q = Question("figure", flow="export", reporter="China", period="2024", product="8542")
    fig = answer(store, q)
    assert fig.value == pytest.approx(chn[2024], rel=REL)
    assert fig.yoy_pct == pytest.approx((chn[2024] / chn[2023] - 1) * 100, rel=REL)
    same = tradestat.figure(store, reporter="CHN", flow="export", period="2024",
                            product="8542")
    assert same.to_dict() == fig.to_dict()


def test_rank_and_top_of_a_question(store: tradestat.Store, annual: pd.DataFrame) -> None:
    y2023 = annual[annual["period"] == 2023].groupby("reporter")["value"].sum()
    first = y2023.sort_values(ascending=False).head(3)
    r = answer(store, Question("rank", flow="export", period="2023", product="8542", top=3))
    assert [row.code for row in r.rows] == list(first.index)
    assert [row.value for row in r.rows] == pytest.approx(list(first.values), rel=REL)
    assert r.total == pytest.approx(y2023.sum(), rel=REL)
    t = answer(store, Question("top", flow="export", period="2023", reporter="CHN",
                               level=4, top=5))
    chn = annual[(annual["period"] == 2023) & (annual["reporter"] == "CHN")]["value"].sum()
    assert [(row.code, row.value) for row in t.rows] == [("8542", pytest.approx(chn, rel=REL))]
    assert t.to_dict() == tradestat.top(store, "CHN", "export", "2023", level=4,
                                        top=5).to_dict()


def test_series_and_compare_of_a_question(store: tradestat.Store, annual: pd.DataFrame) -> None:
    kor = annual[annual["reporter"] == "KOR"].set_index("period")["value"]
    s = answer(store, Question("series", flow="export", reporter="KOR", product="8542",
                               freq="A", period="2019..2021"))
    assert [(p.period, p.value) for p in s.points] == [
        (str(y), pytest.approx(kor[y], rel=REL)) for y in (2019, 2020, 2021)]
    c = answer(store, Question("compare", flow="export", reporter="KOR", period="2021",
                               codes=("8542", "TOTAL")))
    assert c.items[0].figure.value == pytest.approx(kor[2021], rel=REL)
    assert c.to_dict() == tradestat.compare(store, "KOR", "export", "2021",
                                            codes=["8542", "TOTAL"]).to_dict()
