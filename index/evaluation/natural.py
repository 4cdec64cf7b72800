"""Hand-written instructions, phrased the way a developer writes a comment rather than copied from
a spec's summary: the check that the engine's ranking does not merely echo the templates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..engine import Engine, SuggestRequest
from ..learning.data import Operation
from ..learning.reranker import answer_rank

NATURAL_QUERIES = Path(__file__).with_name("natural.jsonl")


@dataclass(frozen=True)
class NaturalQuery:
    instruction: str
    spec: str  # the spec key without the catalog prefix, e.g. "stripe.com.json"
    method: str
    path: str


@dataclass(frozen=True)
class NaturalOutcome:
    query: NaturalQuery
    rank: int | None  # 1-based rank of the expected operation among the top k; None if absent
    chosen: str  # "METHOD path (spec)" of the engine's first answer


def load_queries(path: Path = NATURAL_QUERIES) -> list[NaturalQuery]:
    return [NaturalQuery(**json.loads(line)) for line in path.read_text().splitlines() if line]


def run_queries(engine: Engine, queries: list[NaturalQuery], k: int = 3) -> list[NaturalOutcome]:
    """Each query against the whole index; only queries whose spec is indexed are scored. The
    answer is found as the dev split's is (index/learning/reranker.answer_rank): the operation,
    or the same call in a copy of its spec (Spotify's spec and its fixed copy)."""
    api_of = {s["spec_key"]: s["api_name"] for s in engine.searcher.store.specs()}
    outcomes = []
    for query in queries:
        key = next((key for key in api_of if _same_spec(key, query.spec)), None)
        if key is None:
            continue
        operation = Operation(
            "natural", query.spec, api_of[key], query.method, query.path, "", "", ""
        )
        ranked = engine.candidates(SuggestRequest(query.instruction, target="shell_curl", k=k))
        hits = [hit for hit, _ in ranked[:k]]
        rank = answer_rank(hits, operation, engine.searcher)
        top = hits[0] if hits else None
        chosen = f"{top.method} {top.path} ({top.spec.split('@', 1)[-1]})" if top else "-"
        outcomes.append(NaturalOutcome(query, rank, chosen))
    return outcomes


def _same_spec(spec_key: str, short: str) -> bool:
    return spec_key == short or spec_key.endswith("/" + short)
