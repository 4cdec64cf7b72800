"""Vector, keyword and hybrid (reciprocal-rank fused) search over the operation index."""

from __future__ import annotations

import functools
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

from .embed import Embedder
from .layered import OVERLAY_RESERVE, LayeredIndex, OperationIndex
from .records import first_sentence, humanise_identifier
from .store import SUMMARY_COLUMNS, SearchHit

SearchMode = Literal["vector", "keyword", "hybrid"]
RRF_K = 60
RESULT_COLUMNS = [*SUMMARY_COLUMNS, "vector"]
CANDIDATES_PER_SIDE = 100


@dataclass
class SearchResult:
    id: str
    api_name: str
    api_provider: str
    method: str
    path: str
    operation_id: str
    endpoint_name: str
    summary: str
    spec: str
    score: float
    description: str = ""
    servers: str = ""  # the operation's servers, as the JSON text stored in the index
    param_names: str = ""
    keyword_score: float = 0.0
    vector: Any = None  # the operation's stored embedding (numpy), for the reranker
    vector_rank: int | None = None
    keyword_rank: int | None = None
    similarity: float | None = None  # cosine similarity of the query and the operation
    spec_operations: int = 0  # how many operations the operation's spec has

    @classmethod
    def from_row(cls, row: dict[str, Any], score: float) -> SearchResult:
        return cls(
            id=row["id"],
            api_name=row["api_name"],
            api_provider=row["api_provider"],
            method=row["method"],
            path=row["path"],
            operation_id=row["operation_id"],
            endpoint_name=row["endpoint_name"],
            summary=row["functionality"],
            spec=row["spec_key"],
            score=score,
            description=row.get("description") or "",
            servers=row.get("servers") or "",
            param_names=row.get("param_names") or "",
            vector=row.get("vector"),
        )

    @property
    def what(self) -> str:
        """What the operation does in one line: its summary, else its description's first sentence,
        else its name in words."""
        return (
            self.summary
            or first_sentence(self.description)
            or humanise_identifier(self.endpoint_name)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "api_name": self.api_name,
            "api_provider": self.api_provider,
            "method": self.method,
            "path": self.path,
            "operation_id": self.operation_id,
            "endpoint_name": self.endpoint_name,
            "summary": self.summary,
            "spec": self.spec,
            "score": round(self.score, 6),
            "id": self.id,
        }


class Searcher:
    def __init__(self, store: OperationIndex, embedder: Embedder):
        self.store = store
        self.embedder = embedder

    def search(self, query: str, k: int = 10, mode: SearchMode = "hybrid") -> list[SearchResult]:
        # A pasted log or a whole file as the "comment": its head is what asks for something.
        query = clip_query(query)
        if mode == "vector":
            results = [SearchResult.from_row(h.row, h.score) for h in self._vector(query, k)]
            for result in results:
                result.similarity = result.score
            return results
        if mode == "keyword":
            return [SearchResult.from_row(h.row, h.score) for h in self._keyword(query, k)]
        depth = max(k, CANDIDATES_PER_SIDE)
        # The two searches wait on LanceDB's own threads: side by side they take the time of one.
        keyword = _side_searches().submit(self._keyword, query, depth)
        vector = self._vector(query, depth)
        fused = fuse(vector, keyword.result(), 2 * depth + 2 * OVERLAY_RESERVE)
        # Workspace operations the layered index kept past the catalog's best stay candidates.
        workspace = self.workspace_spec_keys
        results = fused[:k] + [r for r in fused[k:] if r.spec in workspace][:OVERLAY_RESERVE]
        sizes = self.spec_sizes
        for result in results:
            result.spec_operations = sizes.get(result.spec, 0)
        return results

    @functools.cached_property
    def workspace_spec_keys(self) -> frozenset[str]:
        if isinstance(self.store, LayeredIndex):
            return frozenset(self.store.overlay_spec_keys())
        return frozenset()

    @functools.cached_property
    def spec_sizes(self) -> dict[str, int]:
        """Operations per spec: big APIs are asked for more often than one-endpoint ones."""
        return {row["spec_key"]: int(row["operations"] or 0) for row in self.store.specs()}

    def _vector(self, query: str, k: int) -> list[SearchHit]:
        vector = self.embedder.embed([query])[0]
        return self.store.search_vector(vector, k, RESULT_COLUMNS)

    def _keyword(self, query: str, k: int) -> list[SearchHit]:
        return self.store.search_keyword(keyword_query(query), k, RESULT_COLUMNS)


@functools.cache
def _side_searches() -> ThreadPoolExecutor:
    """Process-wide workers for the full-text half of hybrid searches (bounded: searchers come
    and go with every workspace write, a pool each would leave threads behind)."""
    return ThreadPoolExecutor(max_workers=4, thread_name_prefix="apicall-fts")


# What of a comment is searched and ranked: comments that ask for a call are short, and in a
# long one (a pasted log, a docstring) the head is what asks; the rest would only dilute it.
MAX_QUERY_CHARS = 300


def clip_query(text: str) -> str:
    """A long comment's first sentence (when it has a few words), else its first characters."""
    text = text.strip()
    if len(text) <= MAX_QUERY_CHARS:
        return text
    first = re.split(r"(?<=[.!?])\s|\n", text, maxsplit=1)[0].strip()
    if len(first.split()) >= 3 and len(first) <= MAX_QUERY_CHARS:
        return first
    return text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]


def keyword_query(text: str) -> str:
    """Words of the query joined for the full-text index (its query parser rejects symbols)."""
    words = "".join(c if c.isalnum() else " " for c in text).split()
    return " ".join(words)


def fuse(vector: list[SearchHit], keyword: list[SearchHit], k: int) -> list[SearchResult]:
    """Reciprocal-rank fusion: each list contributes 1 / (RRF_K + rank)."""
    fused: dict[str, SearchResult] = {}
    for rank, hit in enumerate(vector, start=1):
        result = fused.setdefault(hit.row["id"], SearchResult.from_row(hit.row, 0.0))
        result.score += 1.0 / (RRF_K + rank)
        result.vector_rank = rank
        result.similarity = hit.score
    for rank, hit in enumerate(keyword, start=1):
        result = fused.setdefault(hit.row["id"], SearchResult.from_row(hit.row, 0.0))
        result.score += 1.0 / (RRF_K + rank)
        result.keyword_rank = rank
        result.keyword_score = hit.score
    return sorted(fused.values(), key=lambda r: -r.score)[:k]
