"""Reading spec files safely: size limits, safe YAML, and a guard against alias bombs."""

from __future__ import annotations

import datetime
import json
import math
import re
from typing import Any

import yaml

from .errors import SpecLoadError

MAX_SPEC_BYTES = 64 * 1024 * 1024
# Budget of nodes after expanding YAML aliases; a "billion laughs" document blows far past it.
MAX_YAML_NODES = 3_000_000

try:
    _YamlLoader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _YamlLoader = yaml.SafeLoader


def parse_spec_bytes(data: bytes, name: str, max_bytes: int = MAX_SPEC_BYTES) -> dict[str, Any]:
    """Parse a JSON or YAML spec; raise SpecLoadError with a one-line reason."""
    if len(data) > max_bytes:
        size, limit = len(data) / 2**20, max_bytes / 2**20
        raise SpecLoadError(f"{name}: file is {size:.1f} MiB, over the {limit:.0f} MiB limit")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecLoadError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    stripped = text.lstrip()
    if not stripped:
        raise SpecLoadError(f"{name}: empty file")
    doc: Any
    if stripped[0] in "{[":
        try:
            doc = json.loads(text, parse_constant=str)  # NaN, Infinity: kept as text
            if _LONE_SURROGATE_ESCAPE.search(text):
                doc = _without_surrogates(doc)
        except json.JSONDecodeError as exc:
            raise SpecLoadError(f"{name}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
        except RecursionError:
            raise SpecLoadError(f"{name}: JSON nested too deeply") from None
    else:
        try:
            _refuse_deep_yaml(text, name)
            doc = yaml.load(text, Loader=_YamlLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise SpecLoadError(f"{name}: invalid YAML{where}: {problem}") from None
        doc = _normalise_yaml(doc, name)
    if not isinstance(doc, dict):
        raise SpecLoadError(f"{name}: top level is {type(doc).__name__}, not a mapping")
    if not ("openapi" in doc or "swagger" in doc):
        raise SpecLoadError(
            f"{name}: not an OpenAPI or Swagger document (no 'openapi'/'swagger' key)"
        )
    if not isinstance(doc.get("paths", {}), dict):
        raise SpecLoadError(f"{name}: 'paths' is not a mapping")
    return doc


MAX_NESTING = 200
# "\ud800" in JSON text: a surrogate escape, which may stand alone (no character at all).
_LONE_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(node: Any) -> Any:
    """Lone surrogates as U+FFFD: they cannot be written as UTF-8, so no file or request can
    carry them."""
    if isinstance(node, str):
        return _SURROGATE.sub("\ufffd", node)
    if isinstance(node, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_without_surrogates(v) for v in node]
    return node


def _refuse_deep_yaml(text: str, name: str) -> None:
    """Refuse YAML nested deeper than MAX_NESTING before building it: PyYAML composes nodes
    recursively and a document nested ~100,000 levels overflows the C stack (SIGSEGV), which no
    exception handler catches. The event stream is produced without recursion."""
    too_deep = f"{name}: YAML nested deeper than {MAX_NESTING} levels"
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_YamlLoader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_NESTING:
                    raise SpecLoadError(too_deep)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        # libyaml 0.2.6 (PyYAML 6.0.4's wheels) stops a scan past its own limit, deeper than
        # ours: the same refusal, said the same way whichever PyYAML is installed.
        if "maximum nesting depth" in str(exc.problem):
            raise SpecLoadError(too_deep) from None
        raise


def _normalise_yaml(doc: Any, name: str) -> Any:
    """Copy a YAML tree into JSON types, counting nodes so that alias bombs are refused.

    Keys become strings (YAML reads `200:` as an int) and dates become ISO strings.
    """
    budget = [MAX_YAML_NODES]

    def walk(node: Any, depth: int) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise SpecLoadError(
                f"{name}: YAML expands to more than {MAX_YAML_NODES:,} nodes (alias bomb?)"
            )
        if depth > MAX_NESTING:
            raise SpecLoadError(f"{name}: YAML nested deeper than {MAX_NESTING} levels")
        if isinstance(node, dict):
            return {str(k): walk(v, depth + 1) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, depth + 1) for v in node]
        if isinstance(node, (datetime.date, datetime.datetime)):
            return node.isoformat()
        if isinstance(node, bytes):
            return node.decode("utf-8", "replace")
        if isinstance(node, float) and not math.isfinite(node):
            return str(node)  # .inf, .nan: no language writes them as a JSON value
        return node

    return walk(doc, 0)
