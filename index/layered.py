"""The catalog and a workspace overlay, read as one index.

The catalog index is built once (by `apicall catalog add`, or by CI for a team) and never
written by the language server; the specs of the open workspace go into a small overlay index of
their own, so that saving one is a write of a few rows instead of an `optimize()` over 125k.
Searches run on both and merge: cosine similarities compare directly (one embedder for both);
full-text scores are BM25 over each table's own statistics, close enough for the reciprocal-rank
fusion that follows, which sees only ranks.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .store import IndexMeta, IndexStore, SearchHit

# Operations of the workspace overlay kept among the candidates of every search.
OVERLAY_RESERVE = 20


class OperationIndex(Protocol):
    """What search, ranking, rendering and the server read from an index."""

    @property
    def directory(self) -> Path: ...

    def read_meta(self) -> IndexMeta | None: ...
    def specs(self) -> list[dict[str, Any]]: ...
    def count_operations(self) -> int: ...
    def get_operation(self, operation_id: str) -> dict[str, Any] | None: ...
    def operations_of_spec(self, spec_key: str) -> list[dict[str, Any]]: ...
    def same_operation(self, api_name: str, method: str, path: str) -> list[dict[str, Any]]: ...
    def search_vector(self, vector: np.ndarray, k: int, columns: list[str]) -> list[SearchHit]: ...
    def search_keyword(self, text: str, k: int, columns: list[str]) -> list[SearchHit]: ...


class LayeredIndex:
    """`overlay` first where an answer is one row; both merged where it is a list."""

    def __init__(self, base: IndexStore | None, overlay: IndexStore | None):
        if base is None and overlay is None:
            raise ValueError("a layered index needs at least one layer")
        self.base = base
        self.overlay = overlay

    @property
    def layers(self) -> list[IndexStore]:
        return [s for s in (self.overlay, self.base) if s is not None]

    @property
    def directory(self) -> Path:
        return self.layers[-1].directory

    def read_meta(self) -> IndexMeta | None:
        return self.layers[-1].read_meta()

    def specs(self) -> list[dict[str, Any]]:
        return sorted(_concat(s.specs() for s in self.layers), key=lambda r: r["spec_key"])

    def overlay_spec_keys(self) -> set[str]:
        return set(self.overlay.spec_hashes()) if self.overlay is not None else set()

    def count_operations(self) -> int:
        return sum(s.count_operations() for s in self.layers)

    def get_operation(self, operation_id: str) -> dict[str, Any] | None:
        return next(
            (row for s in self.layers if (row := s.get_operation(operation_id)) is not None),
            None,
        )

    def operations_of_spec(self, spec_key: str) -> list[dict[str, Any]]:
        return _concat(s.operations_of_spec(spec_key) for s in self.layers)

    def same_operation(self, api_name: str, method: str, path: str) -> list[dict[str, Any]]:
        return _concat(s.same_operation(api_name, method, path) for s in self.layers)

    def search_vector(self, vector: np.ndarray, k: int, columns: list[str]) -> list[SearchHit]:
        return self._merged(k, [s.search_vector(vector, k, columns) for s in self.layers])

    def search_keyword(self, text: str, k: int, columns: list[str]) -> list[SearchHit]:
        return self._merged(k, [s.search_keyword(text, k, columns) for s in self.layers])

    def _merged(self, k: int, parts: list[list[SearchHit]]) -> list[SearchHit]:
        """The best k of both layers, then the overlay's best that did not make it: a workspace
        spec is what the developer works with, so its operations always reach the reranker
        (whose workspace features judge them) even when the catalog outscores them."""
        best = _best(k, parts)
        if self.overlay is None:
            return best
        taken = {hit.row["id"] for hit in best}
        reserve = [hit for hit in parts[0][:OVERLAY_RESERVE] if hit.row["id"] not in taken]
        return best + reserve


def _concat(parts: Iterable[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [row for part in parts for row in part]


def _best(k: int, parts: Iterable[list[SearchHit]]) -> list[SearchHit]:
    return heapq.nlargest(k, (hit for part in parts for hit in part), key=lambda h: h.score)


def catalog_of(index: OperationIndex) -> IndexStore | None:
    """The index without the workspace overlay (None: there is only the overlay)."""
    if isinstance(index, LayeredIndex):
        return index.base
    assert isinstance(index, IndexStore)
    return index
