"""The model's two tasks scored through llama.cpp (the run-time path), base or with an adapter:
choose accuracy where the answer is listed, "none" detected where it is not, the ranking's own
top-1 on the same items; fill precision and recall of the stated values, valid JSON, latency."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import Any

from apicall.index.arguments import Field, fill_fields, is_credential

from ..choose import choose_candidate
from ..fill import propose_for
from ..prompts import NONE_OF_THEM
from ..runtime import ModelRuntime
from .tasks import TaskItem


def quantile(values: list[float], q: float) -> float:
    """The value `q` of the way up `values` (0.0 when there are none)."""
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)] if ordered else 0.0


def _median(values: list[float]) -> float:
    return quantile(values, 0.5)


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def score_choose(
    runtime: ModelRuntime, items: Sequence[TaskItem], tick: Callable[[], None] | None = None
) -> dict[str, Any]:
    present = correct = ranking_correct = absent = none_found = 0
    latencies = []
    for item in items:
        started = time.perf_counter()
        choice = choose_candidate(runtime, item.comment, list(item.candidates))
        latencies.append((time.perf_counter() - started) * 1000)
        said = NONE_OF_THEM if choice.index < 0 else str(choice.index + 1)
        if item.answer == NONE_OF_THEM:
            absent += 1
            none_found += said == NONE_OF_THEM
        else:
            present += 1
            correct += said == item.answer
            ranking_correct += item.ranking_first
        if tick:
            tick()
    return {
        "items": len(items),
        "accuracy_when_listed": _percent(correct, present),
        "ranking_top1_same_items": _percent(ranking_correct, present),
        "none_detected": _percent(none_found, absent),
        "listed": present,
        "absent": absent,
        "p50_ms": round(_median(latencies), 1),
    }


def score_fill(
    runtime: ModelRuntime, items: Sequence[TaskItem], tick: Callable[[], None] | None = None
) -> dict[str, Any]:
    """The model's raw proposals for all the fields asked about, and what the product inserts:
    the comment reader's values, then the model's for the rest, each kept only when grounded
    (index/arguments.fill_fields, the run-time path)."""
    raw = FillCounts()
    inserted = FillCounts()
    valid = credentials = 0
    latencies = []
    fills = []  # what a developer waits for: the reader, the picker and the model when asked
    for item in items:
        gold = json.loads(item.answer)
        started = time.perf_counter()
        text = propose_for(runtime, item.operation, list(item.fields), item.comment)
        latencies.append((time.perf_counter() - started) * 1000)
        try:
            said = json.loads(text)
            valid += isinstance(said, dict)
        except ValueError:
            said = {}
        said = said if isinstance(said, dict) else {}
        raw.add(gold, said)
        credentials += sum(1 for k in said if is_credential(k))

        def propose(remaining: list[Field], item: TaskItem = item) -> str:
            return propose_for(runtime, item.operation, remaining, item.comment)

        started = time.perf_counter()
        filled = fill_fields(list(item.fields), item.comment, "", propose, item.api, item.operation)
        fills.append((time.perf_counter() - started) * 1000)
        inserted.add(gold, filled.arguments)
        credentials += sum(1 for k in filled.arguments if is_credential(k))
        if tick:
            tick()
    return {
        "items": len(items),
        "precision": raw.precision(),
        "recall": raw.recall(),
        "inserted_precision": inserted.precision(),
        "inserted_recall": inserted.recall(),
        "valid_json": _percent(valid, len(items)),
        "credentials_filled": credentials,
        "stated_values": raw.stated,
        "p50_ms": round(_median(latencies), 1),
        "inserted_p50_ms": round(_median(fills), 2),
        "inserted_p95_ms": round(quantile(fills, 0.95), 2),
    }


class FillCounts:
    """Values stated by the gold answers, values given, and those exactly right."""

    def __init__(self) -> None:
        self.stated = self.given = self.exact = 0

    def add(self, gold: dict[str, Any], given: dict[str, Any]) -> None:
        self.stated += len(gold)
        self.given += len(given)
        self.exact += sum(1 for k, v in given.items() if k in gold and _same(gold[k], v))

    def precision(self) -> float:
        return _percent(self.exact, self.given)

    def recall(self) -> float:
        return _percent(self.exact, self.stated)


def _same(gold: Any, given: Any) -> bool:
    return str(gold) == str(given)
