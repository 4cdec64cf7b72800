"""Local `$ref` resolution: cycle-safe, depth- and size-limited, never fetching remote refs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

UNRESOLVED = "x-apicall-unresolved"
UNRESOLVED_TYPE = "x-apicall-type"


@dataclass
class RefResolver:
    """Resolves `#/...` references inside one document.

    Remote references (another file or a URL) are left in place and recorded: apicall works
    offline and a spec must never make it fetch anything.
    """

    document: dict[str, Any]
    max_depth: int = 8
    remote_refs: set[str] = field(default_factory=set)
    missing_refs: set[str] = field(default_factory=set)

    def lookup(self, ref: str) -> Any:
        """Return the target of a local ref, or None (recording why) when it cannot be had."""
        if not ref.startswith("#"):
            self.remote_refs.add(ref)
            return None
        node: Any = self.document
        pointer = ref[1:]
        if pointer in ("", "/"):
            return node
        for raw in pointer.lstrip("/").split("/"):
            part = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                self.missing_refs.add(ref)
                return None
        return node

    def shallow(self, node: Any, limit: int = 16) -> Any:
        """Follow a chain of top-level `$ref`s (a parameter that is a ref to a ref...)."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and limit > 0:
            ref = node["$ref"]
            if ref in seen:
                return _marker(ref, "cycle")
            seen.add(ref)
            target = self.lookup(ref)
            if target is None:
                return _marker(ref, "remote" if not ref.startswith("#") else "missing")
            node = target
            limit -= 1
        return node

    def resolve(self, node: Any, budget: int = 1500) -> Any:
        """A copy of `node` with local refs inlined.

        A ref already being expanded on the current branch (a cycle), one deeper than
        `max_depth`, or one met after `budget` nodes have been copied stays a marker
        `{"$ref": ..., "x-apicall-unresolved": reason}`, so the result is always finite.
        """
        remaining = [budget]

        def walk(value: Any, stack: tuple[str, ...]) -> Any:
            remaining[0] -= 1
            if isinstance(value, dict):
                ref = value.get("$ref")
                if isinstance(ref, str):
                    if ref in stack:
                        return self._typed_marker(ref, "cycle")
                    if len(stack) >= self.max_depth:
                        return self._typed_marker(ref, "depth")
                    if remaining[0] <= 0:
                        return self._typed_marker(ref, "size")
                    target = self.lookup(ref)
                    if target is None:
                        return _marker(ref, "remote" if not ref.startswith("#") else "missing")
                    return walk(target, (*stack, ref))
                if remaining[0] <= 0:
                    return {UNRESOLVED: "size"}
                return {k: walk(v, stack) for k, v in value.items()}
            if isinstance(value, list):
                if remaining[0] <= 0:
                    return []
                return [walk(v, stack) for v in value]
            return value

        return walk(node, ())

    def _typed_marker(self, ref: str, reason: str) -> dict[str, str]:
        """A marker that keeps the target's type, so that samplers can still give {} or []."""
        marker = _marker(ref, reason)
        target = self.lookup(ref)
        kind = infer_schema_type(target) if isinstance(target, dict) else None
        if kind:
            marker[UNRESOLVED_TYPE] = kind
        return marker


_KEYWORD_TYPES = {
    "multipleOf": "number",
    "maximum": "number",
    "exclusiveMaximum": "number",
    "minimum": "number",
    "exclusiveMinimum": "number",
    "maxLength": "string",
    "minLength": "string",
    "pattern": "string",
    "items": "array",
    "maxItems": "array",
    "minItems": "array",
    "uniqueItems": "array",
    "additionalItems": "array",
    "maxProperties": "object",
    "minProperties": "object",
    "required": "object",
    "additionalProperties": "object",
    "properties": "object",
    "patternProperties": "object",
    "dependencies": "object",
}


def infer_schema_type(schema: dict[str, Any]) -> str | None:
    """The schema's type, or the one its keywords imply (as openapi-sampler infers it)."""
    kind = schema.get("type")
    if kind is not None:
        if isinstance(kind, list):
            return str(kind[0]) if kind else None
        return str(kind)
    for keyword, implied in _KEYWORD_TYPES.items():
        if keyword in schema:
            return implied
    return None


def _marker(ref: str, reason: str) -> dict[str, str]:
    return {"$ref": ref, UNRESOLVED: reason}
