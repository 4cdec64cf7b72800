"""Plain words that developers use to ask, never to state a value: "details", "status",
"settings", "config" ("check netlify deploy status" does not name a deploy "status"), learned
from the train comments and the values they state; "acme", "primary" or "default" are values
often enough to stay possible. Shipped as index/artifacts/request_words.json (written by
`apicall train`); the comment reader and the grounding of a model's values read it.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REQUEST_WORDS_FILE = "request_words.json"
_ARTIFACT = Path(__file__).resolve().parent / "artifacts" / REQUEST_WORDS_FILE
# A word must be said in this many comments before it is judged (chosen on train: the list
# built from other train comments than those measured; 50 kept the most recall).
MIN_COMMENTS = 50
MAX_VALUE_SHARE = 0.05  # and be a stated value at most this often


def request_words_of(
    comments: Iterable[tuple[str, dict[str, Any]]], min_comments: int = MIN_COMMENTS
) -> list[str]:
    """From (comment, stated values) pairs: the plain words said in at least `min_comments`
    comments and a stated value in at most MAX_VALUE_SHARE of them."""
    from .comment_values import tokens_of  # the reader reads this module's list

    said: Counter[str] = Counter()
    stated: Counter[str] = Counter()
    for comment, values in comments:
        given = stated_texts(values)
        for word in {t.key for t in tokens_of(comment) if t.plain and t.text.isalpha()}:
            said[word] += 1
            stated[word] += word in given
    return sorted(
        w for w, n in said.items() if n >= min_comments and stated[w] <= MAX_VALUE_SHARE * n
    )


def stated_texts(values: dict[str, Any]) -> set[str]:
    """Each stated value (each item of a list) as lowercased text, as a comment's word reads."""
    return {
        str(item).lower()
        for value in values.values()
        for item in (value if isinstance(value, list) else [value])
    }


def save_request_words(words: list[str], path: Path) -> None:
    path.write_text(json.dumps(words, indent=0) + "\n")


@functools.cache
def shipped_request_words() -> frozenset[str]:
    """The shipped list; empty (every plain word stays possible) when it is missing."""
    try:
        return frozenset(json.loads(_ARTIFACT.read_text()))
    except (OSError, ValueError):
        return frozenset()
