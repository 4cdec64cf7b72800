"""Ranking quality on held-out comments: where the operation a comment asks for lands.

Reported by group (names the API or not; API seen in training or not): top-1, top-3 and mean
reciprocal rank; and, for comments that ask for no API call, the share that would get a
suggestion anyway (the engine's relevance at or above its threshold: what editors are offered).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..engine import Engine, SuggestRequest
from .data import Comment, TrainingData
from .reranker import answer_rank


@dataclass
class RankScores:
    count: int = 0
    top1: int = 0
    top3: int = 0
    reciprocal: float = 0.0

    def add(self, rank: int | None) -> None:
        self.count += 1
        if rank is not None:
            self.top1 += rank == 1
            self.top3 += rank <= 3
            self.reciprocal += 1.0 / rank

    def as_row(self) -> dict[str, float]:
        n = max(self.count, 1)
        return {
            "n": self.count,
            "top1": 100.0 * self.top1 / n,
            "top3": 100.0 * self.top3 / n,
            "mrr": self.reciprocal / n,
        }


@dataclass
class Evaluation:
    groups: dict[str, RankScores] = field(default_factory=dict)
    negatives: int = 0
    negatives_suggested: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # comment, expected, got

    def group(self, name: str) -> RankScores:
        return self.groups.setdefault(name, RankScores())

    @property
    def negative_rate(self) -> float:
        return 100.0 * self.negatives_suggested / max(self.negatives, 1)


def evaluate_ranking(
    engine: Engine,
    data: TrainingData,
    comments: Iterable[Comment],
    negatives: Iterable[str] = (),
    progress: Callable[[], None] | None = None,
) -> Evaluation:
    result = Evaluation()
    for comment in comments:
        operation = data.operations[comment.op]
        ranked = engine.candidates(SuggestRequest(comment.comment, k=10))
        rank = answer_rank([hit for hit, _ in ranked[:100]], operation, engine.searcher)
        seen = "seen API" if data.seen_api(comment.op) else "unseen API"
        named = "names the API" if comment.names_api else "does not name it"
        for name in ("all", seen, named):
            result.group(name).add(rank)
        if rank != 1 and len(result.misses) < 400:
            got = f"{ranked[0][0].method} {ranked[0][0].path}" if ranked else "nothing"
            result.misses.append(
                (comment.comment, f"{operation.method} {operation.path} ({operation.api})", got)
            )
        if progress:
            progress()
    for text in negatives:
        result.negatives += 1
        result.negatives_suggested += bool(engine.offer(SuggestRequest(text, k=3)))
        if progress:
            progress()
    return result
