"""Which indexed operation a concrete URL calls (hover, and the evaluation's hallucination check)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from .layered import OperationIndex
from .records import OperationRecord
from .search import keyword_query
from .store import SUMMARY_COLUMNS


def path_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(regex + r"/?$")


def match_url(store: OperationIndex, url: str, method: str | None = None) -> OperationRecord | None:
    """The indexed operation whose path template matches the URL's path (host when known)."""
    try:
        parsed = urlparse(url)
        hostname = parsed.hostname or ""
    except ValueError:  # "https://[not-an-address]": no operation's URL
        return None
    path = parsed.path or url
    host_words = [w for w in hostname.split(".") if w not in ("www", "api", "com")]
    segments = [p for p in path.split("/") if p and not p.isdigit()]
    segments += [p for p in re.split(r"[=&.#]", parsed.fragment) if p]
    words = keyword_query(" ".join([*host_words, *segments]))
    if not words:
        return None
    hits = store.search_keyword(words, 50, SUMMARY_COLUMNS)
    candidates = [path, f"{path}#{parsed.fragment}"] if parsed.fragment else [path]
    best: tuple[int, str] | None = None
    for hit in hits:
        pattern = path_pattern(hit.row["path"])
        if not any(pattern.search(p) for p in candidates):
            continue
        if method and hit.row["method"] != method:
            continue
        specificity = len(re.sub(r"\{[^}]*\}", "", hit.row["path"]))  # literal characters
        if hostname and hostname not in hit.row["servers"]:
            specificity -= 1000
        if best is None or specificity > best[0]:
            best = (specificity, hit.row["id"])
    # The search rows carry the servers; only the chosen operation needs its whole row.
    row = store.get_operation(best[1]) if best else None
    return OperationRecord.from_row(row) if row else None
