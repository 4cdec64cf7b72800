"""Scoring the openapi-snippet targets against golden output of the real openapi-snippet."""

from __future__ import annotations

import difflib
import json
import tarfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..loader import parse_spec_bytes
from ..records import OperationRecord, extract_operations
from .render import RenderedSnippet, render_all

BODY_BUDGET = 200_000
SPEC_FILE_REF_DEPTH = 16


@dataclass
class TargetScore:
    rows: int = 0
    exact: int = 0
    similar: int = 0  # SequenceMatcher ratio >= 0.9
    url_agrees: int = 0
    method_agrees: int = 0
    worst: list[tuple[float, dict[str, Any]]] = field(default_factory=list)


def similarity(a: str, b: str, threshold: float = 0.9) -> float:
    """SequenceMatcher's ratio; below `threshold`, possibly only its cheap upper bound (the exact
    ratio of two very different 50 kB snippets takes seconds and changes no verdict)."""
    if a == b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b)
    bound = matcher.quick_ratio()
    return bound if bound < threshold else matcher.ratio()


def read_specs_from_corpus(tarball: Path, names: set[str]) -> dict[str, dict[str, Any]]:
    docs: dict[str, dict[str, Any]] = {}
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive:
            name = member.name.removeprefix("package/api/")
            if name in names and member.isfile():
                handle = archive.extractfile(member)
                if handle is not None:
                    docs[name] = parse_spec_bytes(handle.read(), name)
    return docs


def records_by_endpoint(
    docs: dict[str, dict[str, Any]],
) -> dict[tuple[str, str, str], OperationRecord]:
    records = {}
    for name, doc in docs.items():
        extracted = extract_operations(
            doc, name, "", body_budget=BODY_BUDGET, max_ref_depth=SPEC_FILE_REF_DEPTH
        )
        for record in extracted.records:
            records[(name, record.method, record.path)] = record
    return records


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open() as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def score_golden(
    rows: list[dict[str, Any]], records: dict[tuple[str, str, str], OperationRecord]
) -> dict[str, TargetScore]:
    scores: dict[str, TargetScore] = defaultdict(TargetScore)
    cache: dict[tuple[str, str, str, str], list[RenderedSnippet]] = {}
    for row in rows:
        key = (row["spec"], row["method"], row["path"])
        cache_key = (*key, row["target"])
        if cache_key not in cache:
            cache[cache_key] = render_all(records[key], row["target"])
        snippets = cache[cache_key]
        score = scores[row["target"]]
        score.rows += 1
        index = row["har_index"]
        snippet = snippets[index] if index < len(snippets) else None
        ratio = similarity(snippet.code, row["snippet"]) if snippet else 0.0
        score.exact += ratio == 1.0
        score.similar += ratio >= 0.9
        if snippet is not None:
            score.url_agrees += snippet.url == row["url"]
            score.method_agrees += snippet.method == row["method"]
        if ratio < 1.0:
            score.worst.append((ratio, row))
    return dict(scores)
