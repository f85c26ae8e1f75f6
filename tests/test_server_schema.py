"""schemathesis against the app's own OpenAPI description (in-process ASGI, a small store of
the real Comtrade files): no 5xx for any generated input, and every answer — the documents
and the error bodies — conforms to the schema it is described by.

Each operation is its own test with a bounded number of generated cases (schemathesis's
pytest plugin does not run under pytest 9, so the cases are drawn with Hypothesis directly).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

from analytics_data import ANNUAL, MONTHLY
from tradestat import ComtradeReader, Store
from tradestat.server import create_app

CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance,
          checks.negative_data_rejection]
EXAMPLES = 15
_IC = {"reporter": "CHN", "flow": "export", "basket": "integrated_circuits", "period": "2024"}
_BRA = {"reporter": "BRA", "flow": "export", "product": "8542", "period": "2025-01..2025-08"}
#: Requests that must succeed, so that the documents (not only the error bodies) are checked
#: against the schema: random strings are almost never a reporter, period and product at once.
VALID: dict[str, list[dict]] = {
    "GET /api/figure": [{"query": _IC}, {"query": _BRA}, {"query": _BRA | {"currency": "EUR"}}],
    "GET /api/compare": [{"query": {**_BRA, "product": ["8542", "854231"]}}],
    "GET /api/rank": [{"query": {"flow": "export", "product": "8542", "period": "2023",
                                 "top": 3}},
                      {"query": {"flow": "export", "product": "8542", "period": "2023",
                                 "by": "product", "reporter": ["CHN"], "level": 6}}],
    "GET /api/top": [{"query": {"reporter": "KOR", "flow": "export", "period": "2022"}}],
    "GET /api/series": [{"query": {"flow": "export", "reporter": "BRA", "product": "8542"}},
                        {"query": {"flow": "export", "basket": "integrated_circuits",
                                   "freq": "A", "period": "2020..2024"}}],
    "GET /api/countries/{query}": [{"path_parameters": {"query": "Other Asia, nes"}}],
    "GET /api/hs/{code}": [{"path_parameters": {"code": "854231"}}],
    "GET /api/baskets/{name}": [{"path_parameters": {"name": "mobile_phones"},
                                 "query": {"version": "HS2017"}}],
    "POST /api/check": [{"body": {"text": "Brazil's exports of integrated circuits rose in "
                                  "the first eight months of 2025."}}],
    "GET /api/ask": [{"query": {"q": "How much did Brazil export in chips in January-August "
                                      "2025?"}},
                     {"query": {"q": "Which countries exported the most integrated circuits "
                                     "in 2023?"}}],
    "GET /api/event": [{"query": {"date": "2025-04-05", "reporter": "BRA", "flow": "export",
                                  "product": "8542", "window": 3}}],
    "GET /api/chart/{kind}": [{"path_parameters": {"kind": k},
                               "query": _BRA | {"compare": ["semiconductors"]}}
                              for k in ("monthly", "ytd", "comparison", "ranking")],
}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> schemathesis.BaseSchema:
    store = Store(tmp_path_factory.mktemp("schema") / "store")
    for name in (ANNUAL, MONTHLY):
        store.ingest(ComtradeReader(), shared_data / "comtrade" / name)
    # A generous time limit: a slow shared machine must not turn into 504s here.
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(store, time_limit=60))


def _cases() -> list[tuple[str, GenerationMode]]:
    """Each operation with valid cases; those with parameters also with invalid ones."""
    app = create_app(Path("/nonexistent/tradestat-store"))
    found = [op.ok() for op in schemathesis.openapi.from_asgi("/openapi.json", app)
             .get_all_operations()]
    return [(op.label, mode) for op in found for mode in GenerationMode
            if mode is GenerationMode.POSITIVE
            or len(op.query) or len(op.path_parameters) or op.body]


@pytest.mark.parametrize(("label", "mode"), _cases())
def test_operation_conforms_to_its_schema(api: schemathesis.BaseSchema, label: str,
                                          mode: GenerationMode) -> None:
    """Positive cases: valid by the schema; negative: invalid (which must be a 4xx)."""
    operation = next(op.ok() for op in api.get_all_operations() if op.ok().label == label)
    seen: list[int] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        seen.append(case.call_and_validate(checks=CHECKS).status_code)

    run()
    assert seen, f"{label}: no case was generated"
    if mode is GenerationMode.NEGATIVE:
        assert all(400 <= status < 500 for status in seen), seen
        return
    for kwargs in VALID.get(label, ()):
        response = operation.Case(**kwargs).call_and_validate(checks=CHECKS)
        assert response.status_code == 200, (label, kwargs, response.text[:300])
