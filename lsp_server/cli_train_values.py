"""`apicall train --value-picker`: the learned value picker of argument filling
(index/value_picker.py), trained on the train split's fill items, its threshold chosen on the
dev split's, written to index/artifacts (or --artifacts); about 12 seconds on this CPU. The
whole `apicall train` runs it too, after the retriever whose word table it reads."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from apicall.index.errors import ApicallError
from apicall.index.learning import data as training_data
from apicall.index.value_picker import ARTIFACTS, PICKER_FILE, picker_word_table, word_vectors
from apicall.model_runtime.training.value_picker import PickerRecipe, train_value_picker
from tqdm import tqdm


def train_value_picker_into(
    data: training_data.TrainingData, artifacts: Path, train_limit: int | None = None
) -> dict[str, Any]:
    """Train, write into `artifacts` (with the word table found there, else the shipped one),
    and return the report."""
    started = time.perf_counter()
    words = word_vectors(picker_word_table(artifacts))
    with tqdm(desc="value picker: reading fill items", unit="item", file=sys.stderr) as bar:
        try:
            run = train_value_picker(data, PickerRecipe(), words, bar.update, train_limit)
        except ValueError as exc:
            raise ApicallError(f"the value picker was not trained: {exc}") from exc
    run.report["seconds"] = round(time.perf_counter() - started, 1)
    run.write(artifacts)
    return run.report


def cmd_train_value_picker(args: argparse.Namespace) -> int:
    data = training_data.load(Path(args.data) if args.data else training_data.DATA_DIR)
    artifacts = Path(args.artifacts) if args.artifacts else ARTIFACTS
    report = train_value_picker_into(data, artifacts, args.train_limit)
    print(json.dumps({k: v for k, v in report.items() if k != "recipe"}, indent=2))
    print(f"wrote {artifacts / PICKER_FILE} ({report['seconds']} s)", file=sys.stderr)
    return 0
