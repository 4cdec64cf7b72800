"""The main job as one function: instruction + target -> retrieve -> rerank -> fill -> render.

Every caller (the CLI, the language server, the benchmarks and the evaluation) goes through
`Engine.suggest`, so they all measure and ship the same thing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .arguments import fill_arguments, to_render_arguments
from .calls import same_call_keys, templated_server
from .control import Cancelled, RequestControl
from .cross_encoder import CrossEncoder, shipped_cross_encoder
from .embed import Embedder
from .errors import ApicallError
from .kept import KeptAnswers
from .languages import target_of
from .model_port import Example, candidate_line
from .ranking import (
    LearnedReranker,
    Query,
    candidate_features,
    candidate_text,
    shipped_reranker,
)
from .records import OperationRecord, humanise_identifier
from .render.render import render
from .search import Searcher, SearchResult, clip_query
from .text import GENERIC, STOPWORDS, Intent, api_named, content_stems, intent_of, stem, words
from .urlmatch import match_url, specs_called

if TYPE_CHECKING:
    from .model_port import CallModel

Mode = Literal["render", "generate"]
# Below this confidence apicall answers "no good match" instead of guessing.
DEFAULT_MIN_CONFIDENCE = 0.55
RETRIEVE_DEPTH = 100  # what the reranker sees
RANKINGS_KEPT = 64  # an engine's last rankings, for the editor's repeated requests
RANKINGS_HANDED_ON = 2  # latest comments (and URLs) a successor answers before it takes over
RankingKey = tuple[str, int, frozenset[str], frozenset[str] | None]
WORKSPACE_MARGIN = 0.85
API_NAME_BOOST = 0.02
SUMMARY_COVERAGE_BOOST = 0.015
INSTRUCTION_COVERAGE_BOOST = 0.01
METHOD_BOOST = 0.005


@dataclass(frozen=True)
class Endpoint:
    api_name: str
    spec: str
    method: str
    path: str
    operation_id: str
    summary: str

    def to_json(self) -> dict[str, str]:
        return self.__dict__.copy()

    @classmethod
    def of(cls, hit: SearchResult) -> Endpoint:
        return cls(hit.api_name, hit.spec, hit.method, hit.path, hit.operation_id, hit.summary)


@dataclass
class SuggestRequest:
    instruction: str
    target: str | None = None
    language: str | None = None
    context: str = ""
    k: int = 3
    fill: bool = True
    mode: Mode = "render"
    model_rerank: bool = False
    workspace_specs: frozenset[str] = frozenset()
    # Absolute URLs the developer's file already calls: their specs rank as the workspace's do.
    file_urls: tuple[str, ...] = ()
    only_specs: frozenset[str] | None = None  # None: every indexed spec
    min_confidence: float | None = None  # None: the ranker's own threshold

    def __post_init__(self) -> None:
        self.instruction = clip_query(self.instruction)

    def resolved_target(self) -> str:
        if self.target:
            return self.target
        if self.language:
            return target_of(self.language)
        raise ApicallError("give a target or a language")


@dataclass
class Alternative:
    endpoint: Endpoint
    score: float
    record_id: str

    def to_json(self) -> dict[str, Any]:
        return {"endpoint": self.endpoint.to_json(), "score": round(self.score, 6)}


@dataclass
class Suggestion:
    instruction: str
    target: str
    endpoint: Endpoint | None
    score: float
    confidence: float
    code: str | None
    arguments: dict[str, Any]
    alternatives: list[Alternative]
    timings_ms: dict[str, float]
    generated: bool = False  # free generation by the model, not rendered from a spec
    message: str = ""
    notes: list[str] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    body: str = ""
    record: OperationRecord | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "instruction": self.instruction,
            "target": self.target,
            "endpoint": self.endpoint.to_json() if self.endpoint else None,
            "score": round(self.score, 6),
            "confidence": round(self.confidence, 4),
            "code": self.code,
            "arguments": self.arguments,
            "alternatives": [a.to_json() for a in self.alternatives],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "generated": self.generated,
            "message": self.message,
            "notes": self.notes,
        }


class Engine:
    def __init__(
        self,
        searcher: Searcher,
        model: CallModel | None = None,
        reranker: LearnedReranker | None = None,
        cross_encoder: CrossEncoder | Literal["shipped"] | None = "shipped",
    ):
        self.searcher = searcher
        self.model = model
        # The reranker `apicall train` made (index/artifacts/); None: the hand-set rerank.
        self.reranker = reranker if reranker is not None else shipped_reranker()
        # What reorders the reranker's first candidates (None: the reranker's order stands).
        self.cross_encoder = (
            shipped_cross_encoder() if cross_encoder == "shipped" else cross_encoder
        )
        self._rankings: KeptAnswers[RankingKey, Ranking] = KeptAnswers(
            lambda key: self._rank(*key), RANKINGS_KEPT, RANKINGS_HANDED_ON
        )
        self._url_matches: KeptAnswers[str, OperationRecord | None] = KeptAnswers(
            lambda url: match_url(self.searcher.store, url), RANKINGS_KEPT, RANKINGS_HANDED_ON
        )
        self._url_specs: KeptAnswers[str, frozenset[str]] = KeptAnswers(
            lambda url: specs_called(self.searcher.store, url), RANKINGS_KEPT, RANKINGS_HANDED_ON
        )

    def successor(
        self,
        searcher: Searcher,
        workspace_specs: frozenset[str],
        only_specs: frozenset[str] | None = None,
    ) -> Engine:
        """An engine over a newer version of the index (a written workspace overlay) that has
        already answered this one's latest comments and URLs, with the new version's workspace
        specs: the editor asks for them again at the next cursor move, and that first answer
        would otherwise wait on a search that competes with the write that made the new
        version. Call it where waiting is fine (the writer)."""
        engine = Engine(searcher, self.model, self.reranker, self.cross_encoder)
        for instruction, k, _, _ in self._rankings.latest():
            engine._rankings((instruction, k, workspace_specs, only_specs))
        for url in self._url_matches.latest():
            engine._url_matches(url)
        for url in self._url_specs.latest():
            engine._url_specs(url)
        return engine

    def operation_at(self, url: str) -> OperationRecord | None:
        """The indexed operation a URL in the code calls (hover)."""
        return self._url_matches(url)

    def specs_called_by(self, urls: tuple[str, ...]) -> frozenset[str]:
        """The specs of the APIs a file's URLs call (`urls_in`)."""
        return frozenset().union(*(self._url_specs(url) for url in urls))

    def rank(self, request: SuggestRequest) -> Ranking:
        """Retrieved and reranked candidates with their final scores, best first, and how sure
        the ranking is that the comment asks for one of them at all.

        Editors ask again for the same comment at every cursor move (code actions, hover), so
        the last rankings are kept; an engine reads one version of the index (the server makes
        a new one when the index or the workspace overlay changes), so a kept one never goes
        stale.

        The specs the file already calls count as the workspace's: a developer who calls an API
        in a file asks for more of it there, mostly without naming it again."""
        started = time.perf_counter()
        used = request.workspace_specs | self.specs_called_by(request.file_urls)
        key = (request.instruction, request.k, used, request.only_specs)
        kept = self._rankings(key)
        elapsed = _ms(started)
        # Kept from an earlier request: this one took only the lookup.
        earlier = sum(kept.timings_ms.values()) > elapsed
        timings = {"retrieve": elapsed, "rerank": 0.0} if earlier else dict(kept.timings_ms)
        return Ranking(list(kept.candidates), kept.relevance, timings)

    def _rank(
        self,
        instruction: str,
        k: int,
        workspace_specs: frozenset[str],
        only_specs: frozenset[str] | None,
    ) -> Ranking:
        started = time.perf_counter()
        hits = self.searcher.search(instruction, k=max(RETRIEVE_DEPTH, k))
        retrieved = time.perf_counter()
        ranking = rerank(
            hits,
            instruction,
            workspace_specs,
            only_specs,
            self.searcher.embedder,
            self.reranker,
            self.cross_encoder,
        )
        ranking.candidates = self._canonical_first(
            ranking.candidates, hits, workspace_specs, only_specs
        )
        if ranking.relevance is None:
            ranking.relevance = confidence_of(ranking.candidates, instruction)
        ranking.timings_ms = {"retrieve": _ms(started), "rerank": _ms(retrieved)}
        ranking.timings_ms["retrieve"] -= ranking.timings_ms["rerank"]
        return ranking

    def candidates(self, request: SuggestRequest) -> list[tuple[SearchResult, float]]:
        return self.rank(request).candidates

    def offer(self, request: SuggestRequest) -> list[tuple[SearchResult, float]]:
        """The candidates to show a user: none when the comment asks for no operation we have."""
        ranking = self.rank(request)
        return ranking.candidates if ranking.relevant(self.threshold(request)) else []

    def threshold(self, request: SuggestRequest) -> float:
        if request.min_confidence is not None:
            return request.min_confidence
        if self.reranker is not None and self.reranker.relevance is not None:
            return self.reranker.relevance.threshold
        return DEFAULT_MIN_CONFIDENCE

    def _canonical_first(
        self,
        ranked: list[tuple[SearchResult, float]],
        hits: list[SearchResult],
        workspace_specs: frozenset[str],
        only_specs: frozenset[str] | None,
    ) -> list[tuple[SearchResult, float]]:
        """When the best answer is a copy with a templated server of an operation that several
        same-named specs share, answer with the copy that has a concrete server. Identical copies
        tie in retrieval, so the concrete one may not have been retrieved at all."""
        if not ranked or only_specs is not None:
            return ranked
        best, score = ranked[0]
        if best.spec in workspace_specs or not templated_server(best.servers):
            return ranked
        key = (best.api_name, best.method, best.path)
        if sum((h.api_name, h.method, h.path) == key for h in hits) < 2:
            return ranked  # no copy was retrieved: the API is most likely not repeated
        copies = self.searcher.store.same_operation(best.api_name, best.method, best.path)
        concrete = [row for row in copies if not templated_server(row["servers"])]
        if not concrete:
            return ranked
        replacement = SearchResult.from_row(concrete[0], best.score)
        replacement.similarity = best.similarity
        return [(replacement, score), *ranked[1:]]

    def suggest(self, request: SuggestRequest, control: RequestControl | None = None) -> Suggestion:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        target = request.resolved_target()

        ranking = self.rank(request)
        timings.update(ranking.timings_ms)
        ranked = ranking.candidates
        notes: list[str] = []
        if request.model_rerank and self.model is not None and len(ranked) > 1:
            t0 = time.perf_counter()
            ranked = self._model_rerank(request, ranked, control, notes)
            timings["rerank"] += _ms(t0)
        alternatives = [Alternative(Endpoint.of(h), s, h.id) for h, s in ranked[: request.k]]
        confidence = ranking.relevance or 0.0

        if request.mode == "generate":
            return self._generate(request, target, ranked, alternatives, timings, started, control)

        if not ranking.relevant(self.threshold(request)):
            timings.update(fill=0.0, render=0.0, total=_ms(started))
            return Suggestion(
                request.instruction,
                target,
                None,
                ranked[0][1] if ranked else 0.0,
                confidence,
                None,
                {},
                alternatives,
                timings,
                message="no indexed operation matches this instruction well enough",
            )
        best, score = ranked[0]
        row = self.searcher.store.get_operation(best.id)
        if row is None:
            raise ApicallError(f"operation {best.id} vanished from the index")
        record = OperationRecord.from_row(row)

        t0 = time.perf_counter()
        arguments: dict[str, Any] = {}
        render_arguments: dict[str, Any] = {}
        if request.fill:
            arguments, render_arguments = self.fill(record, request, control, notes)
        timings["fill"] = _ms(t0)

        t0 = time.perf_counter()
        snippet = render(record, target, render_arguments)
        timings["render"] = _ms(t0)
        timings["total"] = _ms(started)
        return Suggestion(
            request.instruction,
            target,
            Endpoint.of(best),
            score,
            confidence,
            snippet.code,
            arguments,
            alternatives,
            timings,
            notes=[*notes, *snippet.notes],
            imports=snippet.imports,
            body=snippet.body,
            record=record,
        )

    def fill(
        self,
        record: OperationRecord,
        request: SuggestRequest,
        control: RequestControl | None,
        notes: list[str],
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        try:
            filled = fill_arguments(
                self.model, record, request.instruction, request.context, control
            )
        except Cancelled:
            raise
        except ApicallError as exc:
            notes.append(f"arguments not filled by the model: {exc}")
            filled = fill_arguments(None, record, request.instruction, request.context)
        return filled.arguments, to_render_arguments(record, filled.arguments)

    def _model_rerank(
        self,
        request: SuggestRequest,
        ranked: list[tuple[SearchResult, float]],
        control: RequestControl | None,
        notes: list[str],
    ) -> list[tuple[SearchResult, float]]:
        top = ranked[: max(request.k, 3)]
        lines = [
            candidate_line(h.method, h.path, h.summary or h.endpoint_name, h.api_name)
            for h, _ in top
        ]
        try:
            assert self.model is not None
            choice = self.model.choose(request.instruction, lines, control)
        except Cancelled:
            raise
        except ApicallError as exc:
            notes.append(f"model rerank skipped: {exc}")
            return ranked
        # The model overrides retrieval only when it is clearly confident.
        if choice.index > 0 and choice.confidence >= 0.6:
            chosen = top[choice.index]
            return [chosen, *[c for c in ranked if c is not chosen]]
        return ranked

    def _generate(
        self,
        request: SuggestRequest,
        target: str,
        ranked: list[tuple[SearchResult, float]],
        alternatives: list[Alternative],
        timings: dict[str, float],
        started: float,
        control: RequestControl | None,
    ) -> Suggestion:
        if self.model is None:
            raise ApicallError("--mode generate needs the model")
        examples = []
        for hit, _ in ranked[:3]:
            row = self.searcher.store.get_operation(hit.id)
            if row is None:
                continue
            record = OperationRecord.from_row(row)
            examples.append(Example(hit.summary or hit.endpoint_name, render(record, target).code))
        description = ranked[0][0].api_name if ranked else ""
        t0 = time.perf_counter()
        code = self.model.generate_call(request.instruction, target, description, examples, control)
        timings.update(fill=0.0, render=_ms(t0), total=_ms(started))
        return Suggestion(
            request.instruction,
            target,
            None,
            0.0,
            0.0,
            code,
            {},
            alternatives,
            timings,
            generated=True,
            message="free generation by the model (the paper's method)",
        )


@dataclass
class Ranking:
    candidates: list[tuple[SearchResult, float]]
    relevance: float | None  # 0..1: that the comment asks for one of the candidates
    timings_ms: dict[str, float] = field(default_factory=dict)

    def relevant(self, threshold: float) -> bool:
        return bool(self.candidates) and (self.relevance or 0.0) >= threshold


def rerank(
    hits: list[SearchResult],
    instruction: str,
    workspace_specs: frozenset[str] = frozenset(),
    only_specs: frozenset[str] | None = None,
    embedder: Embedder | None = None,
    reranker: LearnedReranker | None = None,
    cross_encoder: CrossEncoder | None = None,
) -> Ranking:
    """The candidates in the learned reranker's order (index/ranking.py), its first ones
    reordered by the cross-encoder when there is one, with the reranker's relevance; or, without
    its model or an embedder, by the hand-set scores of `hand_rerank`."""
    if only_specs is not None:
        hits = [h for h in hits if h.spec in only_specs]
    if reranker is None or embedder is None:
        return Ranking(hand_rerank(hits, instruction, workspace_specs), None)
    features = candidate_features(
        Query.of(instruction),
        hits,
        embedder,
        workspace_specs,
        reranker.api_words,
    )
    scores = reranker.scores(features)
    ranked = sorted(zip(hits, scores.tolist(), strict=True), key=lambda pair: -pair[1])
    if workspace_specs:
        # Whether a comment asks for a call at all is the comment's: the workspace raises its
        # specs' scores, and read into relevance it would offer "TODO: refactor this" a call
        # in every file that calls an API. The threshold was chosen without a workspace.
        features = candidate_features(
            Query.of(instruction), hits, embedder, frozenset(), reranker.api_words
        )
        scores = reranker.scores(features)
    relevance = reranker.relevance_of(features, scores, embedder.embed([instruction])[0])
    candidates = _one_per_operation(ranked, workspace_specs)
    if cross_encoder is not None:
        candidates = cross_encoder.reorder(instruction, candidates, candidate_text)
    return Ranking(candidates, relevance)


def hand_rerank(
    hits: list[SearchResult],
    instruction: str,
    workspace_specs: frozenset[str] = frozenset(),
) -> list[tuple[SearchResult, float]]:
    """Fused retrieval scores, boosted for the API the instruction names, for the words the
    instruction and the operation share, and for workspace specs."""
    said = set(words(instruction))
    content = content_stems(instruction)
    intent = intent_of(instruction)
    best_score = max((h.score for h in hits), default=0.0)
    scored = []
    for hit in hits:
        score = hit.score
        score += API_NAME_BOOST * api_named(hit.api_name, hit.api_provider, said)
        # Rank fusion keeps only the order of each side, so it blurs "get a resource" and "get
        # the collection of resources"; how much of what the operation says it does the
        # instruction also says, and the reverse, tell them apart.
        what_words = {stem(w) for w in words(hit.what)} - STOPWORDS - GENERIC
        if what_words:
            score += SUMMARY_COVERAGE_BOOST * len(what_words & content) / len(what_words)
        if content:
            described = what_words | _name_words(hit)
            score += INSTRUCTION_COVERAGE_BOOST * len(content & described) / len(content)
        score += METHOD_BOOST * _method_fit(hit, intent)
        # Workspace specs go first among the candidates that fit about as well as the best one.
        if hit.spec in workspace_specs and hit.score >= WORKSPACE_MARGIN * best_score:
            score *= 1.2
        scored.append((hit, score))
    ranked = sorted(scored, key=lambda pair: -pair[1])
    return _one_per_operation(ranked, workspace_specs)


def _one_per_operation(
    ranked: list[tuple[SearchResult, float]], workspace_specs: frozenset[str]
) -> list[tuple[SearchResult, float]]:
    """Copies of one call are one answer to the instruction, not several: specs that share an
    API name and an operation (GitHub's and GitHub Enterprise's "GitHub v3 REST API"), or that
    serve the same method and path from the same concrete server (Spotify's spec and its fixed
    copy, titled differently). Keep one copy, with the best score of the group, from a workspace
    spec if there is one, else from a spec with a concrete server (https://api.github.com rather
    than {protocol}://{hostname}/api/v3)."""
    group_of: dict[tuple[str, str, str], list[tuple[SearchResult, float]]] = {}
    groups: list[list[tuple[SearchResult, float]]] = []
    for hit, score in ranked:
        keys = same_call_keys(hit.api_name, hit.servers, hit.method, hit.path)
        group = next((group_of[k] for k in keys if k in group_of), None)
        if group is None:
            group = []
            groups.append(group)
        group.append((hit, score))
        for key in keys:
            group_of.setdefault(key, group)
    kept = []
    for group in groups:
        best_score = group[0][1]
        chosen = min(
            group,
            key=lambda pair: (
                pair[0].spec not in workspace_specs,
                templated_server(pair[0].servers),
                -pair[1],
            ),
        )[0]
        kept.append((chosen, best_score))
    return kept


def _method_fit(hit: SearchResult, intent: Intent) -> float:
    """1 when the method and the path's shape are what the instruction's verb asks for."""
    fit = 0.0
    if intent.methods:
        fit += 0.5 if hit.method.upper() in intent.methods else 0.0
    if intent.collection is not None:
        ends_in_item = hit.path.rstrip("/").endswith("}")
        fit += 0.5 if ends_in_item != intent.collection else 0.0
    return fit


def _name_words(hit: SearchResult) -> set[str]:
    """Stemmed words of the operation's id and path (`listDeployments` -> list, deployment)."""
    text = f"{humanise_identifier(hit.operation_id)} {humanise_identifier(hit.path)}"
    return {stem(w) for w in words(text)}


def confidence_of(ranked: list[tuple[SearchResult, float]], instruction: str) -> float:
    """How sure the top candidate is: half its cosine similarity to the instruction, half the
    share of the instruction's content words that the operation's names and summary contain.
    (The distilled static embedder rates even unrelated sentences 0.6-0.8 similar, so the
    lexical half is what tells "bake a cake" from "list the books".)"""
    if not ranked:
        return 0.0
    best = ranked[0][0]
    similarity = max(0.0, best.similarity if best.similarity is not None else 0.0)
    content = {w for w in words(instruction) if w not in STOPWORDS}
    described = " ".join(
        [
            best.api_name,
            best.api_provider,
            best.path,
            best.operation_id,
            best.summary,
            best.endpoint_name,
        ]
    ).lower()
    described_words = set(words(described)) | set(words(humanise_identifier(best.endpoint_name)))
    covered = sum(
        1
        for w in content
        if w in described_words
        or stem(w) in described_words
        or any(d.startswith(stem(w)) for d in described_words if len(stem(w)) >= 4)
    )
    coverage = covered / len(content) if content else 0.0
    return min(1.0, 0.5 * similarity + 0.5 * coverage)


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000
