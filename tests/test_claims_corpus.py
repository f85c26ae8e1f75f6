"""The extraction benchmark on the real annotated corpus (../shared/data/claims) holds its
floor per field: each floor is what benchmarks/claims_corpus.py measured when it was raised
(see benchmarks/RESULTS.md), so extraction cannot slide back unnoticed."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: percent read exactly as annotated (found: of all annotated claims; fields: of found ones)
FLOORS = {"found": 97.1, "reporter": 99.5, "partner": 98.0, "flow": 100.0, "period": 85.3}
#: percent of the non-claims taken as claims, at most
TAKEN_CEILING = 0.0


def _bench():
    spec = importlib.util.spec_from_file_location("claims_corpus",
                                                  ROOT / "benchmarks" / "claims_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("claims_corpus", mod)  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def score(shared_data):
    bench = _bench()
    return bench, bench.run(shared_data)


def test_corpus_is_the_annotated_one(score, shared_data):
    bench, s = score
    # counts stated in ../shared/data/claims/README.md
    assert s.claims == 212 and s.non_claims == 40
    assert len(bench.corpus(shared_data)) == 64


def test_claims_found_floor(score):
    bench, s = score
    assert bench.pct(s.found, s.claims) >= FLOORS["found"], s.misses["found"]


@pytest.mark.parametrize("name", ["reporter", "partner", "flow", "period"])
def test_field_floor(score, name):
    bench, s = score
    assert bench.pct(s.right[name], s.scored[name]) >= FLOORS[name], s.misses[name]


def test_non_claims_ceiling(score):
    bench, s = score
    assert bench.pct(s.taken, s.non_claims) <= TAKEN_CEILING, s.misses["taken"]


def test_scoring_rules_on_a_made_up_passage():
    bench = _bench()
    record = {"id": "X", "text": "China's exports rose 5 percent to $10 billion in 2024. "
              "GDP grew 3 percent.", "published_date": "2025-01-10", "context": "CHN",
              "context_note": None,
              "claims": [{"kind": "value", "evidence": "China's exports rose 5 percent to "
                          "$10 billion in 2024", "reporter": "CHN", "partner": "WLD",
                          "flow": "export", "period": "2024",
                          "value": {"as_written": "$10 billion"}}],
              "non_claims": [{"text": "GDP grew 3 percent", "why": "GDP"}]}
    s = bench.Score()
    bench.score_passage(record, s)
    assert (s.claims, s.found, s.non_claims) == (1, 1, 1)
    assert s.right == {"reporter": 1, "partner": 1, "flow": 1, "period": 1}
