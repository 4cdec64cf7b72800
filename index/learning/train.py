"""`apicall train`: every learned part of ranking, rebuilt from the data in this repository.

1. The retriever: the static table fine-tuned on train comments (index/learning/retriever.py).
2. The catalog indexed with it (retrieval for the reranker's data must be what users get).
3. The reranker: LightGBM lambdarank over the top 100 candidates of each train comment,
   stopped early on dev (index/learning/reranker.py).
4. The evaluation on dev (and on train, to show the gap), written to docs/TRAINING.md with the
   loss curves; the artifacts go to index/artifacts/ with a manifest.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..api_words import API_WORDS_FILE, ApiWords
from ..embed import (
    STATIC_TABLE_FILE,
    TRAINED_TABLE,
    TRAINED_TABLE_NAME,
    default_model_dir,
    distill_static_table,
    save_trained_table,
)
from ..ranking import ARTIFACTS, FEATURES, RERANKER_FILE
from ..search import Searcher
from ..value_words import REQUEST_WORDS_FILE, request_words_of, save_request_words
from .data import Comment, Operation, TrainingData, operation_text
from .reranker import (
    CandidateLists,
    RerankerRecipe,
    RerankerResult,
    collect_candidates,
)
from .retriever import (
    RetrieverRecipe,
    RetrieverResult,
    Triple,
    train_static_retriever,
)

# A progress reporter: (stage, done, total, message).
Progress = Callable[[str, int, int, str], None]


@dataclass
class TrainReport:
    retriever: dict[str, Any] = field(default_factory=dict)
    reranker: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def fold_of(op: str, folds: int) -> int:
    """Which cross-fitting fold an operation's comments fall in (both comments together)."""
    return int(hashlib.sha1(f"fold:{op}".encode()).hexdigest()[:8], 16) % folds


def hard_negative_triples(
    data: TrainingData, seed: int = 13, comments: Sequence[Comment] | None = None
) -> list[Triple]:
    """(comment, its operation, a sibling) for every train comment. A sibling is an operation of
    the same spec, preferably on the same or a related path (list vs item, another method, an
    action sub-resource): the confusions retrieval must learn to avoid."""
    rng = random.Random(seed)
    by_spec: dict[str, list[Operation]] = {}
    for operation in data.operations.values():
        if data.split_of(operation.op) == "train":
            by_spec.setdefault(operation.spec, []).append(operation)
    everything = [o for ops in by_spec.values() for o in ops]
    texts = {o.op: operation_text(o) for o in everything}
    triples = []
    for comment in comments if comments is not None else data.comments_in("train"):
        operation = data.operations[comment.op]
        siblings = [o for o in by_spec.get(operation.spec, []) if o.op != operation.op]
        related = [
            o
            for o in siblings
            if o.path == operation.path
            or o.path.startswith(operation.path)
            or operation.path.startswith(o.path)
        ]
        negative = rng.choice(related or siblings or everything)
        triples.append(Triple(comment.comment, texts[operation.op], texts[negative.op]))
    return triples


def base_table(cache: Path) -> tuple[np.ndarray, Path]:
    """The table distilled from all-MiniLM-L6-v2 (the starting point), and its tokenizer."""
    model_dir = default_model_dir()
    if not cache.is_file():
        distill_static_table(model_dir, cache)
    return np.load(cache).astype(np.float32), model_dir / "tokenizer.json"


def train_retriever(
    data: TrainingData,
    cache: Path,
    recipe: RetrieverRecipe,
    progress: Progress,
    comments: Sequence[Comment] | None = None,
) -> RetrieverResult:
    table, tokenizer = base_table(cache)
    triples = hard_negative_triples(data, recipe.seed, comments)
    return train_static_retriever(
        triples,
        table,
        tokenizer,
        recipe,
        lambda done, total, loss: progress("retriever", done, total, f"loss {loss:.3f}"),
    )


def candidate_lists(
    searcher: Searcher,
    data: TrainingData,
    split: str,
    progress: Progress,
    limit: int | None,
    comments: Sequence[Comment] | None = None,
    api_words: ApiWords | None = None,
    leave_own_operation: bool = False,
) -> CandidateLists:
    if comments is None:
        comments = data.comments_in(split)  # type: ignore[arg-type]
    if limit is not None and len(comments) > limit:
        comments = random.Random(7).sample(list(comments), limit)
    done = [0]

    def tick() -> None:
        done[0] += 1
        if done[0] % 25 == 0 or done[0] == len(comments):
            progress(f"candidates ({split})", done[0], len(comments), "")

    return collect_candidates(
        searcher,
        data,
        comments,
        progress=tick,
        api_words=api_words,
        leave_own_operation=leave_own_operation,
    )


def api_words_of(data: TrainingData, comments: Sequence[Comment] | None = None) -> ApiWords:
    """The words of each API's train comments (index/api_words.py)."""
    comments = data.comments_in("train") if comments is None else comments
    return ApiWords.of((data.operations[c.op].api, c.comment) for c in comments)


def write_request_words(data: TrainingData, artifacts: Path = ARTIFACTS) -> None:
    """The plain words the train comments ask with and never state (index/value_words.py)."""
    artifacts.mkdir(parents=True, exist_ok=True)
    said = ((c.comment, c.values) for c in data.comments_in("train"))
    save_request_words(request_words_of(said), artifacts / REQUEST_WORDS_FILE)


def write_artifacts(
    retriever: RetrieverResult | None,
    reranker: RerankerResult | None,
    report: dict[str, Any],
    artifacts: Path = ARTIFACTS,
    api_words: ApiWords | None = None,
) -> None:
    artifacts.mkdir(parents=True, exist_ok=True)
    if api_words is not None:
        api_words.save(artifacts / API_WORDS_FILE)
    if retriever is not None:
        save_trained_table(retriever.table, artifacts / TRAINED_TABLE.name)
    if reranker is not None:
        (artifacts / RERANKER_FILE).write_text(reranker.model_text)
    manifest = {
        "retriever": TRAINED_TABLE_NAME,
        "features": list(FEATURES),
        "trained_at": time.strftime("%Y-%m-%d"),
        **report,
    }
    (artifacts / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def table_of_index(index_dir: Path) -> np.ndarray:
    return np.load(index_dir / "embedder" / STATIC_TABLE_FILE).astype(np.float32)


def loss_curves(
    retriever_losses: Sequence[float], train_ndcg: Sequence[float], dev_ndcg: Sequence[float]
) -> Any:
    """A figure: the retriever's loss by step; the reranker's NDCG@1 on train and dev by round."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Without a retriever trained in this run (--from-lists, --reranker-only): the reranker only.
    panels = 2 if retriever_losses else 1
    figure, axes = plt.subplots(1, panels, figsize=(5 * panels, 3.6), squeeze=False)
    right = axes[0][-1]
    if retriever_losses:
        left = axes[0][0]
        window = max(1, len(retriever_losses) // 50)
        smooth = np.convolve(retriever_losses, np.ones(window) / window, mode="valid")
        left.plot(retriever_losses, alpha=0.3, label="each step")
        left.plot(range(window - 1, window - 1 + len(smooth)), smooth, label="moving mean")
        left.set_title("retriever: MultipleNegativesRankingLoss")
        left.set_xlabel("step")
        left.legend()
    if train_ndcg:
        right.plot(train_ndcg, label="train")
        right.plot(dev_ndcg, label="dev")
        right.set_title("reranker: NDCG@1")
        right.set_xlabel("boosting round")
        right.legend()
    figure.tight_layout()
    return figure


def recipes_as_dict(retriever: RetrieverRecipe, reranker: RerankerRecipe) -> dict[str, Any]:
    return {"retriever": asdict(retriever), "reranker": asdict(reranker)}


def merged(lists: Sequence[CandidateLists]) -> CandidateLists:
    out = CandidateLists()
    for part in lists:
        out.features += part.features
        out.labels += part.labels
        out.comments += part.comments
        out.texts += part.texts
    return out
