"""Training of the learned value picker (index/value_picker.py): data, model, threshold.

Data: the fill items of the train split (model_runtime/training/tasks.fill_items, every comment,
those that state no value included, so that the picker learns when to leave a field alone); the
comment reader reads each one, and each (word, field) pair it leaves is a row, labelled by
whether the comment states that word for that field. Model: a LightGBM binary classifier, early
stopped on the dev split's rows. Threshold: the one where the dev split's values right minus
`wrong_cost` times the values wrong added to the reader's is highest (a wrong value costs the
developer more than a placeholder left to fill).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from apicall.index.comment_values import CommentReader
from apicall.index.learning.data import TrainingData
from apicall.index.value_picker import (
    PAIR_FEATURES,
    PICKER_FILE,
    PICKER_THRESHOLD_FILE,
    PICKER_WORDS_FILE,
    Pair,
    WordCounts,
    WordVectors,
    candidate_pairs,
    said_and_stated,
    take_best,
)

from .evaluate import FillCounts, _same
from .tasks import TaskItem, comments_in_order, fill_items


@dataclass(frozen=True)
class PickerRecipe:
    learning_rate: float = 0.05
    num_leaves: int = 15
    min_data_in_leaf: int = 50
    feature_fraction: float = 0.5
    bagging_fraction: float = 0.8
    rounds: int = 1000
    early_stopping: int = 50
    wrong_cost: float = 2.0
    thresholds: tuple[float, ...] = tuple(round(0.2 + 0.05 * i, 2) for i in range(16))
    seed: int = 1


@dataclass
class ReadItem:
    """One fill item as the reader left it: its stated values, the reader's, the pairs left."""

    gold: dict[str, Any]
    found: dict[str, Any]
    pairs: list[Pair]
    rows: np.ndarray
    taken: set[int] = field(default_factory=set)


def items_of(data: TrainingData, split: str) -> list[TaskItem]:
    return fill_items(data, comments_in_order(data, split), without_values=1.0)


def word_counts(data: TrainingData) -> WordCounts:
    return WordCounts.of((c.comment, c.values) for c in data.comments_in("train"))


def read_items(
    items: Sequence[TaskItem],
    counts: WordCounts,
    learned_from: bool,
    words: WordVectors,
    tick: Callable[[], None] | None = None,
) -> list[ReadItem]:
    """`learned_from`: the items' comments are among those `counts` were made from (train),
    so each row sees the counts without its own comment."""
    out = []
    for item in items:
        fields = list(item.fields)
        reader = CommentReader(item.comment, item.operation, api_words=item.api)
        found = reader.values(fields)
        stated = json.loads(item.answer)
        leave_out = said_and_stated(item.comment, stated) if learned_from else None
        pairs, rows = candidate_pairs(reader, fields, found, words, counts, leave_out)
        out.append(ReadItem(stated, found, pairs, rows, set(reader.taken)))
        if tick:
            tick()
    return out


def labels(read: ReadItem) -> list[float]:
    return [
        float(p.field.name in read.gold and _same(read.gold[p.field.name], p.value))
        for p in read.pairs
    ]


def table(read: Sequence[ReadItem]) -> tuple[np.ndarray, np.ndarray]:
    rows = [r.rows for r in read if len(r.rows)]
    x = np.vstack(rows) if rows else np.zeros((0, len(PAIR_FEATURES)), dtype=np.float32)
    y = np.asarray([v for r in read for v in labels(r)], dtype=np.float32)
    return x, y


def fill_counts(
    read: Sequence[ReadItem], scores: Sequence[np.ndarray] | None, threshold: float
) -> FillCounts:
    """The reader's values (scores None) or the reader's and the picker's at `threshold`."""
    counts = FillCounts()
    for number, item in enumerate(read):
        given = dict(item.found)
        if scores is not None:
            given.update(take_best(item.pairs, scores[number], threshold, set(item.taken)))
        counts.add(item.gold, given)
    return counts


def train_value_picker(
    data: TrainingData,
    recipe: PickerRecipe,
    words: WordVectors,
    tick: Callable[[], None] | None = None,
    train_limit: int | None = None,
) -> ValuePickerRun:
    """The trained booster, its word counts and its report (threshold, rounds, reader vs
    picker on both splits). `words`: the retriever's word table it will run with. ValueError
    when either split states no value the rules leave (nothing to learn)."""
    import lightgbm

    counts = word_counts(data)
    train = read_items(items_of(data, "train")[:train_limit], counts, True, words, tick)
    dev = read_items(items_of(data, "dev"), counts, False, words, tick)
    x, y = table(train)
    x_dev, y_dev = table(dev)
    if not y.any() or not y_dev.any():
        raise ValueError("no split states a value the comment reader's rules leave")
    params = {
        "objective": "binary",
        "learning_rate": recipe.learning_rate,
        "num_leaves": recipe.num_leaves,
        "min_data_in_leaf": recipe.min_data_in_leaf,
        "feature_fraction": recipe.feature_fraction,
        "bagging_fraction": recipe.bagging_fraction,
        "bagging_freq": 1,
        "seed": recipe.seed,
        "deterministic": True,
        "num_threads": 2,
        "verbose": -1,
    }
    names = list(PAIR_FEATURES)
    booster = lightgbm.train(
        params,
        lightgbm.Dataset(x, y, feature_name=names),
        recipe.rounds,
        valid_sets=[lightgbm.Dataset(x_dev, y_dev, feature_name=names)],
        callbacks=[lightgbm.early_stopping(recipe.early_stopping, verbose=False)],
    )

    def scored(read: list[ReadItem]) -> list[np.ndarray]:
        return [np.asarray(booster.predict(r.rows)) if len(r.rows) else np.zeros(0) for r in read]

    dev_scores = scored(dev)
    reader_dev = fill_counts(dev, None, 1.0)

    def utility(threshold: float) -> float:
        counts = fill_counts(dev, dev_scores, threshold)
        wrong = counts.given - counts.exact - (reader_dev.given - reader_dev.exact)
        return counts.exact - reader_dev.exact - recipe.wrong_cost * wrong

    threshold = max(recipe.thresholds, key=lambda t: (utility(t), t))
    train_scores = scored(train)
    report = {
        "threshold": threshold,
        "rounds": booster.best_iteration or booster.current_iteration(),
        "rows": {"train": len(y), "dev": len(y_dev)},
        "positive_rows": {"train": int(y.sum()), "dev": int(y_dev.sum())},
        "recipe": {k: v for k, v in asdict(recipe).items() if k != "thresholds"},
    }
    for split, read, scores in (("train", train, train_scores), ("dev", dev, dev_scores)):
        reader = fill_counts(read, None, 1.0)
        picked = fill_counts(read, scores, threshold)
        report[split] = {
            "items": len(read),
            "stated_values": reader.stated,
            "reader": {"precision": reader.precision(), "recall": reader.recall()},
            "reader_and_picker": {"precision": picked.precision(), "recall": picked.recall()},
        }
    report["dev_curve"] = {
        str(t): _pr(fill_counts(dev, dev_scores, t)) for t in recipe.thresholds[::2]
    }
    return ValuePickerRun(booster, counts, report)


def _pr(counts: FillCounts) -> list[float]:
    return [counts.precision(), counts.recall()]


@dataclass
class ValuePickerRun:
    booster: Any
    counts: WordCounts
    report: dict[str, Any]

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.booster.save_model(str(folder / PICKER_FILE), num_iteration=self.report["rounds"])
        self.counts.save(folder / PICKER_WORDS_FILE)
        (folder / PICKER_THRESHOLD_FILE).write_text(json.dumps(self.report, indent=2) + "\n")
