"""`apicall train --value-picker`: the learned value picker of argument filling
(index/value_picker.py), trained on the train split's fill items, its threshold chosen on the
dev split's, written to index/artifacts (or --artifacts); about a minute on this CPU."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from apicall.index.learning import data as training_data
from apicall.index.value_picker import ARTIFACTS
from apicall.model_runtime.training.value_picker import (
    PickerRecipe,
    train_value_picker,
)
from tqdm import tqdm


def cmd_train_value_picker(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    data = training_data.load(Path(args.data) if args.data else training_data.DATA_DIR)
    artifacts = Path(args.artifacts) if args.artifacts else ARTIFACTS
    limits = (args.train_limit, None)
    with tqdm(desc="reading fill items", unit="item", file=sys.stderr) as bar:
        run = train_value_picker(data, PickerRecipe(), bar.update, limits)
    report = run.report
    report["seconds"] = round(time.perf_counter() - started, 1)
    run.write(artifacts)
    print(json.dumps({k: v for k, v in report.items() if k != "recipe"}, indent=2))
    print(f"wrote {artifacts / 'value_picker.lgb.txt'} ({report['seconds']} s)", file=sys.stderr)
    return 0
