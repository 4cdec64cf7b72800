"""`apicall train --model`: a LoRA of the bundled model for choosing and filling, trained on the
train split, scored base vs fine-tuned on the dev split through llama.cpp, shipped (and used by
default) only where it wins; docs/TRAINING.md gets its section and loss curve."""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from apicall.index.doc_sections import write_section
from apicall.index.engine import Engine, SuggestRequest
from apicall.index.errors import ApicallError
from apicall.index.learning import data as training_data
from apicall.index.open import open_for_search
from apicall.index.search import SearchResult
from apicall.index.settings import resolve_index_dir
from apicall.model_runtime.config import (
    ADAPTER_FILE,
    ADAPTER_MANIFEST,
    ARTIFACTS,
    ModelConfig,
    bundled_model_path,
)
from apicall.model_runtime.runtime import ModelRuntime
from apicall.model_runtime.training.adapter import write_gguf_adapter
from apicall.model_runtime.training.evaluate import score_choose, score_fill
from apicall.model_runtime.training.lora import LoraRecipe, load_base, train_lora
from apicall.model_runtime.training.tasks import TaskItem, choose_items, fill_items, item_order
from tqdm import tqdm


def task_items(
    data: training_data.TrainingData, split: str, engine: Engine, choose: int, fill: int
) -> list[TaskItem]:
    rng = item_order(split)
    comments = list(data.comments_in(split))  # type: ignore[arg-type]
    rng.shuffle(comments)

    def rank(text: str) -> list[SearchResult]:
        return [h for h, _ in engine.rank(SuggestRequest(text, target="python", k=10)).candidates]

    with tqdm(total=choose, desc=f"candidates ({split})", unit="comments", file=sys.stderr) as bar:
        chosen = choose_items(data, comments[:choose], rank, rng, progress=lambda: bar.update())
    filled = fill_items(data, comments)[:fill]
    return chosen + filled


def _scores(runtime: ModelRuntime, items: list[TaskItem], label: str) -> dict[str, Any]:
    runtime.wait_ready(120)
    choose = [i for i in items if i.task == "choose"]
    fill = [i for i in items if i.task == "fill"]
    with tqdm(total=len(items), desc=f"dev ({label})", unit="items", file=sys.stderr) as bar:
        result = {
            "choose": score_choose(runtime, choose, lambda: bar.update()),
            "fill": score_fill(runtime, fill, lambda: bar.update()),
            "load_seconds": round(runtime.load_info.load_seconds, 2) if runtime.load_info else None,
        }
    runtime.close()
    return result


def cmd_train_model(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("peft") is None or importlib.util.find_spec("gguf") is None:
        raise ApicallError(
            "apicall train --model needs peft and gguf: pip install 'apicall[train]'"
        )
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    data = training_data.load(Path(args.data) if args.data else training_data.DATA_DIR)
    engine = Engine(open_for_search(resolve_index_dir(args.index)))
    t0 = time.perf_counter()
    # Scoring an earlier adapter needs no train items (each costs a ranking of its comment).
    train = (
        []
        if args.model_adapter
        else task_items(data, "train", engine, args.model_choose, args.model_fill)
    )
    dev = task_items(data, "dev", engine, args.model_dev_choose, args.model_dev_fill)
    seconds["items"] = time.perf_counter() - t0

    artifacts = Path(args.artifacts) if args.artifacts else ARTIFACTS
    adapter = artifacts / ADAPTER_FILE
    recipe = LoraRecipe(epochs=args.model_epochs, learning_rate=args.model_lr)
    losses: list[float] = []
    training: dict[str, Any]
    if args.model_adapter:
        # Scoring an adapter trained before (same data and recipe), without training again.
        source = Path(args.model_adapter)
        artifacts.mkdir(parents=True, exist_ok=True)
        if source.resolve() != adapter.resolve():
            shutil.copyfile(source, adapter)
        training = {"kept": "trained by an earlier run; see its notes"}
    else:
        t0 = time.perf_counter()
        model, tokenizer = load_base(bundled_model_path())
        with tqdm(desc="LoRA", unit="steps", file=sys.stderr) as bar:

            def tick(step: int, steps: int, loss: float, tokens: int) -> None:
                bar.total = steps
                bar.set_postfix_str(f"loss {loss:.3f}, {tokens:,} tokens", refresh=False)
                bar.update(step - bar.n)

            trained = train_lora(model, tokenizer, train, recipe, tick)
        seconds["training"] = time.perf_counter() - t0
        write_gguf_adapter(trained.model, recipe.alpha, adapter, "apicall choose+fill LoRA")
        losses = trained.losses
        training = {
            "steps": len(losses),
            "tokens": trained.tokens_seen,
            "tokens_per_s": round(trained.tokens_seen / max(trained.seconds, 1e-9), 1),
            "first_loss": round(sum(losses[:10]) / max(len(losses[:10]), 1), 4),
            "last_loss": round(sum(losses[-10:]) / max(len(losses[-10:]), 1), 4),
        }

    t0 = time.perf_counter()
    base = _scores(ModelRuntime(ModelConfig(base_only=True, request_timeout_s=60)), dev, "base")
    tuned_runtime = ModelRuntime(ModelConfig(lora_path=adapter, request_timeout_s=60))
    tuned_runtime.start_loading()
    tuned = _scores(tuned_runtime, dev, "fine-tuned")
    seconds["evaluation"] = time.perf_counter() - t0
    seconds["total"] = time.perf_counter() - started

    choose_wins = (
        tuned["choose"]["accuracy_when_listed"] > tuned["choose"]["ranking_top1_same_items"]
    )
    # What counts is what the product inserts: the comment reader's values and the model's
    # grounded ones (evaluate.score_fill), weighed as their F1.
    fill_wins = _inserted_f1(tuned["fill"]) > _inserted_f1(base["fill"])
    manifest = {
        "recipe": recipe.as_dict(),
        "data": {
            "train": {t: sum(i.task == t for i in train) for t in ("choose", "fill")}
            if train
            else "the earlier run's",
            "dev": {t: sum(i.task == t for i in dev) for t in ("choose", "fill")},
        },
        "training": training,
        "dev_base": base,
        "dev_fine_tuned": tuned,
        "choose_beats_ranking": choose_wins,
        "fill_beats_base": fill_wins,
        # Loaded by default where filling wins; choosing uses it only when asked for
        # (--model-rerank), and free generation runs without it (ModelRuntime.run).
        "use_by_default": fill_wins,
        "adapter_bytes": adapter.stat().st_size,
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
    }
    (artifacts / ADAPTER_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    if args.docs:
        write_docs(Path(args.docs), manifest, losses)
    print(json.dumps({"base": base, "fine_tuned": tuned}, indent=2))
    print(f"adapter written to {adapter}; {seconds['total']:.0f} s in all", file=sys.stderr)
    return 0


def _inserted_f1(fill: dict[str, Any]) -> float:
    precision, recall = fill["inserted_precision"], fill["inserted_recall"]
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def write_docs(docs: Path, manifest: dict[str, Any], losses: list[float]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if losses:
        figure, axis = plt.subplots(figsize=(6, 3))
        axis.plot(range(1, len(losses) + 1), losses, linewidth=0.8)
        axis.set_xlabel("step")
        axis.set_ylabel("loss (answer tokens)")
        axis.set_title("LoRA of SmolLM2-135M: choose + fill")
        figure.tight_layout()
        figure.savefig(docs / "training-lora.png", dpi=110)
    base, tuned = manifest["dev_base"], manifest["dev_fine_tuned"]
    rows = [
        ("choose: accuracy when the answer is listed (%)", "accuracy_when_listed", "choose"),
        (
            "choose: the ranking's own top-1 on the same items (%)",
            "ranking_top1_same_items",
            "choose",
        ),
        ('choose: "none" detected when it is not listed (%)', "none_detected", "choose"),
        ("choose: p50 ms", "p50_ms", "choose"),
        (
            "fill, inserted (reader + grounded model values): precision (%)",
            "inserted_precision",
            "fill",
        ),
        ("fill, inserted: recall (%)", "inserted_recall", "fill"),
        (
            "fill, inserted: p50 ms (reader, picker and the model when asked)",
            "inserted_p50_ms",
            "fill",
        ),
        ("fill, the model's raw JSON: precision (%)", "precision", "fill"),
        ("fill, the model's raw JSON: recall (%)", "recall", "fill"),
        ("fill: valid JSON (%)", "valid_json", "fill"),
        ("fill: credentials filled", "credentials_filled", "fill"),
        ("fill: p50 ms", "p50_ms", "fill"),
    ]
    lines = [
        "## The fine-tuned model (`apicall train --model`)",
        "",
        "A LoRA of the bundled SmolLM2-135M-Instruct (transformers dequantizes the Q4_1 GGUF; peft "
        "trains rank-8 adapters on v, o and the MLP; loss on the answer tokens only), exported as "
        "a llama.cpp GGUF LoRA adapter and scored through llama.cpp on the dev split, base vs "
        "fine-tuned, same prompts. Choose items: a comment and the ranking's top 5 candidates "
        "(shuffled; 20% with the answer taken out, answer 0). Fill items: a comment, the fields "
        "the run-time selection asks about and the JSON of the values it states, scored as the "
        "model's raw JSON and through the run-time path, reader then grounded model values "
        "(inserted).",
        "",
        f"Data (train / dev items): {manifest['data']}. Recipe: {manifest['recipe']}. Training: "
        f"{manifest['training']}. Time: {manifest['seconds']} s. Adapter: "
        f"{manifest['adapter_bytes'] / 1e6:.1f} MB.",
        "",
        "| dev split | base | fine-tuned |",
        "|---|---|---|",
        *(f"| {label} | {base[task][key]} | {tuned[task][key]} |" for label, key, task in rows),
        "",
        f"Switched on by default: fill {'yes' if manifest['fill_beats_base'] else 'no'} "
        f"(a higher F1 of the inserted values); choose "
        f"{'beats' if manifest['choose_beats_ranking'] else 'does not beat'} the learned "
        "ranking's top-1 on the same items, so the ranking keeps the final say unless "
        "`--model-rerank` is asked for.",
        "",
        "![LoRA loss](training-lora.png)" if losses else "",
    ]
    write_section(docs / "TRAINING.md", "lora", "\n".join(lines), "# Training\n")
