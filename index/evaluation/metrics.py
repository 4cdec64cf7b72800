"""The API Pack paper's metrics, computed as the paper computes them, plus Gorilla's
hallucination check.

- endpoint match: the URL extracted from the call (curl's `--url`, python http.client's host plus
  request path, java's `.url("...")`, a generic URL pattern otherwise) has a
  difflib.SequenceMatcher ratio > 0.9 with the gold call's URL;
- API-call match: the whole call's ratio > 0.9 and an endpoint match;
- hallucination: the call's method and path are not an operation of the API.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from ..urlmatch import path_pattern

THRESHOLD = 0.9
_CURL_URL = re.compile(r"--url\s+'?\"?([^\s'\"]+)")
_PY_HOST = re.compile(r"HTTPS?Connection\(\s*[\"']([^\"']+)[\"']")
_PY_PATH = re.compile(r"conn\.request\(\s*[\"'][A-Z]+[\"']\s*,\s*[\"']([^\"']+)[\"']")
_JAVA_URL = re.compile(r"\.url\(\s*\"([^\"]+)\"")
_GENERIC_URL = re.compile(r"https?://[^\s\"'`<>)]+")
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")


def ratio(a: str, b: str) -> float:
    return 1.0 if a == b else difflib.SequenceMatcher(None, a, b).ratio()


def extract_url(call: str) -> str:
    """The paper's URL extractors, tried in its order."""
    if match := _CURL_URL.search(call):
        return match.group(1)
    host, path = _PY_HOST.search(call), _PY_PATH.search(call)
    if host and path:
        return host.group(1) + path.group(1)
    if match := _JAVA_URL.search(call):
        return match.group(1)
    if match := _GENERIC_URL.search(call):
        return match.group(0)
    return ""


def endpoint_match(predicted: str, gold: str) -> bool:
    predicted_url, gold_url = extract_url(predicted), extract_url(gold)
    if not predicted_url or not gold_url:
        return False
    return ratio(predicted_url, gold_url) > THRESHOLD


def api_call_match(predicted: str, gold: str) -> bool:
    return endpoint_match(predicted, gold) and ratio(predicted, gold) > THRESHOLD


def extract_method(call: str) -> str:
    for pattern in (
        r"--request\s+([A-Z]+)",
        r"conn\.request\(\s*[\"']([A-Z]+)",
        r"\.(get|post|put|patch|delete|head)\(",
        r"[\"'](GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)[\"']",
    ):
        if match := re.search(pattern, call):
            return match.group(1).upper()
    return "GET"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str


def path_matches(template: str, path: str) -> bool:
    return path_pattern(template).search(path) is not None


def hallucinated(call: str, operations: list[Operation]) -> bool:
    """Gorilla's check: the call's method and path are not an operation of the API."""
    url = extract_url(call)
    if not url:
        return True
    parsed = urlparse(url if "://" in url else "https://" + url)
    path = unquote(parsed.path)
    method = extract_method(call)
    # AWS specs key each action by a fragment in the path (`/#X-Amz-Target=Events.ListRules`).
    # A call that carries the fragment is checked with it; one whose format drops it (Python's
    # http.client) calls the path before it, which exists.
    if parsed.fragment:
        paths = [path, f"{path}#{unquote(parsed.fragment)}"]
        return not any(
            op.method == method and path_matches(op.path, p) for op in operations for p in paths
        )
    return not any(
        op.method == method and path_matches(op.path.split("#", 1)[0], path) for op in operations
    )
