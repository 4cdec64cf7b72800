"""The learned reranker: features of each retrieved candidate, and a LightGBM lambdarank model
over them (trained by `apicall train`, shipped in index/artifacts/).

Features say how the comment and the operation fit: the retrieval ranks and scores, the cosine
of the comment and the operation's text, how much of the comment the operation's summary, names,
path, parameters and description cover and the reverse, whether the comment names the API, what
the comment's verb asks of the method and the path's shape (a collection, one item, an action
sub-resource such as /cancel), and whether the spec is in the workspace (a feature, not a
multiplier).
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .api_words import API_WORDS_FILE, ApiWords
from .embed import Embedder
from .records import humanise_identifier
from .search import SearchResult
from .text import (
    GENERIC,
    STOPWORDS,
    api_named,
    asks_many,
    compounds,
    content_stems,
    intent_of,
    joined_words,
    path_of_self,
    said_form,
    speaks_of_self,
    split_compounds,
    stated_values,
    stem,
    words,
)

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
RERANKER_FILE = "reranker.lgb.txt"
RELEVANCE_FILE = "relevance.json"
MISSING_RANK = 200
FORMATS = frozenset({"json", "xml", "csv"})  # /Messages.json: the resource is "messages"

# How much of the comment the operation's summary, names, path, parameters and description
# cover, and the reverse.
COVERAGE = (
    "summary_covered",
    "comment_covered",
    "names_cover",
    "params_cover",
    "description_cover",
    "path_words_cover",
)
CANDIDATE_FEATURES = (
    "fused_score",
    "fused_position",
    "vector_rank",
    "keyword_rank",
    "keyword_score",
    "cosine",
    "cosine_gap",
    "api_named",
    *COVERAGE,
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
    "in_workspace",
    "workspace_any",
    "api_share",
    "comment_words",
    "has_summary",
    "comment_values",
    "comment_self",
    "path_self",
    "workspace_rank",
    "spec_size",
    "asks_many",
    "last_word_said",
    "last_word_plural",
    "api_words",
    "api_words_gap",
    "path_said",
    "path_unsaid",
    "names_said",
    "api_rank",
    "api_asked",
)

# Features also given as their gap to the best candidate's value: a candidate is judged against
# the others in its list (the sibling that covers the comment best), which per-candidate scores
# cannot see.
GAPPED = (
    *COVERAGE,
    "keyword_score",
    "fused_score",
    "verb_fits_method",
    "shape_fits",
    "last_word_said",
    "action_segment_named",
    "verb_in_operation_id",
    "path_said",
    "names_said",
    "api_asked",
)
FEATURES = CANDIDATE_FEATURES + tuple(f"{name}_best_gap" for name in GAPPED)


@dataclass(frozen=True)
class Query:
    """What every candidate is compared with: the comment's words, stems, intent and vector."""

    text: str
    words: frozenset[str]
    content: frozenset[str]  # stems of the content words
    stems: frozenset[str]  # stems of all its words
    verb_methods: frozenset[str]
    collection: bool | None
    verb: str | None
    values: int = 0  # values the comment states
    of_self: bool = False  # asks about the author's own things
    many: bool = False  # asks for a collection (all, limit, page, newest...)
    # Two words said apart that a spec may write as one ("pull request": /pullrequests).
    compounds: dict[str, tuple[str, str]] = field(default_factory=dict)
    joined: frozenset[str] = frozenset()

    @classmethod
    def of(cls, text: str) -> Query:
        all_words = words(text)
        intent = intent_of(text)
        content = content_stems(text)
        return cls(
            text,
            frozenset(all_words),
            content,
            frozenset(stem(w) for w in all_words),
            intent.methods,
            intent.collection,
            intent.verb,
            stated_values(text),
            speaks_of_self(text),
            asks_many(text),
            compounds(text),
            frozenset(joined_words(text)),
        )


def candidate_text(hit: SearchResult) -> str:
    """The candidate as the embedder sees it (the index's embedding text, from its columns)."""
    return f"{hit.api_name}: {hit.what}. {humanise_identifier(hit.operation_id)}. {hit.method} {hit.path}"


def _candidate_vectors(hits: Sequence[SearchResult], embedder: Embedder) -> np.ndarray:
    """The stored embeddings of the candidates (search returns them), else embedded now."""
    missing = [
        i for i, h in enumerate(hits) if h.vector is None or len(h.vector) != embedder.dimension
    ]
    if missing:
        computed = embedder.embed([candidate_text(hits[i]) for i in missing])
        for row, i in enumerate(missing):
            hits[i].vector = computed[row]
    return np.asarray([h.vector for h in hits], dtype=np.float32)


@functools.lru_cache(maxsize=131072)
def _stems(text: str) -> frozenset[str]:
    """Content stems of a text; candidates recur across comments, so their texts are cached."""
    return frozenset(stem(w) for w in words(text)) - STOPWORDS - GENERIC


def _cover(content: frozenset[str], described: frozenset[str]) -> float:
    return len(content & described) / len(content) if content else 0.0


def candidate_features(
    query: Query,
    hits: Sequence[SearchResult],
    embedder: Embedder,
    workspace_specs: frozenset[str] = frozenset(),
    api_words: ApiWords | None = None,
    leave_out: tuple[str, Counter[str]] | None = None,
) -> np.ndarray:
    """(len(hits), len(FEATURES)) float32. `api_words`: the words of each API's known comments;
    `leave_out`: an API and word counts to take out of its known ones (training leaves out the
    comment's own operation)."""
    out = np.zeros((len(hits), len(CANDIDATE_FEATURES)), dtype=np.float32)
    if not hits:
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    query_vector = embedder.embed([query.text])[0]
    cosines = _candidate_vectors(hits, embedder) @ query_vector
    best_cosine = float(cosines.max())
    fits: dict[str, float] = {}
    asked: dict[str, float] = {}
    if api_words is not None:
        for api in {h.api_name for h in hits}:
            left_out = leave_out[1] if leave_out is not None and leave_out[0] == api else None
            fits[api] = api_words.fit(api, query.content, left_out)
            asked[api] = api_words.asked(api, left_out)
    best_fit = max(fits.values(), default=0.0)
    apis = Counter(h.api_name for h in hits[:20])
    in_workspace = any(h.spec in workspace_specs for h in hits)
    # A workspace spec's API is one the developer uses, however rarely others ask for it.
    most_asked = max(asked.values(), default=0.0)
    for hit in hits:
        if hit.spec in workspace_specs:
            asked[hit.api_name] = most_asked
    workspace_rank: dict[int, int] = {}
    api_rank: list[int] = []
    seen_apis: Counter[str] = Counter()
    for row, hit in enumerate(hits):
        if hit.spec in workspace_specs:
            workspace_rank[row] = len(workspace_rank) + 1
        seen_apis[hit.api_name] += 1
        api_rank.append(seen_apis[hit.api_name])
    parts = query.compounds  # a spec's one word -> the two the comment says
    for row, hit in enumerate(hits):
        what = split_compounds(_stems(hit.what), parts)
        names = split_compounds(
            _stems(f"{humanise_identifier(hit.operation_id)} {hit.endpoint_name}"), parts
        )
        path_words = split_compounds(_stems(humanise_identifier(hit.path)), parts)
        params = split_compounds(
            _stems(" ".join(hit.param_names.split()) + " " + humanise_identifier(hit.param_names)),
            parts,
        )
        description = _stems(hit.description[:300])
        segments = [s for s in hit.path.strip("/").split("/") if s]
        literal = [s for s in segments if not s.startswith("{")]
        last = literal[-1] if literal else ""
        last_word = ([w for w in words(humanise_identifier(last)) if w not in FORMATS] or [""])[-1]
        # The path's own words (not its parameters), and the operation's name: what the
        # comment leaves unsaid tells a sibling with an extra segment (/admin.x, /x/{id}/y) apart.
        path_own = split_compounds(
            frozenset(w for w in _stems(humanise_identifier(" ".join(literal))) if w.isalpha()),
            parts,
        )
        name_own = split_compounds(_stems(humanise_identifier(hit.operation_id)), parts)
        last_stems = split_compounds(_stems(humanise_identifier(last)), parts)
        method = hit.method.upper()
        ends_in_item = hit.path.rstrip("/").endswith("}")
        shape = 0.5
        if query.collection is not None:
            shape = 1.0 if ends_in_item != query.collection else 0.0
        verb_fit = 0.5 if not query.verb_methods else float(method in query.verb_methods)
        out[row] = (
            hit.score,
            row,
            hit.vector_rank or MISSING_RANK,
            hit.keyword_rank or MISSING_RANK,
            hit.keyword_score,
            cosines[row],
            best_cosine - cosines[row],
            api_named(hit.api_name, hit.api_provider, query.words),
            len(what & query.content) / len(what) if what else 0.0,
            _cover(query.content, what | names),
            _cover(query.content, names),
            _cover(query.content, params),
            _cover(query.content, description),
            _cover(query.content, path_words),
            verb_fit,
            shape,
            float(ends_in_item),
            len(segments),
            sum(s.startswith("{") for s in segments),
            float(bool(last) and bool(last_stems & query.content)),
            float(query.verb is not None and stem(query.verb) in names),
            float(method == "GET"),
            float(method == "POST"),
            float(method in ("PUT", "PATCH")),
            float(method == "DELETE"),
            float(hit.spec in workspace_specs),
            float(in_workspace),
            apis[hit.api_name] / min(20, len(hits)),
            len(query.content),
            float(bool(hit.summary)),
            query.values,
            float(query.of_self),
            float(path_of_self(hit.path, hit.what)),
            workspace_rank.get(row, MISSING_RANK),
            np.log1p(hit.spec_operations),
            float(query.many),
            said_form(last_word, query.words | query.joined, query.stems | parts.keys()),
            float(last_word.endswith("s") and not last_word.endswith("ss")),
            fits.get(hit.api_name, 0.0),
            best_fit - fits.get(hit.api_name, 0.0),
            _cover(path_own, query.stems),
            len(path_own - query.stems),
            _cover(name_own, query.stems),
            api_rank[row],
            asked.get(hit.api_name, 0.0),
        )
    return with_best_gaps(out)


_GAPPED_COLUMNS = [CANDIDATE_FEATURES.index(name) for name in GAPPED]


def with_best_gaps(features: np.ndarray) -> np.ndarray:
    """CANDIDATE_FEATURES columns -> FEATURES: each GAPPED feature's distance to its best value
    among the candidates appended."""
    gapped = features[:, _GAPPED_COLUMNS]
    return np.hstack([features, gapped.max(axis=0, keepdims=True) - gapped])


class LearnedReranker:
    """A LightGBM ranking model over FEATURES (higher scores rank first), and the relevance
    model over its ranking when training made one (relevance.json beside the model)."""

    def __init__(
        self,
        model_file: Path,
        relevance: RelevanceModel | None = None,
    ):
        import lightgbm

        self.booster = lightgbm.Booster(model_file=str(model_file))
        names = self.booster.feature_name()
        if tuple(names) != FEATURES:
            raise ValueError(f"{model_file} was trained on other features: retrain it")
        relevance_file = model_file.parent / RELEVANCE_FILE
        if relevance is None and relevance_file.is_file():
            relevance = RelevanceModel.from_json(json.loads(relevance_file.read_text()))
        self.relevance = relevance
        words_file = model_file.parent / API_WORDS_FILE
        self.api_words = ApiWords.load(words_file) if words_file.is_file() else None

    def relevance_of(
        self, features: np.ndarray, scores: np.ndarray, query_vector: np.ndarray
    ) -> float | None:
        if self.relevance is None:
            return None
        if not len(scores):
            return 0.0
        return self.relevance.probability(relevance_inputs(features, scores, query_vector))

    def scores(self, features: np.ndarray) -> np.ndarray:
        if not len(features):
            return np.zeros(0, dtype=np.float32)
        return np.asarray(self.booster.predict(features, num_threads=1), dtype=np.float32)


@functools.cache
def shipped_reranker() -> LearnedReranker | None:
    """The reranker trained by `apicall train`, or None when this checkout has none."""
    path = ARTIFACTS / RERANKER_FILE
    if not path.is_file():
        return None
    return LearnedReranker(path)


def read_manifest() -> dict[str, Any]:
    path = ARTIFACTS / "manifest.json"
    return json.loads(path.read_text()) if path.is_file() else {}


# What the relevance model reads of a ranking: the reranker's best score and its lead over the
# next, and how well the best candidate fits the comment.
RELEVANCE_FEATURES = (
    "top_score",
    "lead",
    "cosine",
    "comment_covered",
    "names_cover",
    "summary_covered",
    "api_named",
    "comment_words",
    "verb_fits_method",
)


def relevance_inputs(
    features: np.ndarray, scores: np.ndarray, query_vector: np.ndarray
) -> np.ndarray:
    """The relevance model's inputs for one ranking: the features and reranker scores of its
    candidates (in any order), then the comment's own vector, which says what kind of comment it
    is ("TODO: refactor this loop" reads unlike "refund this charge" whatever was retrieved)."""
    if not len(scores):
        return np.concatenate([np.zeros(len(RELEVANCE_FEATURES), dtype=np.float32), query_vector])
    order = np.argsort(-scores)
    best = features[order[0]]
    lead = float(scores[order[0]] - scores[order[1]]) if len(order) > 1 else 1.0
    column = {name: best[i] for i, name in enumerate(FEATURES)}
    values = [float(scores[order[0]]), lead] + [float(column[n]) for n in RELEVANCE_FEATURES[2:]]
    return np.concatenate([np.array(values, dtype=np.float32), query_vector.astype(np.float32)])


@dataclass(frozen=True)
class RelevanceModel:
    """Logistic regression: the probability that a comment asks for one of the candidates at all
    (comments such as "fix the flaky test" ask for none)."""

    weights: tuple[float, ...]
    bias: float
    threshold: float  # chosen on dev: at most 5% of non-API comments get a suggestion

    def probability(self, inputs: np.ndarray) -> float:
        z = float(np.dot(np.asarray(self.weights, dtype=np.float32), inputs) + self.bias)
        return 1.0 / (1.0 + float(np.exp(-z)))

    def to_json(self) -> dict[str, Any]:
        return {"weights": list(self.weights), "bias": self.bias, "threshold": self.threshold}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RelevanceModel:
        return cls(
            tuple(float(w) for w in data["weights"]), float(data["bias"]), float(data["threshold"])
        )
