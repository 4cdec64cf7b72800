"""JavaScript value semantics that openapi-snippet's output depends on.

openapi-snippet and httpsnippet are JavaScript; their output formats numbers, strings, objects and
URL encodings the JavaScript way. These helpers reproduce that from Python values
(None = null, UNDEFINED = undefined).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any
from urllib.parse import quote

from .strings import escape_invisible


class _Undefined:
    _instance: _Undefined | None = None

    def __new__(cls) -> _Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "undefined"

    def __bool__(self) -> bool:
        return False


UNDEFINED: Any = _Undefined()
# json.dumps(text, ensure_ascii=False) without building an encoder for every string.
_encode_string: Any = json.encoder.encode_basestring


def js_number(value: float | int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        sign = "-" if exponent.startswith("-") else "+"
        text = f"{mantissa}e{sign}{int(exponent.lstrip('+-'))}"
    return text


def js_string(value: Any) -> str:
    """String(value) in JavaScript."""
    if value.__class__ is str:
        return str(value)
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ",".join("" if v is None or v is UNDEFINED else js_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def js_truthy(value: Any) -> bool:
    """JavaScript truthiness: objects and arrays are truthy even when empty."""
    if isinstance(value, (dict, list)):
        return True
    if value is None or value is UNDEFINED or value is False:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return bool(value)


def is_primitive(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def json_stringify(value: Any, indent: str | None = None) -> str | None:
    """JSON.stringify(value[, null, indent]); None where JavaScript returns undefined."""
    if value is UNDEFINED:
        return None
    if indent is None and _json_compatible(value):
        text = _compact(value)
    else:
        text = _stringify(value, indent, "")
    # The text also stands in code as a literal: invisible characters as \u escapes.
    return escape_invisible(text)


_compact: Any = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _json_compatible(value: Any) -> bool:
    """True where Python's JSON output equals JavaScript's: no undefined, no float that
    JavaScript prints differently (1.0 as 1, 1e21...), no integer-like keys (JS sorts them)."""
    kind = value.__class__
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return not value.is_integer() and 1e-6 <= abs(value) < 1e21
    if kind is list:
        return all(_json_compatible(v) for v in value)
    if kind is dict:
        return all(
            k.__class__ is str and not k[:1].isdigit() and _json_compatible(v)
            for k, v in value.items()
        )
    return False


def _stringify(value: Any, indent: str | None, current: str) -> str:
    if type(value) is str:
        return _encode_string(value)
    if value is None or value is UNDEFINED:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return "null"
        return js_number(value)
    if isinstance(value, str):
        return _encode_string(value)
    inner = current + indent if indent else ""
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [_stringify(v, indent, inner) for v in value]
        if not indent:
            return "[" + ",".join(items) + "]"
        return "[\n" + inner + (",\n" + inner).join(items) + "\n" + current + "]"
    if isinstance(value, dict):
        pairs = [
            (json.dumps(str(k), ensure_ascii=False), _stringify(v, indent, inner))
            for k, v in js_object_items(value)
            if v is not UNDEFINED
        ]
        if not pairs:
            return "{}"
        if not indent:
            return "{" + ",".join(f"{k}:{v}" for k, v in pairs) + "}"
        body = (",\n" + inner).join(f"{k}: {v}" for k, v in pairs)
        return "{\n" + inner + body + "\n" + current + "}"
    return json.dumps(str(value), ensure_ascii=False)


_ARRAY_INDEX = re.compile(r"^(0|[1-9][0-9]{0,9})$")


def js_object_items(value: dict[str, Any]) -> list[tuple[str, Any]]:
    """Object key order in JavaScript: integer-like keys first, ascending, then insertion order."""
    if not any(k[:1].isdigit() for k in value if isinstance(k, str)):
        return list(value.items())
    keys = list(value.keys())
    numeric = [
        k for k in keys if isinstance(k, str) and _ARRAY_INDEX.match(k) and int(k) < 2**32 - 1
    ]
    if not numeric:
        return list(value.items())
    rest = [k for k in keys if k not in set(numeric)]
    return [(k, value[k]) for k in sorted(numeric, key=int) + rest]


def encode_uri_component(value: str) -> str:
    return quote(value, safe="-_.!~*'()")


def qs_stringify(obj: dict[str, Any]) -> str:
    """Node's querystring.stringify (its escape is encodeURIComponent's): arrays repeat the key; other values are stringified."""
    parts: list[str] = []
    for key, value in js_object_items(obj):
        name = encode_uri_component(js_string(key))
        if isinstance(value, list):
            parts.extend(f"{name}={encode_uri_component(_qs_primitive(v))}" for v in value)
        else:
            parts.append(f"{name}={encode_uri_component(_qs_primitive(value))}")
    return "&".join(parts)


def _qs_primitive(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number(value) if math.isfinite(value) else ""
    return ""


_FORMAT_TOKEN = re.compile(r"%[s%]")


def util_format(template: str, *args: Any) -> str:
    """util.format with %s placeholders only (as httpsnippet uses it)."""
    if not args:
        return template
    if "%%" not in template:
        parts = template.split("%s")
        if len(parts) - 1 <= len(args):
            out = [parts[0]]
            for arg, part in zip(args, parts[1:], strict=False):
                out.append(js_string(arg))
                out.append(part)
            extra = args[len(parts) - 1 :]
            return "".join(out) + "".join(" " + js_string(a) for a in extra)
    remaining = iter(args)
    used = 0

    def substitute(match: re.Match[str]) -> str:
        nonlocal used
        if match.group(0) == "%%":
            return "%"
        if used >= len(args):
            return "%s"
        used += 1
        return js_string(next(remaining))

    text = _FORMAT_TOKEN.sub(substitute, template) if "%" in template else template
    rest = [js_string(a) for a in args[used:]]
    return text + "".join(" " + r for r in rest)
