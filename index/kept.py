"""Answers kept for one version of the index: editors ask again for the same comment or URL at
every cursor move (code actions, hover), and an answer of one index version never goes stale.
The latest questions are remembered too, so that the engine of the next version can answer them
before it takes over."""

from __future__ import annotations

import functools
import threading
from collections import deque
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Answer = TypeVar("Answer")


class KeptAnswers(Generic[Key, Answer]):
    def __init__(self, compute: Callable[[Key], Answer], kept: int, latest: int):
        self._answers = functools.lru_cache(maxsize=kept)(compute)
        self._latest: deque[Key] = deque(maxlen=latest)
        self._lock = threading.Lock()

    def __call__(self, key: Key) -> Answer:
        with self._lock:
            if key in self._latest:
                self._latest.remove(key)
            self._latest.append(key)
        return self._answers(key)

    def latest(self) -> list[Key]:
        """The latest questions, oldest first."""
        with self._lock:
            return list(self._latest)

    def cache_info(self) -> functools._CacheInfo:
        return self._answers.cache_info()
