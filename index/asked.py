"""How developers asked for operations: the training comments, kept with the operation each one
asks for, so that an operation is also represented by the comments that use it (Tool2Vec,
Re-Invoke) and not only by its spec's words. The reranker reads how close a new comment is to
the ones a candidate already has.

Shipped as index/artifacts/asked.npz (written by `apicall train`): the comments' texts, their
operations' keys (API name, method, path: the same in the catalog and in a workspace copy of the
spec) and their vectors under the embedder named in the file; an index with another embedder
embeds the texts again, once.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .embed import Embedder

ASKED_FILE = "asked.npz"
OperationKey = tuple[str, str, str]  # API name, METHOD, path


def key_of(api_name: str, method: str, path: str) -> OperationKey:
    return (api_name, method.upper(), path)


@dataclass
class AskedMemory:
    texts: list[str]
    keys: list[OperationKey]  # the operation of each text
    vectors: np.ndarray  # (len(texts), dimension), unit length, under `embedder_name`
    embedder_name: str
    _rows: dict[OperationKey, np.ndarray] = field(default_factory=dict, repr=False)
    _others: dict[str, AskedMemory] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        rows: dict[OperationKey, list[int]] = {}
        for i, key in enumerate(self.keys):
            rows.setdefault(key, []).append(i)
        self._rows = {key: np.asarray(ix) for key, ix in rows.items()}

    @classmethod
    def of(
        cls, texts: Sequence[str], keys: Sequence[OperationKey], embedder: Embedder
    ) -> AskedMemory:
        vectors = embedder.embed(list(texts)) if texts else np.zeros((0, embedder.dimension))
        return cls(list(texts), list(keys), np.asarray(vectors, dtype=np.float32), embedder.name)

    def under(self, embedder: Embedder) -> AskedMemory:
        """The same comments as `embedder` embeds them (vectors of another embedder compare with
        nothing)."""
        if embedder.name == self.embedder_name:
            return self
        with self._lock:
            if embedder.name not in self._others:
                self._others[embedder.name] = AskedMemory.of(self.texts, self.keys, embedder)
            return self._others[embedder.name]

    def texts_of(self, key: OperationKey) -> list[str]:
        return [self.texts[i] for i in self._rows.get(key, ())]

    def closeness(
        self, key: OperationKey, query_vector: np.ndarray, leave_out: frozenset[str] = frozenset()
    ) -> float:
        """The best cosine of the comment with the operation's known comments (0 without any);
        `leave_out`: texts to ignore (training leaves out the comment itself)."""
        rows = [i for i in self._rows.get(key, ()) if self.texts[i] not in leave_out]
        return float((self.vectors[rows] @ query_vector).max()) if rows else 0.0

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            texts=np.asarray(self.texts, dtype=str),
            keys=np.asarray(["\t".join(k) for k in self.keys], dtype=str),
            vectors=self.vectors.astype(np.float16),
            embedder=np.asarray(self.embedder_name),
        )

    @classmethod
    def load(cls, path: Path) -> AskedMemory:
        with np.load(path) as data:
            keys: list[OperationKey] = []
            for joined in data["keys"].tolist():
                api, method, route = joined.split("\t", 2)
                keys.append((api, method, route))
            return cls(
                data["texts"].tolist(),
                keys,
                data["vectors"].astype(np.float32),
                str(data["embedder"]),
            )
