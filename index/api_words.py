"""Which API a comment's words point to, learned from the train comments: "pod", "namespace" and
"k8s" point to Kubernetes, "tweet" to Twitter, "merge request" to GitLab. Developers ask for a
new operation of an API in that API's words, so a comment that does not name its API still says
whose it is; operations of an API that no train comment asked for get no evidence either way.

A naive Bayes score per API over the comment's content stems, each API's word counts smoothed
toward the words of all comments. Shipped as index/artifacts/api_words.json.gz (written by
`apicall train`); the reranker reads it as a feature.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .text import content_stems

API_WORDS_FILE = "api_words.json.gz"
# How many words an API's own comments must hold before they outweigh the words of all comments.
PRIOR_WORDS = 20.0


@dataclass
class ApiWords:
    # API name (info.title) -> stem -> how often its comments say it
    counts: dict[str, Counter[str]]
    _totals: dict[str, int] = field(init=False, repr=False)
    _overall: Counter[str] = field(init=False, repr=False)
    _background_total: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._totals = {api: sum(c.values()) for api, c in self.counts.items()}
        self._overall = Counter()
        for words in self.counts.values():
            self._overall.update(words)
        self._background_total = sum(self._overall.values()) + len(self._overall) + 1

    @classmethod
    def of(cls, asked: Iterable[tuple[str, str]]) -> ApiWords:
        """From (API name, comment) pairs."""
        counts: dict[str, Counter[str]] = {}
        for api, text in asked:
            counts.setdefault(api, Counter()).update(content_stems(text))
        return cls(counts)

    def fit(self, api: str, stems: Iterable[str], leave_out: Counter[str] | None = None) -> float:
        """log P(comment | the API's comments) / P(comment | all comments); 0 for an API that no
        known comment asks for. `leave_out`: word counts to take out of the API's own (training
        scores a comment without its own operation's comments)."""
        own = self.counts.get(api)
        if not own:
            return 0.0
        total = self._totals[api] - (sum(leave_out.values()) if leave_out else 0)
        if total <= 0:
            return 0.0
        score = 0.0
        for stem in stems:
            if not self._overall[stem]:
                continue  # a word no known comment says tells nothing of any API
            background = (self._overall[stem] + 1) / self._background_total
            said = own[stem] - (leave_out[stem] if leave_out else 0)
            score += math.log(
                (said + PRIOR_WORDS * background) / (total + PRIOR_WORDS) / background
            )
        return score

    def asked(self, api: str, leave_out: Counter[str] | None = None) -> float:
        """How much the known comments ask for the API: log(1 + the words they say), 0 for an
        API no known comment asks for. Developers ask for the popular APIs far more often than
        for the long tail, and the train comments were sampled the same way (every operation
        of the popular specs, one of most others): a prior over whose a comment is."""
        total = self._totals.get(api, 0) - (sum(leave_out.values()) if leave_out else 0)
        return math.log1p(max(total, 0))

    def save(self, path: Path) -> None:
        body = {api: dict(sorted(c.items())) for api, c in sorted(self.counts.items())}
        path.write_bytes(gzip.compress(json.dumps(body, separators=(",", ":")).encode(), mtime=0))

    @classmethod
    def load(cls, path: Path) -> ApiWords:
        body = json.loads(gzip.decompress(path.read_bytes()))
        return cls({api: Counter(words) for api, words in body.items()})
