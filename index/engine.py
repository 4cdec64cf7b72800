"""The main job as one function: instruction + target -> retrieve -> rerank -> fill -> render.

Every caller (the CLI, the language server, the benchmarks and the evaluation) goes through
`Engine.suggest`, so they all measure and ship the same thing.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from index.errors import ApicallError
from index.records import OperationRecord, humanise_identifier
from index.render.render import render, target_for_language
from index.search import Searcher, SearchResult

if TYPE_CHECKING:
    from model_runtime.runtime import ModelRuntime, RequestControl

Mode = Literal["render", "generate"]
# Below this confidence apicall answers "no good match" instead of guessing.
DEFAULT_MIN_CONFIDENCE = 0.55
RETRIEVE_DEPTH = 20
WORKSPACE_MARGIN = 0.85
API_NAME_BOOST = 0.02
SUMMARY_COVERAGE_BOOST = 0.015


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
    only_specs: frozenset[str] | None = None  # None: every indexed spec
    min_confidence: float = DEFAULT_MIN_CONFIDENCE

    def resolved_target(self) -> str:
        if self.target:
            return self.target
        if self.language:
            return target_for_language(self.language)
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
    def __init__(self, searcher: Searcher, runtime: ModelRuntime | None = None):
        self.searcher = searcher
        self.runtime = runtime

    def candidates(self, request: SuggestRequest) -> list[tuple[SearchResult, float]]:
        """Retrieved and reranked candidates with their final scores, best first."""
        hits = self.searcher.search(request.instruction, k=max(RETRIEVE_DEPTH, request.k))
        return rerank(hits, request.instruction, request.workspace_specs, request.only_specs)

    def suggest(self, request: SuggestRequest, control: RequestControl | None = None) -> Suggestion:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        target = request.resolved_target()

        t0 = time.perf_counter()
        hits = self.searcher.search(request.instruction, k=max(RETRIEVE_DEPTH, request.k))
        timings["retrieve"] = _ms(t0)

        t0 = time.perf_counter()
        ranked = rerank(hits, request.instruction, request.workspace_specs, request.only_specs)
        notes: list[str] = []
        if request.model_rerank and self.runtime is not None and len(ranked) > 1:
            ranked = self._model_rerank(request, ranked, control, notes)
        timings["rerank"] = _ms(t0)
        alternatives = [Alternative(Endpoint.of(h), s, h.id) for h, s in ranked[: request.k]]
        confidence = confidence_of(ranked, request.instruction)

        if request.mode == "generate":
            return self._generate(request, target, ranked, alternatives, timings, started, control)

        if not ranked or confidence < request.min_confidence:
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
        from model_runtime.fill import fill_arguments, to_render_arguments

        try:
            filled = fill_arguments(
                self.runtime, record, request.instruction, request.context, control
            )
        except ApicallError as exc:
            if type(exc).__name__ == "Cancelled":
                raise
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
        from model_runtime.choose import choose_candidate

        top = ranked[: max(request.k, 3)]
        lines = [
            f"{h.method} {h.path}: {h.summary or h.endpoint_name} ({h.api_name})" for h, _ in top
        ]
        try:
            assert self.runtime is not None
            choice = choose_candidate(self.runtime, request.instruction, lines, control)
        except ApicallError as exc:
            if type(exc).__name__ == "Cancelled":
                raise
            notes.append(f"model rerank skipped: {exc}")
            return ranked
        # The model overrides retrieval only when it is clearly confident.
        if choice.index != 0 and choice.confidence >= 0.6:
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
        from model_runtime.freegen import generate_call
        from model_runtime.prompts import Example

        if self.runtime is None:
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
        generated = generate_call(
            self.runtime, request.instruction, target, description, examples, control
        )
        timings.update(fill=0.0, render=_ms(t0), total=_ms(started))
        return Suggestion(
            request.instruction,
            target,
            None,
            0.0,
            0.0,
            generated.code,
            {},
            alternatives,
            timings,
            generated=True,
            message="free generation by the model (the paper's method)",
        )


def rerank(
    hits: list[SearchResult],
    instruction: str,
    workspace_specs: frozenset[str] = frozenset(),
    only_specs: frozenset[str] | None = None,
) -> list[tuple[SearchResult, float]]:
    """Fused retrieval scores, boosted for the API the instruction names and for workspace specs."""
    words = set(_words(instruction))
    best_score = max((h.score for h in hits), default=0.0)
    scored = []
    for hit in hits:
        if only_specs is not None and hit.spec not in only_specs:
            continue
        score = hit.score
        api_words = set(_words(hit.api_name)) | set(_words(hit.api_provider.split(".")[0]))
        api_words -= _GENERIC
        if api_words and api_words & words:
            score += API_NAME_BOOST
        # How much of what the operation says it does the instruction also says: tells apart
        # "get a resource" from "get the collection of resources" where embeddings blur them.
        summary_words = set(_words(hit.summary)) - _GENERIC
        if summary_words:
            score += SUMMARY_COVERAGE_BOOST * len(summary_words & words) / len(summary_words)
        # Workspace specs go first among the candidates that fit about as well as the best one.
        if hit.spec in workspace_specs and hit.score >= WORKSPACE_MARGIN * best_score:
            score *= 1.2
        scored.append((hit, score))
    return sorted(scored, key=lambda pair: -pair[1])


def confidence_of(ranked: list[tuple[SearchResult, float]], instruction: str) -> float:
    """How sure the top candidate is: half its cosine similarity to the instruction, half the
    share of the instruction's content words that the operation's names and summary contain.
    (The distilled static embedder rates even unrelated sentences 0.6-0.8 similar, so the
    lexical half is what tells "bake a cake" from "list the books".)"""
    if not ranked:
        return 0.0
    best = ranked[0][0]
    similarity = max(0.0, best.similarity if best.similarity is not None else 0.0)
    content = {w for w in _words(instruction) if w not in _STOPWORDS}
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
    described_words = set(_words(described)) | set(_words(humanise_identifier(best.endpoint_name)))
    covered = sum(
        1
        for w in content
        if w in described_words
        or _stem(w) in described_words
        or any(d.startswith(_stem(w)) for d in described_words if len(_stem(w)) >= 4)
    )
    coverage = covered / len(content) if content else 0.0
    return min(1.0, 0.5 * similarity + 0.5 * coverage)


_STOPWORDS = {
    "the",
    "a",
    "an",
    "of",
    "for",
    "to",
    "in",
    "on",
    "with",
    "by",
    "its",
    "it",
    "my",
    "me",
    "is",
    "are",
    "what",
    "and",
    "or",
    "this",
    "that",
    "from",
    "all",
    "some",
    "about",
    "tell",
    "please",
    "using",
    "use",
    "via",
    "how",
    "do",
    "can",
    "you",
    "we",
    "our",
    "their",
    "new",
}


def _stem(word: str) -> str:
    for suffix in ("ies", "es", "s", "ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_GENERIC = {"api", "apis", "the", "service", "rest", "v1", "v2", "v3", "com", "of", "and", "for"}


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", text.lower()) if len(w) > 1]


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000
