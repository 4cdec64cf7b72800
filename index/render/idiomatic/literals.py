"""Data literals (objects, lists) for the idiomatic renderers; strings: index/render/strings.py."""

from __future__ import annotations

from typing import Any

from ..strings import json_text


def js_literal(value: Any, indent: str = "  ", level: int = 0) -> str:
    """A JavaScript object literal (JSON is one)."""
    text = json_text(value, indent=len(indent))
    pad = indent * level
    return text.replace("\n", "\n" + pad)


def python_literal(value: Any, indent: str = "    ", level: int = 0) -> str:
    """A Python literal for a JSON value, pretty when it does not fit on one line."""
    flat = _python_flat(value)
    if len(flat) + len(indent) * level <= 80 or not isinstance(value, (dict, list)) or not value:
        return flat
    inner = indent * (level + 1)
    closing = indent * level
    if isinstance(value, dict):
        items = [
            f"{json_text(k)}: {python_literal(v, indent, level + 1)}" for k, v in value.items()
        ]
        return "{\n" + "".join(f"{inner}{item},\n" for item in items) + closing + "}"
    items = [python_literal(v, indent, level + 1) for v in value]
    return "[\n" + "".join(f"{inner}{item},\n" for item in items) + closing + "]"


def _python_flat(value: Any) -> str:
    if value is None:
        return "None"
    if value is True:
        return "True"
    if value is False:
        return "False"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json_text(value)
    if isinstance(value, list):
        return "[" + ", ".join(_python_flat(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{json_text(str(k))}: {_python_flat(v)}" for k, v in value.items())
            + "}"
        )
    return json_text(str(value))
