"""String and data literals for the languages of the idiomatic renderers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_SIMPLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _double_quoted(text: str, control: Callable[[int], str]) -> str:
    """A double-quoted literal: the usual backslash escapes, and `control(code)` for the other
    control characters, whose spelling is what differs between languages."""
    out = []
    for ch in text:
        if ch in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[ch])
        elif ord(ch) < 0x20:
            out.append(control(ord(ch)))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def c_string(text: str) -> str:
    """A double-quoted literal valid in Java, C#, Go, Kotlin, Rust and PHP."""
    return _double_quoted(text, lambda code: f"\\u{code:04x}")


def c_lang_string(text: str) -> str:
    """A C string literal (C has no \\u escapes for control characters)."""
    return _double_quoted(text, lambda code: f"\\{code:03o}")


def swift_string(text: str) -> str:
    """A Swift string literal (Swift spells code points \\u{...})."""
    return _double_quoted(text, lambda code: f"\\u{{{code:x}}}")


def php_string(text: str) -> str:
    """A single-quoted PHP literal: only \\ and ' are special."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def ruby_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def shell_single_quoted(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def js_literal(value: Any, indent: str = "  ", level: int = 0) -> str:
    """A JavaScript object literal (JSON is one)."""
    text = json.dumps(value, ensure_ascii=False, indent=len(indent))
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
            f"{json.dumps(k, ensure_ascii=False)}: {python_literal(v, indent, level + 1)}"
            for k, v in value.items()
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
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_python_flat(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(
                f"{json.dumps(str(k), ensure_ascii=False)}: {_python_flat(v)}"
                for k, v in value.items()
            )
            + "}"
        )
    return json.dumps(str(value))
