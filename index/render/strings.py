"""String literals for every language apicall writes, safe for any spec string.

A spec is untrusted input: every string from it (a server URL, a parameter name or example, a
header name, a body property) reaches generated code only through these writers. Each one
escapes what its language would otherwise read as code (quotes, backslashes, `$` and `#{`
interpolation, `??` trigraphs) and spells control characters, bidi controls (Trojan Source) and
line separators as escapes, so none of them stands raw in the file. Text without any of those
characters is written as it is, which keeps the openapi-snippet targets' output identical.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

# Invisible characters that change how code reads or where a line ends.
INVISIBLE = frozenset(
    "\x7f\u061c\u200e\u200f\u2028\u2029\ufeff"
    + "".join(chr(c) for c in range(0x202A, 0x202F))
    + "".join(chr(c) for c in range(0x2066, 0x206A))
)
_SIMPLE = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def needs_code(ch: str) -> bool:
    return (ord(ch) < 0x20 and ch not in _SIMPLE) or ch in INVISIBLE


def _hex(prefix: str, width: int) -> Callable[[int], str]:
    return lambda code: f"\\{prefix}{code:0{width}x}"


def _braced(code: int) -> str:
    return f"\\u{{{code:x}}}"


def _x_or_u(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"


def _octal_or_u(code: int) -> str:
    return f"\\{code:03o}" if code < 0x100 else f"\\u{code:04x}"


@dataclass(frozen=True)
class StringSyntax:
    """How one language writes a quoted string literal."""

    quote: str
    code: Callable[[int], str] | None  # spelling of a code point; None: the syntax has none
    specials: str = ""  # characters escaped with a backslash besides the quote and backslash
    after: Callable[[str], str] | None = None  # a last pass over the escaped text
    fallback: StringSyntax | None = None  # for text this syntax cannot spell
    escapes: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        escapes = dict(_SIMPLE) if self.code is not None else {"\\": "\\\\"}
        for ch in self.quote + self.specials:
            escapes[ch] = "\\" + ch
        object.__setattr__(self, "escapes", escapes)

    def can_spell(self, text: str) -> bool:
        return self.code is not None or not any(needs_code(ch) for ch in text)

    def inner(self, text: str) -> str:
        """The text escaped for the inside of a literal opened with this syntax's quote."""
        text = _no_surrogates(text)
        out = []
        for ch in text:
            if ch in self.escapes:
                out.append(self.escapes[ch])
            elif needs_code(ch):
                if self.code is None:
                    raise ValueError(f"{ch!r} cannot be written in this literal")
                out.append(self.code(ord(ch)))
            else:
                out.append(ch)
        escaped = "".join(out)
        return self.after(escaped) if self.after else escaped

    def literal(self, text: str) -> str:
        if not self.can_spell(text) and self.fallback is not None:
            return self.fallback.literal(text)
        return self.quote + self.inner(text) + self.quote


def _no_surrogates(text: str) -> str:
    """A lone surrogate (JSON's "\\ud800") is no character: it becomes U+FFFD."""
    if not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub("\ufffd", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_trigraphs(text: str) -> str:
    # "??/" is a backslash under -std=c11 (trigraphs); "?\?/" is not.
    return re.sub(r"\?(?=\?)", "?\\\\", text)


def _no_ruby_interpolation(text: str) -> str:
    return re.sub(r"#(?=[{$@])", "\\\\#", text)


PYTHON = StringSyntax('"', _x_or_u)
PYTHON_SINGLE = StringSyntax("'", _x_or_u)
JAVASCRIPT = StringSyntax('"', _x_or_u)
JAVASCRIPT_SINGLE = StringSyntax("'", _x_or_u)
GO = StringSyntax('"', _x_or_u)
# Java reads \uXXXX before it reads the source, so control characters are written in octal.
JAVA = StringSyntax('"', _octal_or_u)
KOTLIN = StringSyntax('"', _hex("u", 4), specials="$")
CSHARP = StringSyntax('"', _hex("u", 4))
RUST = StringSyntax('"', _braced)
SWIFT = StringSyntax('"', _braced)
C = StringSyntax('"', _octal_or_u, after=_no_trigraphs)
PHP_DOUBLE = StringSyntax('"', _braced, specials="$")
PHP_SINGLE = StringSyntax("'", None, fallback=PHP_DOUBLE)
RUBY_DOUBLE = StringSyntax('"', _braced, after=_no_ruby_interpolation)
RUBY_SINGLE = StringSyntax("'", None, fallback=RUBY_DOUBLE)
# Bash's $'...' spells any character; plain '...' needs no escape but its own quote.
SHELL_ANSI_C = StringSyntax("'", _x_or_u)


def shell_word(text: str) -> str:
    """One shell word holding exactly `text`: '...' when it can, else $'...'."""
    text = _no_surrogates(text)
    if any(needs_code(ch) for ch in text):
        return "$" + SHELL_ANSI_C.literal(text)
    return "'" + text.replace("'", "'\\''") + "'"


def json_text(value: object, indent: int | None = None) -> str:
    """JSON for a literal in code (JavaScript, Python): invisible characters escaped as \\uXXXX,
    which JSON, JavaScript and Python read alike."""
    return escape_invisible(json.dumps(value, ensure_ascii=False, indent=indent))


def escape_invisible(json_like: str) -> str:
    """\\uXXXX for the invisible characters of text whose strings take JSON's escapes."""
    json_like = _no_surrogates(json_like)
    if not any(ch in INVISIBLE for ch in json_like):
        return json_like
    return "".join(f"\\u{ord(ch):04x}" if ch in INVISIBLE else ch for ch in json_like)
