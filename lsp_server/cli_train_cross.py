"""`apicall train`'s cross-encoder stage: order the reranker's candidate lists by the learned
reranker, fine-tune the cross-encoder on the train lists' first candidates, choose its blend with
the reranker on the dev lists, write index/artifacts/cross_encoder.npz. Run inside the full
training, or alone over the lists a run kept and the shipped reranker
(`apicall train --cross-encoder-only --from-lists LISTS`)."""

from __future__ import annotations

import argparse
import json
import pickle
import random
import time
from dataclasses import asdict, replace
from pathlib import Path
from statistics import fmean
from typing import Any

from apicall.index.cross_encoder import (
    CROSS_ENCODER_FILE,
    Blend,
    CrossEncoder,
    save_cross_encoder,
)
from apicall.index.embed import default_model_dir
from apicall.index.errors import ApicallError
from apicall.index.learning.cross_encoder import (
    BLEND_DEPTHS,
    HEADS,
    CrossEncoderRecipe,
    choose_blend,
    fits_of,
    reranked_lists,
    train_cross_encoder,
)
from apicall.index.learning.reranker import CandidateLists, read_kept_lists
from apicall.index.ranking import ARTIFACTS, RERANKER_FILE, LearnedReranker

from .cli_args import positive_int
from .progress import StageBars


def train_cross_encoder_stage(
    reranker: LearnedReranker,
    train_candidates: CandidateLists,
    dev_candidates: CandidateLists,
    artifacts: Path,
    recipe: CrossEncoderRecipe,
    bars: StageBars,
) -> tuple[CrossEncoder, dict[str, Any]]:
    """Train, choose the blend on dev, write the artifact."""
    started = time.perf_counter()
    depth = max(BLEND_DEPTHS)
    train_lists = reranked_lists(train_candidates, reranker, depth)
    if len(train_lists) > recipe.comments:
        train_lists = random.Random(7).sample(train_lists, recipe.comments)
    dev_lists = reranked_lists(dev_candidates, reranker, depth)
    base = default_model_dir()
    trained = train_cross_encoder(
        train_lists,
        base,
        recipe,
        lambda done, total, loss: bars("cross-encoder", done, total, f"loss {loss:.3f}"),
    )
    unblended = Blend(depth=depth, weight=0.0, max_tokens=recipe.max_tokens)
    cross_encoder = CrossEncoder(
        trained.weights, recipe.layers, HEADS, base / "tokenizer.json", unblended
    )
    fits = fits_of(
        cross_encoder, dev_lists, depth, bars.ticker("cross-encoder (dev)", len(dev_lists))
    )
    blend, table = choose_blend(dev_lists, fits, recipe)
    cross_encoder.blend = blend
    window = max(1, len(trained.losses) // 10)
    save_cross_encoder(artifacts / CROSS_ENCODER_FILE, trained.weights, recipe.layers, HEADS, blend)
    report = {
        "recipe": asdict(recipe),
        "train_comments": len(train_lists),
        "with_answer_in_list": sum(any(r.answers) for r in train_lists),
        "steps": len(trained.losses),
        "first_loss": round(fmean(trained.losses[:window]), 4),
        "last_loss": round(fmean(trained.losses[-window:]), 4),
        "blend": asdict(blend),
        "blend_chosen_on": "dev",
        "dev_lists_top1_top3": table,
        "seconds": round(time.perf_counter() - started, 1),
    }
    manifest_file = artifacts / "manifest.json"
    manifest = json.loads(manifest_file.read_text()) if manifest_file.is_file() else {}
    manifest["cross_encoder"] = report
    manifest_file.write_text(json.dumps(manifest, indent=2) + "\n")
    return cross_encoder, report


def cmd_train_cross_encoder(args: argparse.Namespace) -> int:
    """The cross-encoder alone, over the lists a run kept and the shipped reranker."""
    if not args.from_lists:
        raise ApicallError(
            "--cross-encoder-only learns from the lists a run kept: give --from-lists"
        )
    train_lists, dev_lists = kept_lists(Path(args.from_lists))
    artifacts = Path(args.artifacts) if args.artifacts else ARTIFACTS
    learned = LearnedReranker(artifacts / RERANKER_FILE)
    bars = StageBars()
    try:
        _, report = train_cross_encoder_stage(
            learned, train_lists, dev_lists, artifacts, recipe_of(args), bars
        )
    finally:
        bars.close()
    best = report["dev_lists_top1_top3"][
        f"depth {report['blend']['depth']}, weight {report['blend']['weight']}"
    ]
    alone = report["dev_lists_top1_top3"][f"depth {BLEND_DEPTHS[0]}, weight 0.0"]
    print(json.dumps({"blend": report["blend"], "dev": best, "reranker_alone": alone}, indent=2))
    return 0


def kept_lists(path: Path) -> tuple[CandidateLists, CandidateLists]:
    """The lists an earlier run kept (--keep-lists), with this release's features."""
    try:
        return read_kept_lists(path)
    except (
        OSError,
        EOFError,
        ValueError,
        TypeError,
        AttributeError,
        pickle.UnpicklingError,
    ) as exc:
        # A file that is no kept lists (empty, cut short, another pickle) is one line.
        raise ApicallError(f"{path}: not lists kept by apicall train --keep-lists ({exc})") from exc


def recipe_of(args: argparse.Namespace) -> CrossEncoderRecipe:
    return replace(
        CrossEncoderRecipe(),
        epochs=args.cross_encoder_epochs,
        comments=args.cross_encoder_comments,
    )


def add_arguments(train: argparse.ArgumentParser) -> None:
    train.add_argument(
        "--cross-encoder-only",
        action="store_true",
        help="keep the retriever and the reranker; train the cross-encoder again on --from-lists",
    )
    train.add_argument(
        "--cross-encoder-comments",
        type=positive_int,
        default=CrossEncoderRecipe.comments,
        help="train comments the cross-encoder learns from",
    )
    train.add_argument("--cross-encoder-epochs", type=float, default=CrossEncoderRecipe.epochs)
