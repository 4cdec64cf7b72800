"""The learned reranker's data and training: LightGBM lambdarank over the candidates that
retrieval returns for each train comment (label 1: the operation the comment asks for)."""

from __future__ import annotations

import pickle
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..api_words import ApiWords
from ..calls import same_call_keys, same_method
from ..embed import Embedder
from ..ranking import (
    FEATURES,
    LearnedReranker,
    Query,
    RelevanceModel,
    candidate_features,
    candidate_text,
    relevance_inputs,
)
from ..search import Searcher, SearchResult
from ..text import content_stems
from .data import Comment, Operation, TrainingData

RETRIEVAL_DEPTH = 100
# The relevance model's inverse regularisation, chosen on dev: with the comment's 384-d vector
# among its inputs, C=1 held it back (dev AUC 0.982; API comments offered at the 5% line
# 94.2%) where C=10 did not (0.988; 96.9%); C=30 gave no more.
RELEVANCE_REGULARISATION = 10.0


def is_answer(hit: SearchResult, operation: Operation, servers: str = "") -> bool:
    """The hit is the operation: same spec, method and path; or the same operation of a spec with
    the same API name (GitHub's Enterprise copies), or, given the operation's `servers`, of a spec
    that serves it from the same concrete server (Spotify's spec and its fixed copy): the same
    call, which no comment can tell apart."""
    if hit.path != operation.path or not same_method(hit.path, hit.method, operation.method):
        return False
    if hit.spec.endswith("/" + operation.spec) or hit.api_name == operation.api:
        return True
    ours = same_call_keys(operation.api, servers, operation.method, operation.path)
    return bool(set(ours) & set(same_call_keys(hit.api_name, hit.servers, hit.method, hit.path)))


def answer_rank(
    hits: Sequence[SearchResult], operation: Operation, searcher: Searcher
) -> int | None:
    """Where the operation lands among `hits` (1 = first), None when it is not among them. The
    index is asked for the operation's servers only when it is not first by name."""
    rank = next((i for i, hit in enumerate(hits, start=1) if is_answer(hit, operation)), None)
    if rank == 1:
        return rank
    servers = servers_of(searcher, operation)
    return next(
        (i for i, hit in enumerate(hits, start=1) if is_answer(hit, operation, servers)), None
    )


def servers_of(searcher: Searcher, operation: Operation) -> str:
    """The servers the index holds for the operation (its spec's copy), "" when not indexed."""
    rows = searcher.store.same_operation(operation.api, operation.method, operation.path)
    ours = [r for r in rows if str(r.get("spec_key", "")).endswith("/" + operation.spec)]
    return str((ours or rows or [{}])[0].get("servers") or "")


@dataclass
class CandidateLists:
    """Features of every retrieved candidate of every comment, grouped by comment, with each
    candidate's text (what the cross-encoder reads)."""

    features: list[np.ndarray] = field(default_factory=list)
    labels: list[np.ndarray] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    texts: list[tuple[str, ...]] = field(default_factory=list)

    def selected(self, names: Sequence[str], wanted: Sequence[str] = FEATURES) -> CandidateLists:
        """The lists with the columns `wanted`, from lists whose columns are `names`."""
        missing = [n for n in wanted if n not in names]
        if missing:
            raise ValueError(f"the kept lists lack the features {missing}: rank them again")
        columns = [list(names).index(n) for n in wanted]
        return CandidateLists(
            [f[:, columns] for f in self.features], self.labels, self.comments, self.texts
        )

    def stacked(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """X, y and the group sizes, for the comments whose answer was retrieved."""
        kept = [i for i, y in enumerate(self.labels) if y.any()]
        if not kept:
            return np.zeros((0, len(FEATURES))), np.zeros(0), np.zeros(0, dtype=int)
        x = np.concatenate([self.features[i] for i in kept])
        y = np.concatenate([self.labels[i] for i in kept])
        return x, y, np.array([len(self.labels[i]) for i in kept])


def collect_candidates(
    searcher: Searcher,
    data: TrainingData,
    comments: Iterable[Comment],
    depth: int = RETRIEVAL_DEPTH,
    progress: Callable[[], None] | None = None,
    seed: int = 13,
    api_words: ApiWords | None = None,
    leave_own_operation: bool = False,
) -> CandidateLists:
    """Features of the retrieved candidates of each comment. The workspace is simulated, since
    the comments come without one: for 30% of them the answer's spec is a workspace spec (as when
    a developer works in that API's repository), for 10% another retrieved spec is (a workspace
    that has nothing to do with the comment), so the reranker learns what workspace membership
    is worth instead of never seeing it.

    `api_words` must not know the comments' own operations (a new operation has no known
    comments): out-of-fold training builds it from the other folds; `leave_own_operation` takes
    each comment's operation out of one built from all train comments instead."""
    rng = random.Random(seed)
    lists = CandidateLists()
    said_of: dict[str, Counter[str]] = {}
    if leave_own_operation:
        for known in data.comments_in("train"):
            said_of.setdefault(known.op, Counter()).update(content_stems(known.comment))
    for comment in comments:
        hits = searcher.search(comment.comment, k=depth)
        operation = data.operations[comment.op]
        labels = np.array([is_answer(h, operation) for h in hits], dtype=np.float32)
        workspace: frozenset[str] = frozenset()
        draw = rng.random()
        answers = [h.spec for h, y in zip(hits, labels, strict=True) if y]
        others = sorted({h.spec for h in hits} - set(answers))
        if draw < 0.3 and answers:
            workspace = frozenset(answers[:1])
        elif draw < 0.4 and others:
            workspace = frozenset([rng.choice(others)])
        query = Query.of(comment.comment)
        own = (operation.api, said_of[comment.op]) if comment.op in said_of else None
        lists.features.append(
            candidate_features(query, hits, searcher.embedder, workspace, api_words, own)
        )
        lists.labels.append(labels)
        lists.comments.append(comment)
        lists.texts.append(tuple(candidate_text(hit) for hit in hits))
        if progress:
            progress()
    return lists


def write_kept_lists(path: Path, train: CandidateLists, dev: CandidateLists) -> None:
    """The reranker's and the cross-encoder's data, for learning again without ranking again."""
    with path.open("wb") as handle:
        pickle.dump((list(FEATURES), train, dev), handle)


def read_kept_lists(path: Path, with_texts: bool = True) -> tuple[CandidateLists, CandidateLists]:
    """The lists an earlier run kept, with this release's features; ValueError when they lack
    some of them, or the candidates' texts when `with_texts` (lists kept by an older release)."""
    with path.open("rb") as handle:
        names, train, dev = pickle.load(handle)
    for lists in (train, dev):
        # Unpickling skips __init__: lists kept before texts were kept have no such attribute.
        lists.texts = getattr(lists, "texts", [])
        if with_texts and len(lists.texts) != len(lists.features):
            raise ValueError("the kept lists lack the candidates' texts: rank them again")
    return train.selected(names), dev.selected(names)


@dataclass(frozen=True)
class RerankerRecipe:
    num_leaves: int = 31
    learning_rate: float = 0.05
    rounds: int = 600
    min_data_in_leaf: int = 20
    feature_fraction: float = 0.9
    early_stopping: int = 50
    seed: int = 13


@dataclass
class RerankerResult:
    model_text: str
    best_round: int
    train_ndcg: list[float]
    dev_ndcg: list[float]
    importance: dict[str, float]


def train_reranker(
    train: CandidateLists, dev: CandidateLists, recipe: RerankerRecipe = RerankerRecipe()
) -> RerankerResult:
    import lightgbm

    x, y, groups = train.stacked()
    x_dev, y_dev, groups_dev = dev.stacked()
    params = {
        "objective": "lambdarank",
        "metric": "ndcg",
        "ndcg_eval_at": [1, 3],
        "num_leaves": recipe.num_leaves,
        "learning_rate": recipe.learning_rate,
        "min_data_in_leaf": recipe.min_data_in_leaf,
        "feature_fraction": recipe.feature_fraction,
        "lambdarank_truncation_level": 20,
        "seed": recipe.seed,
        "deterministic": True,
        "num_threads": 2,
        "verbose": -1,
    }
    names = list(FEATURES)
    train_set = lightgbm.Dataset(x, y, group=groups, feature_name=names)
    dev_set = lightgbm.Dataset(x_dev, y_dev, group=groups_dev, feature_name=names)
    history: dict[str, dict[str, list[float]]] = {}
    booster = lightgbm.train(
        params,
        train_set,
        num_boost_round=recipe.rounds,
        valid_sets=[train_set, dev_set],
        valid_names=["train", "dev"],
        callbacks=[
            lightgbm.early_stopping(recipe.early_stopping, verbose=False),
            lightgbm.record_evaluation(history),
        ],
    )
    gains = booster.feature_importance(importance_type="gain")
    total = float(gains.sum()) or 1.0
    return RerankerResult(
        booster.model_to_string(num_iteration=booster.best_iteration),
        booster.best_iteration,
        history["train"]["ndcg@1"],
        history["dev"]["ndcg@1"],
        {n: float(g) / total for n, g in zip(names, gains, strict=True)},
    )


def save_model(result: RerankerResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(result.model_text)


@dataclass
class Rankings:
    """Comments with the features of their retrieved candidates (no answer needed)."""

    texts: list[str]
    features: list[np.ndarray]


def collect_features(
    searcher: Searcher,
    texts: Iterable[str],
    depth: int = RETRIEVAL_DEPTH,
    api_words: ApiWords | None = None,
) -> Rankings:
    texts = list(texts)
    features = [
        candidate_features(
            Query.of(text),
            searcher.search(text, k=depth),
            searcher.embedder,
            api_words=api_words,
        )
        for text in texts
    ]
    return Rankings(texts, features)


def rankings_of(lists: CandidateLists) -> Rankings:
    return Rankings([c.comment for c in lists.comments], lists.features)


def _relevance_rows(
    reranker: LearnedReranker, rankings: Rankings, embedder: Embedder
) -> np.ndarray:
    vectors = embedder.embed(rankings.texts)
    rows = [
        relevance_inputs(f, reranker.scores(f), v)
        for f, v in zip(rankings.features, vectors, strict=True)
    ]
    return np.array(rows, dtype=np.float32).reshape(len(rows), -1)


def fit_relevance(
    reranker: LearnedReranker,
    embedder: Embedder,
    train_positive: Rankings,
    train_negative: Rankings,
    dev_positive: Rankings,
    dev_negative: Rankings,
    max_negative_rate: float = 0.05,
) -> tuple[RelevanceModel, dict[str, float]]:
    """A logistic regression on train (API comments vs others), its threshold chosen on dev: the
    lowest that suggests something for at most `max_negative_rate` of the non-API comments."""
    from sklearn.linear_model import LogisticRegression

    x = np.concatenate(
        [
            _relevance_rows(reranker, train_positive, embedder),
            _relevance_rows(reranker, train_negative, embedder),
        ]
    )
    y = np.concatenate([np.ones(len(train_positive.texts)), np.zeros(len(train_negative.texts))])
    fitted = LogisticRegression(
        class_weight="balanced", max_iter=5000, C=RELEVANCE_REGULARISATION
    ).fit(x, y)
    model = RelevanceModel(
        tuple(float(w) for w in fitted.coef_[0]), float(fitted.intercept_[0]), 0.5
    )
    return relevance_threshold(
        model, reranker, embedder, dev_positive, dev_negative, max_negative_rate
    )


def relevance_threshold(
    model: RelevanceModel,
    reranker: LearnedReranker,
    embedder: Embedder,
    dev_positive: Rankings,
    dev_negative: Rankings,
    max_negative_rate: float = 0.05,
) -> tuple[RelevanceModel, dict[str, float]]:
    """`model` with the lowest threshold that suggests something for at most
    `max_negative_rate` of the dev non-API comments, and how many of each side it offers."""
    negative = np.array(
        [model.probability(r) for r in _relevance_rows(reranker, dev_negative, embedder)]
    )
    positive = np.array(
        [model.probability(r) for r in _relevance_rows(reranker, dev_positive, embedder)]
    )
    allowed = int(np.floor(max_negative_rate * len(negative)))
    ordered = np.sort(negative)[::-1]
    threshold = float(ordered[allowed] + 1e-6) if allowed < len(ordered) else 0.0
    model = RelevanceModel(model.weights, model.bias, min(max(threshold, 0.0), 1.0))
    return model, {
        "threshold": model.threshold,
        "dev_negatives_suggested_pct": 100.0 * float((negative >= model.threshold).mean())
        if len(negative)
        else 0.0,
        "dev_api_comments_kept_pct": 100.0 * float((positive >= model.threshold).mean())
        if len(positive)
        else 0.0,
    }
