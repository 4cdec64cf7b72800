"""What each group of the reranker's features adds: the reranker trained again without it.

    .venv/bin/apicall train ... --keep-lists LISTS     # once: the candidates and their features
    .venv/bin/python bench/reranker_ablation.py LISTS  # then: one reranker per row (about 1 min)

Each row trains the reranker with one group of features held at zero (train and dev alike)
and reports the dev top-1 and top-3 over the candidate lists (the answer among the retrieved
candidates; a comment whose answer was not retrieved counts as a miss). The dev lists carry the
simulated workspace of `collect_candidates`, so these are list numbers, not the engine's.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np
from apicall.index.learning.reranker import (
    CandidateLists,
    read_kept_lists,
    train_reranker,
)
from apicall.index.ranking import COVERAGE, FEATURES, GAPPED

GROUPS = {
    "retrieval (ranks, scores, cosine)": (
        "fused_score",
        "fused_position",
        "vector_rank",
        "keyword_rank",
        "keyword_score",
        "cosine",
        "cosine_gap",
    ),
    "lexical coverage": (*COVERAGE, "has_summary", "comment_words"),
    "verb, method and path shape": (
        "verb_fits_method",
        "shape_fits",
        "ends_in_item",
        "path_depth",
        "path_params",
        "action_segment_named",
        "verb_in_operation_id",
        "method_get",
        "method_post",
        "method_put_patch",
        "method_delete",
    ),
    "API named": ("api_named", "api_share"),
    "workspace": ("in_workspace", "workspace_any", "workspace_rank"),
    "stated values, the author's own things": ("comment_values", "comment_self", "path_self"),
    "spec size": ("spec_size",),
    "collection cues (all, limit, the path's plural said)": (
        "asks_many",
        "last_word_said",
        "last_word_plural",
    ),
    "the API's words in known comments": ("api_words", "api_words_gap"),
    "how much known comments ask for the API": ("api_asked", "api_asked_best_gap"),
    "path and name words said, rank within its API": (
        "path_said",
        "path_unsaid",
        "names_said",
        "api_rank",
    ),
    "gaps to the list's best": tuple(f"{name}_best_gap" for name in GAPPED),
}


def without(lists: CandidateLists, names: tuple[str, ...]) -> CandidateLists:
    columns = [FEATURES.index(n) for n in names if n in FEATURES]
    out = CandidateLists()
    out.labels, out.comments, out.texts = lists.labels, lists.comments, lists.texts
    for features in lists.features:
        held = features.copy()
        held[:, columns] = 0.0
        out.features.append(held)
    return out


def top_k(model_text: str, lists: CandidateLists) -> tuple[float, float]:
    import lightgbm

    booster = lightgbm.Booster(model_str=model_text)
    first = three = 0
    for features, labels in zip(lists.features, lists.labels, strict=True):
        if not len(features):
            continue
        order = np.argsort(-booster.predict(features, num_threads=2))
        first += bool(labels[order[0]])
        three += bool(labels[order[:3]].any())
    n = max(len(lists.features), 1)
    return 100.0 * first / n, 100.0 * three / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("lists", type=Path, help="the file `apicall train --keep-lists` wrote")
    args = parser.parse_args()
    grouped = {name for names in GROUPS.values() for name in names}
    if set(FEATURES) - grouped:
        raise SystemExit(f"features in no group: {sorted(set(FEATURES) - grouped)}")
    train, dev = read_kept_lists(args.lists, with_texts=False)
    rows: list[tuple[str, Any, Any]] = []
    for label, names in [("all features", ()), *GROUPS.items()]:
        result = train_reranker(without(train, names), without(dev, names))
        top1, top3 = top_k(result.model_text, without(dev, names))
        rows.append((label, top1, top3))
        print(f"{label}: {top1:.1f} / {top3:.1f} (round {result.best_round})", file=sys.stderr)
    print("| reranker | dev top-1 | dev top-3 |\n|---|---|---|")
    for label, top1, top3 in rows:
        name = label if label == "all features" else f"without {label}"
        print(f"| {name} | {top1:.1f} | {top3:.1f} |")


if __name__ == "__main__":
    main()
