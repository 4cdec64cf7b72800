"""The model's two tasks scored through llama.cpp (the run-time path), base or with an adapter:
choose accuracy where the answer is listed, "none" detected where it is not, the ranking's own
top-1 on the same items; fill precision and recall of the stated values, valid JSON, latency."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import Any

from apicall.index.arguments import is_credential

from ..choose import choose_candidate
from ..fill import propose_for
from ..prompts import NONE_OF_THEM
from ..runtime import ModelRuntime
from .tasks import TaskItem


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0.0


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
    stated = proposed = exact = valid = credentials = 0
    latencies = []
    for item in items:
        gold = json.loads(item.answer)
        started = time.perf_counter()
        raw = propose_for(runtime, item.operation, list(item.fields), item.comment)
        latencies.append((time.perf_counter() - started) * 1000)
        try:
            said = json.loads(raw)
            valid += isinstance(said, dict)
        except ValueError:
            said = {}
        said = said if isinstance(said, dict) else {}
        stated += len(gold)
        proposed += len(said)
        exact += sum(1 for k, v in said.items() if k in gold and str(gold[k]) == str(v))
        credentials += sum(1 for k in said if is_credential(k))
        if tick:
            tick()
    return {
        "items": len(items),
        "precision": _percent(exact, proposed),
        "recall": _percent(exact, stated),
        "valid_json": _percent(valid, len(items)),
        "credentials_filled": credentials,
        "stated_values": stated,
        "p50_ms": round(_median(latencies), 1),
    }
