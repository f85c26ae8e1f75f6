"""The analyst's toolkit in the JSON API (issue 15): each endpoint answers what the library
(and the CLI's --json) answers, on a store of real files; bad parameters are 400s naming
them, unknown groups 404."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from test_toolkit_cli import COMTRADR, comtradr, store  # noqa: F401  (fixtures)
from tradestat.analytics.balance import balance
from tradestat.analytics.shares import contribution
from tradestat.server.app import create_app


@pytest.fixture(scope="module")
def client(store: Path):  # noqa: F811
    with TestClient(create_app(store), raise_server_exceptions=False) as c:
        yield c


def test_balance_is_the_library_s(client: TestClient, store: Path) -> None:  # noqa: F811
    r = client.get("/api/balance", params={"reporter": "CHN", "period": "2019",
                                           "product": "TOTAL"})
    assert r.status_code == 200, r.text
    want = balance(store, "CHN", "2019", product="TOTAL")
    assert r.json()["value"] == pytest.approx(want.value, rel=1e-12)
    assert r.json()["kind"] == "surplus"


def test_contribution_and_groups(client: TestClient, store: Path,  # noqa: F811
                                 comtradr: pd.DataFrame) -> None:  # noqa: F811
    r = client.get("/api/contribution", params={"reporter": "DEU", "flow": "import",
                                                "period": "2022", "product": "44",
                                                "level": 4})
    assert r.status_code == 200, r.text
    want = contribution(store, "DEU", "import", "2022", product="44", level=4)
    assert [x["code"] for x in r.json()["rows"]] == [p.code for p in want.rows]
    g = client.get("/api/groups/eu28", params={"on": "2013-07-01"}).json()
    assert g["code"] == "EU" and len(g["members_on"]) == 28
    grp = client.get("/api/group/EU27", params={"flow": "import", "period": "2020",
                                                "product": "48"}).json()
    rows = comtradr[(comtradr.ref_year == 2020) & (comtradr.cmd_code == "48")]
    assert grp["value"] == pytest.approx(rows.primary_value.sum(), rel=1e-12)


@pytest.mark.parametrize(("path", "params", "status", "text"), [
    ("/api/groups/NAFTA", {}, 404, "no country group 'NAFTA'"),
    ("/api/mirror", {"reporter": "CHN", "partner": "USA", "flow": "export",
                     "period": "2021", "cif_fob": 3}, 422, "cif_fob: Input should be less"),
    ("/api/concentration", {"reporter": "USA", "flow": "import", "period": "2021",
                            "by": "reporter"}, 422, "by: String should match"),
    ("/api/balance", {"reporter": "USA", "period": "2021", "product": "TOTAL"}, 400,
     "no balance"),
])
def test_bad_requests_say_why(client: TestClient, path: str, params: dict, status: int,
                              text: str) -> None:
    r = client.get(path, params=params)
    assert r.status_code == status, r.text
    assert text in r.text


def test_a_toolkit_question_is_answered_like_the_function(store: Path) -> None:  # noqa: F811
    from tradestat.analytics import Question, answer
    from tradestat.errors import InputError

    q = Question("balance", reporter="China", period="2019", product="TOTAL")
    assert hash(q) == hash(Question("balance", reporter="China", period="2019",
                                    product="TOTAL"))
    assert answer(store, q).value == balance(store, "CHN", "2019", product="TOTAL").value
    with pytest.raises(InputError, match="mirror needs --partner"):
        answer(store, Question("mirror", reporter="CHN", flow="export", period="2021"))
    with pytest.raises(InputError, match="figure needs --flow"):
        answer(store, Question("figure", reporter="CHN", period="2021"))


def test_figure_view_mirror(client: TestClient, comtradr: pd.DataFrame) -> None:  # noqa: F811
    usa = comtradr[(comtradr.reporter_iso == "USA") & (comtradr.partner_iso == "MEX")
                   & (comtradr.ref_year == 2021)].primary_value.sum()
    r = client.get("/api/figure", params={"reporter": "MEX", "flow": "export",
                                          "period": "2021", "product": "TOTAL",
                                          "view": "mirror"})
    assert r.status_code == 200, r.text
    assert r.json()["value"] == pytest.approx(usa / 1.06, rel=1e-12)
    bad = client.get("/api/figure", params={"reporter": "MEX", "flow": "export",
                                            "period": "2021", "view": "x"})
    assert bad.status_code == 422 and "view" in bad.text
