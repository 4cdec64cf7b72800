"""Argument filling on the dev split, as the product inserts it: the comment reader alone (its
rules, then its rules and the learned value picker), then the reader with the base model and
with the shipped adapter (index/arguments.fill_fields, the
run-time path), against the values each comment states (../shared/training).

    .venv/bin/python bench/fill.py --items 300 [--split train] [--no-model | --no-base]
        [--adapter FILE]

--adapter scores another GGUF LoRA adapter (a candidate from `apicall train --model
--artifacts DIR`) in place of the shipped one.

Items are the fill items of `apicall train --model` (model_runtime/training/tasks.fill_items:
the fields the run-time selection asks about, the values the comment states among them, and a
quarter of the comments that state none), in the same shuffled order. Precision: values given
that are exactly the stated ones; recall: stated values given; fill p50 / p95: what each item's
fill_fields took (the rules, the picker and, where the reader leaves a value, the model), the
time a developer waits for the values of a resolve.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from apicall.index.arguments import fill_fields
from apicall.index.learning import data as training_data
from apicall.model_runtime.config import ModelConfig
from apicall.model_runtime.runtime import ModelRuntime
from apicall.model_runtime.training.evaluate import FillCounts, quantile, score_fill
from apicall.model_runtime.training.tasks import TaskItem, comments_in_order, fill_items
from tqdm import tqdm


def reader_only(items: list[TaskItem], picker: bool) -> dict[str, float]:
    """The comment reader without a model: its rules, and with `picker` the learned value
    picker after them (the shipped default)."""
    counts = FillCounts()
    took = []
    for item in items:
        started = time.perf_counter()
        said = fill_fields(
            list(item.fields), item.comment, "", None, item.api, item.operation, picker=picker
        )
        took.append((time.perf_counter() - started) * 1000)
        counts.add(json.loads(item.answer), said.arguments)
    return {
        "inserted_precision": counts.precision(),
        "inserted_recall": counts.recall(),
        "inserted_p50_ms": round(quantile(took, 0.5), 2),
        "inserted_p95_ms": round(quantile(took, 0.95), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--split", default="dev", choices=["train", "dev"])
    parser.add_argument("--no-model", action="store_true", help="the comment reader only")
    parser.add_argument("--no-base", action="store_true", help="without the base model's row")
    parser.add_argument("--adapter", type=Path, help="this adapter instead of the shipped one")
    args = parser.parse_args()
    data = training_data.load()
    items = fill_items(data, comments_in_order(data, args.split))[: args.items]
    rows = {
        "comment reader: rules only": reader_only(items, picker=False),
        "comment reader: rules + value picker": reader_only(items, picker=True),
    }
    if not args.no_model:
        tuned = ModelConfig(request_timeout_s=60)
        if args.adapter:
            tuned = ModelConfig(lora_path=args.adapter, request_timeout_s=60)
        configs = [("reader + fine-tuned adapter", tuned)]
        if not args.no_base:
            base = ModelConfig(base_only=True, request_timeout_s=60)
            configs.insert(0, ("reader + base model", base))
        for label, config in configs:
            runtime = ModelRuntime(config)
            runtime.start_loading()
            runtime.wait_ready(120)
            with tqdm(total=len(items), desc=label, file=sys.stderr) as bar:
                rows[label] = score_fill(runtime, items, bar.update)
            runtime.close()
    stated = sum(len(json.loads(i.answer)) for i in items)
    print(f"{len(items)} {args.split} items, {stated} stated values")
    print(
        "| filling | inserted precision | inserted recall | raw model precision | raw recall "
        "| fill p50 ms | fill p95 ms |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, row in rows.items():
        print(
            f"| {label} | {row['inserted_precision']} | {row['inserted_recall']} "
            f"| {row.get('precision', '-')} | {row.get('recall', '-')} "
            f"| {row['inserted_p50_ms']} | {row['inserted_p95_ms']} |"
        )


if __name__ == "__main__":
    main()
