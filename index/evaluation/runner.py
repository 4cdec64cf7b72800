"""Running the settings of the comparison over a test set and scoring them."""

from __future__ import annotations

import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from ..engine import Engine, SuggestRequest
from ..model_port import CallModel, Example
from ..records import OperationRecord
from ..render.render import render
from ..text import words
from ..urlmatch import match_url
from .metrics import (
    Operation,
    api_call_match,
    endpoint_match,
    extract_method,
    extract_url,
    hallucinated,
)
from .testset import Split, TestItem

ENGINE_SETTINGS = ("engine", "engine + model rerank")
PAPER_SETTINGS = ("0-shot", "3-shot random", "3-shot retrieved", "3-shot retrieved + rerank")
# The same settings with the fine-tuned adapter on for generation, beside the base model's.
FINE_TUNED = ", fine-tuned"
TUNED_PAPER_SETTINGS = tuple(setting + FINE_TUNED for setting in PAPER_SETTINGS)
SETTINGS = (*ENGINE_SETTINGS, *PAPER_SETTINGS, *TUNED_PAPER_SETTINGS)  # the report's order


@dataclass
class Outcome:
    setting: str
    level: int
    target: str
    names_api: bool
    endpoint: bool
    call: bool
    hallucination: bool
    timings_ms: dict[str, float] = field(default_factory=dict)


class Evaluator:
    def __init__(self, engine: Engine, split: Split, seed: int = 5):
        self.engine = engine
        self.split = split
        self.rng = random.Random(seed)
        self._records: dict[str, OperationRecord] = {}
        self._operations: dict[str, list[Operation]] = {}
        self._pool_vectors: np.ndarray | None = None

    def record(self, record_id: str) -> OperationRecord:
        if record_id not in self._records:
            row = self.engine.searcher.store.get_operation(record_id)
            assert row is not None, record_id
            self._records[record_id] = OperationRecord.from_row(row)
        return self._records[record_id]

    def operations(self, spec: str) -> list[Operation]:
        if spec not in self._operations:
            rows = self.engine.searcher.store.operations_of_spec(spec)
            self._operations[spec] = [Operation(r["method"], r["path"]) for r in rows]
        return self._operations[spec]

    def run_engine(
        self, item: TestItem, target: str, model_rerank: bool
    ) -> tuple[str, dict[str, float]]:
        request = SuggestRequest(
            item.instruction,
            target=target,
            k=3,
            fill=False,
            model_rerank=model_rerank,
            min_confidence=0.0,
        )
        suggestion = self.engine.suggest(request)
        return suggestion.code or "", suggestion.timings_ms

    def examples(self, item: TestItem, setting: str, target: str) -> list[Example]:
        pool = self.split.pool
        if setting == "0-shot" or not pool:
            return []
        if setting == "3-shot random":
            chosen = self.rng.sample(pool, min(3, len(pool)))
        else:
            vectors = self._pool_embeddings()
            query = self.engine.searcher.embedder.embed([item.instruction])[0]
            order = np.argsort(-(vectors @ query))
            if setting == "3-shot retrieved":
                chosen = [pool[i] for i in order[:3]]
            else:  # retrieve 10, rerank by word overlap with the instruction, keep 3
                said = set(words(item.instruction))
                top = [pool[i] for i in order[:10]]
                chosen = sorted(top, key=lambda p: -len(said & set(words(p[0]))))[:3]
        return [Example(text, render(self.record(rid), target).code) for text, rid in chosen]

    def _pool_embeddings(self) -> np.ndarray:
        if self._pool_vectors is None:
            self._pool_vectors = self.engine.searcher.embedder.embed(
                [t for t, _ in self.split.pool]
            )
        return self._pool_vectors

    def run_paper(
        self,
        item: TestItem,
        examples: list[Example],
        target: str,
        model: CallModel | None = None,
    ) -> tuple[str, dict[str, float]]:
        """The paper's free generation for `item` with these examples, by `model` (the
        engine's by default)."""
        model = model or self.engine.model
        assert model is not None
        gold = self.record(item.record_id)
        started = time.perf_counter()
        description = gold.api_description or gold.api_name
        code = model.generate_call(
            item.instruction, target, description[:400], examples, None, max_tokens=160
        )
        return code, {"total": (time.perf_counter() - started) * 1000}

    def hallucinated(self, call: str, spec: str) -> bool:
        """Gorilla's sense: the call is no operation of the API asked for, nor of any indexed API
        (a real operation of another API is a wrong answer, not a hallucination)."""
        if not hallucinated(call, self.operations(spec)):
            return False
        url = extract_url(call)
        if not url:
            return True
        absolute = url if "://" in url else "https://" + url
        return match_url(self.engine.searcher.store, absolute, extract_method(call)) is None

    def score(
        self, item: TestItem, setting: str, target: str, call: str, timings: dict[str, float]
    ) -> Outcome:
        gold = render(self.record(item.record_id), target).code
        return Outcome(
            setting,
            item.level,
            target,
            item.names_api,
            endpoint_match(call, gold),
            api_call_match(call, gold),
            self.hallucinated(call, item.spec),
            timings,
        )


def evaluate(
    evaluator: Evaluator,
    targets: list[str],
    generate_sample: int,
    model_settings: bool,
    tuned_model: CallModel | None = None,
) -> list[Outcome]:
    """The engine over every item and target; with `model_settings`, on a sample, the engine
    with the model's choice and the paper's settings, and with `tuned_model` those settings
    again by it, on the same examples."""
    outcomes: list[Outcome] = []
    items = evaluator.split.items
    for target in targets:
        for item in items:
            code, timings = evaluator.run_engine(item, target, model_rerank=False)
            outcomes.append(evaluator.score(item, "engine", target, code, timings))
    if not model_settings or evaluator.engine.model is None:
        return outcomes
    # The model settings are slow on a CPU: a fixed sample per level, on every target.
    per_level: dict[int, list[TestItem]] = defaultdict(list)
    for item in items:
        if len(per_level[item.level]) < generate_sample:
            per_level[item.level].append(item)
    sample = [i for level in sorted(per_level) for i in per_level[level]]
    for target in targets:
        for item in sample:
            code, timings = evaluator.run_engine(item, target, model_rerank=True)
            outcomes.append(evaluator.score(item, "engine + model rerank", target, code, timings))
            for setting in PAPER_SETTINGS:
                examples = evaluator.examples(item, setting, target)
                code, timings = evaluator.run_paper(item, examples, target)
                outcomes.append(evaluator.score(item, setting, target, code, timings))
                if tuned_model is not None:
                    code, timings = evaluator.run_paper(item, examples, target, tuned_model)
                    tuned = setting + FINE_TUNED
                    outcomes.append(evaluator.score(item, tuned, target, code, timings))
    return outcomes
