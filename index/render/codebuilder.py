"""httpsnippet's CodeBuilder and the literal printers its targets use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .jsvalues import UNDEFINED, js_number, js_object_items, js_string, util_format
from .strings import JAVASCRIPT_SINGLE, PYTHON, SWIFT, StringSyntax


class CodeBuilder:
    def __init__(self, indentation: str = "", join: str = "\n"):
        self.code: list[str | None] = []
        self.indentation = indentation
        self.line_join = join

    def _line(self, *args: Any) -> str | None:
        first = args[0]
        if first.__class__ is str:
            return first if len(args) == 1 else util_format(first, *args[1:])
        if first is None:
            return None
        line = self.indentation * first + args[1]
        return line if len(args) == 2 else util_format(line, *args[2:])

    def push(self, *args: Any) -> CodeBuilder:
        self.code.append(self._line(*args))
        return self

    def unshift(self, *args: Any) -> CodeBuilder:
        self.code.insert(0, self._line(*args))
        return self

    def blank(self) -> CodeBuilder:
        self.code.append(None)
        return self

    def join(self) -> str:
        return self.line_join.join("" if line is None else line for line in self.code)


_CLASSIC_KEY = re.compile(r"^[a-z$_][a-z$_0-9]*$", re.I)


def stringify_object(value: Any, indent: str = "  ", inline_limit: int = 80, pad: str = "") -> str:
    """The npm package stringify-object (v3), with inlineCharacterLimit, as httpsnippet uses it.

    Each object or array goes on one line when that line (its members already laid out, so
    possibly spanning lines) is at most `inline_limit` characters, else one member per line.
    """
    if value is None or value is UNDEFINED or isinstance(value, (bool, int, float)):
        return js_string(value)
    if isinstance(value, list):
        if not value:
            return "[]"
        members = [stringify_object(v, indent, inline_limit, pad + indent) for v in value]
        return _lay_out("[", "]", members, indent, inline_limit, pad)
    if isinstance(value, dict):
        items = js_object_items(value)
        if not items:
            return "{}"
        members = [
            (key if _CLASSIC_KEY.match(key) else stringify_object(key, indent, inline_limit))
            + ": "
            + stringify_object(element, indent, inline_limit, pad + indent)
            for key, element in items
        ]
        return _lay_out("{", "}", members, indent, inline_limit, pad)
    return JAVASCRIPT_SINGLE.literal(js_string(value))


def _lay_out(open_: str, close: str, members: list[str], indent: str, limit: int, pad: str) -> str:
    one_line = open_ + ", ".join(members) + close
    if len(one_line) <= limit:
        return one_line
    inner = pad + indent
    return open_ + "\n" + ",\n".join(inner + m for m in members) + "\n" + pad + close


@dataclass(frozen=True)
class _LiteralStyle:
    true: str
    false: str
    null: str
    dict_open: str
    dict_close: str
    string: StringSyntax


# httpsnippet's two literalRepresentation helpers differ only in these spellings. Null is
# NSNull() in Swift where httpsnippet prints nothing, which does not parse. httpsnippet escapes
# only the quotes of strings (and not those of keys), so a value with a backslash, a line break
# or `\(` gave code that does not parse or that runs; the string writers escape all of it.
_PYTHON = _LiteralStyle("True", "False", "None", "{", "}", PYTHON)
_SWIFT = _LiteralStyle("true", "false", "NSNull()", "[", "]", SWIFT)


def literal_python(value: Any, indent: str, level: int | None = None, pretty: bool = True) -> str:
    """httpsnippet's Python literalRepresentation."""
    return _literal(value, _PYTHON, indent, level, pretty)


def literal_swift(value: Any, indent: str, level: int | None = None, pretty: bool = True) -> str:
    """httpsnippet's Swift literalRepresentation (dictionaries are [k: v] too)."""
    return _literal(value, _SWIFT, indent, level, pretty)


def _literal(value: Any, style: _LiteralStyle, indent: str, level: int | None, pretty: bool) -> str:
    level = 1 if level is None else level + 1
    if isinstance(value, bool):
        return style.true if value else style.false
    if isinstance(value, (int, float)):
        return js_number(value)
    if value is None or value is UNDEFINED:
        return style.null
    if isinstance(value, list):
        nested_pretty = False
        reprs = []
        for element in value:
            if isinstance(element, dict):
                nested_pretty = len(element) > 1
            reprs.append(_literal(element, style, indent, level, pretty))
        return _concat("[", "]", reprs, nested_pretty, indent, level)
    if isinstance(value, dict):
        pairs = [
            f"{style.string.literal(k)}: {_literal(v, style, indent, level, pretty)}"
            for k, v in js_object_items(value)
        ]
        return _concat(
            style.dict_open, style.dict_close, pairs, pretty and len(pairs) > 1, indent, level
        )
    return style.string.literal(js_string(value))


def _concat(
    open_: str, close: str, values: list[str], pretty: bool, indent: str, level: int
) -> str:
    current = indent * level
    closing = indent * (level - 1)
    if pretty:
        return open_ + "\n" + current + (",\n" + current).join(values) + "\n" + closing + close
    return open_ + ", ".join(values) + close
