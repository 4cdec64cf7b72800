"""The spec-injection corpus: hostile strings placed wherever a spec string reaches generated code.

Every payload tries to make the generated code call `PWN` (a function in most languages, a
command in shell). A snippet is safe when no parse of it has `PWN` outside a string literal or
a comment, it parses, it carries no raw control, bidi or surrogate character, and, for shell,
running it with a stand-in `curl` never runs `PWN`.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from apicall.index.loader import parse_spec_bytes
from apicall.index.records import OperationRecord, extract_operations

PAYLOADS: list[str] = [
    '"+PWN()+"',
    "'+PWN()+'",
    "`+PWN()+`",
    "${PWN()}",
    "#{PWN()}",
    "{${PWN()}}",
    "\\(PWN())",
    "$(PWN)",
    "`PWN`",
    '\\"+PWN()+\\"',
    '\\\\"+PWN()+"\\\\',
    "\\'+PWN()+\\'",
    "x\nPWN()\n",
    "x\r\nPWN();\r\n",
    "*/PWN();/*",
    '??/"+PWN()+"',
    "%n%s%x%n",
    "a\x00PWN()",
    "\u202ePWN()\u2066",
    "\ud800PWN()",
    "'''+PWN()+'''",
    '"""+PWN()+"""',
    '");PWN();("',
    "');PWN();('",
    '"};PWN();{"',
    "{PWN()}",
    "$PWN",
    "${PWN}",
    "$_ENV[PWN]",
    "?><?php PWN(); ?>",
    "trailing\\",
    "\\u0022+PWN()+\\u0022",
    "\\x22+PWN()+\\x22",
    "'; PWN #",
    '" PWN "',
    "a b;PWN",
    "|PWN",
    "&&PWN",
    "\u2028PWN()\u2029",
    "\x0bPWN()\x0c\x1b",
    "#PWN",
    "%{PWN}",
    "<script>PWN()</script>",
    "\\",
    "{}",
    '\t"\t+PWN()+\t"',
    "'-PWN()-'",
    '"-PWN()-"',
]

# Characters that must never appear raw in generated code: NUL and other C0 controls but tab
# and line breaks (handled per language), bidi controls (Trojan Source), line/paragraph separators.
FORBIDDEN_RAW = {chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"} | {
    "\x7f",
    "\u061c",
    "\u200e",
    "\u200f",
    "\u2028",
    "\u2029",
    *(chr(c) for c in range(0x202A, 0x202F)),
    *(chr(c) for c in range(0x2066, 0x206A)),
}


def base_spec() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Hostile", "version": "1"},
        "servers": [{"url": "https://api.hostile.test/v1"}],
        "paths": {
            "/items/{itemId}": {
                "post": {
                    "operationId": "createItem",
                    "summary": "Create an item",
                    "parameters": [
                        _param("itemId", "path", "abc", required=True),
                        _param("limit", "query", "5"),
                        _param("X-Trace", "header", "t1"),
                        _param("session", "cookie", "s1"),
                    ],
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"name": {"type": "string", "example": "n"}},
                                }
                            }
                        }
                    },
                    "responses": {"200": {"description": "ok"}},
                    "security": [{"keyAuth": []}],
                }
            }
        },
        "components": {
            "securitySchemes": {"keyAuth": {"type": "apiKey", "in": "header", "name": "X-Key"}}
        },
    }


def _param(name: str, where: str, example: str, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": required,
        "schema": {"type": "string"},
        "example": example,
    }


def _operation(spec: dict[str, Any]) -> dict[str, Any]:
    path_item = next(iter(spec["paths"].values()))
    return path_item["post"]


def _parameter(spec: dict[str, Any], where: str) -> dict[str, Any]:
    return next(p for p in _operation(spec)["parameters"] if p["in"] == where)


def _body_schema(spec: dict[str, Any], mime: str) -> dict[str, Any]:
    content = _operation(spec)["requestBody"]["content"]
    schema = content.pop("application/json")["schema"]
    content[mime] = {"schema": schema}
    return schema


def _set_server(payload: str, template: str) -> Callable[[dict[str, Any]], None]:
    def place(spec: dict[str, Any]) -> None:
        spec["servers"] = [{"url": template.format(payload)}]

    return place


def _server_variable(spec: dict[str, Any], payload: str) -> None:
    spec["servers"] = [
        {"url": "https://{region}.hostile.test/v1", "variables": {"region": {"default": payload}}}
    ]


def _server_variable_enum(spec: dict[str, Any], payload: str) -> None:
    spec["servers"] = [
        {
            "url": "https://api.hostile.test/{version}",
            "variables": {"version": {"default": payload, "enum": [payload, "v2"]}},
        }
    ]


def _path_literal(spec: dict[str, Any], payload: str) -> None:
    spec["paths"] = {f"/items/{payload}/{{itemId}}": spec["paths"]["/items/{itemId}"]}


def _path_name(spec: dict[str, Any], payload: str) -> None:
    _parameter(spec, "path")["name"] = payload
    spec["paths"] = {f"/items/{{{payload}}}": spec["paths"]["/items/{itemId}"]}


def _param_field(where: str, field: str) -> Callable[[dict[str, Any], str], None]:
    def place(spec: dict[str, Any], payload: str) -> None:
        param = _parameter(spec, where)
        if field == "name":
            param["name"] = payload
        elif field == "example":
            param["example"] = payload
        elif field == "default":
            param.pop("example")
            param["schema"]["default"] = payload
        else:
            param.pop("example")
            param["schema"]["enum"] = [payload]
        param["required"] = True

    return place


def _body_field(mime: str, field: str) -> Callable[[dict[str, Any], str], None]:
    def place(spec: dict[str, Any], payload: str) -> None:
        schema = _body_schema(spec, mime)
        if field == "name":
            schema["properties"] = {payload: {"type": "string", "example": "n"}}
        else:
            schema["properties"]["name"]["example"] = payload

    return place


def _security_name(spec: dict[str, Any], payload: str) -> None:
    spec["components"]["securitySchemes"] = {
        payload: {"type": "apiKey", "in": "header", "name": "X-Key"}
    }
    _operation(spec)["security"] = [{payload: []}]


def _api_key_field(where: str) -> Callable[[dict[str, Any], str], None]:
    def place(spec: dict[str, Any], payload: str) -> None:
        spec["components"]["securitySchemes"]["keyAuth"] = {
            "type": "apiKey",
            "in": where,
            "name": payload,
        }

    return place


def _bearer(spec: dict[str, Any], payload: str) -> None:
    spec["components"]["securitySchemes"]["keyAuth"] = {"type": "http", "scheme": "bearer"}
    spec["info"]["title"] = payload


def _title(spec: dict[str, Any], payload: str) -> None:
    spec["info"]["title"] = payload
    spec["servers"] = [{"url": "/relative"}]  # so the credential is named after the title


def _summary(spec: dict[str, Any], payload: str) -> None:
    _operation(spec)["summary"] = payload
    _operation(spec)["description"] = payload


LOCATIONS: dict[str, Callable[[dict[str, Any], str], None]] = {
    "server_url_path": lambda s, p: _set_server(p, "https://api.hostile.test/{}")(s),
    "server_url_host": lambda s, p: _set_server(p, "https://{}.hostile.test")(s),
    "server_variable": _server_variable,
    "server_variable_enum": _server_variable_enum,
    "path_literal": _path_literal,
    "path_param_name": _path_name,
    "path_param_example": _param_field("path", "example"),
    **{
        f"{where}_{field}": _param_field(where, field)
        for where in ("query", "header", "cookie")
        for field in ("name", "example", "default", "enum")
    },
    **{
        f"{kind}_property_{field}": _body_field(mime, field)
        for kind, mime in (
            ("json", "application/json"),
            ("form", "application/x-www-form-urlencoded"),
            ("multipart", "multipart/form-data"),
        )
        for field in ("name", "example")
    },
    "security_scheme_name": _security_name,
    "api_key_header_name": _api_key_field("header"),
    "api_key_query_name": _api_key_field("query"),
    "api_key_cookie_name": _api_key_field("cookie"),
    "bearer_with_title": _bearer,
    "api_title": _title,
    "summary": _summary,
}


@dataclass(frozen=True)
class HostileCase:
    location: str
    payload: str

    @property
    def label(self) -> str:
        return f"{self.location}:{self.payload!r}"


def hostile_record(case: HostileCase) -> OperationRecord:
    """The operation of a spec with the payload at the case's location, read as apicall reads a
    workspace spec file (JSON text through the loader, then record extraction)."""
    spec = copy.deepcopy(base_spec())
    LOCATIONS[case.location](spec, case.payload)
    raw = json.dumps(spec).encode()
    doc = parse_spec_bytes(raw, "hostile.json")
    records = extract_operations(doc, "hostile.json", "h").records
    assert len(records) == 1, case.label
    return records[0]


def all_cases() -> Iterator[HostileCase]:
    for location in LOCATIONS:
        for payload in PAYLOADS:
            yield HostileCase(location, payload)


# tree-sitter grammar per checked language (see tests/syntax.py's TARGET_LANGUAGE)
_GRAMMARS: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "javascript-module": ("tree_sitter_javascript", "language"),
    "bash": ("tree_sitter_bash", "language"),
    "c": ("tree_sitter_c", "language"),
    "go": ("tree_sitter_go", "language"),
    "ruby": ("tree_sitter_ruby", "language"),
    "php": ("tree_sitter_php", "language_php"),
    "java": ("tree_sitter_java", "language"),
    "kotlin": ("tree_sitter_kotlin", "language"),
    "csharp": ("tree_sitter_c_sharp", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "swift": ("tree_sitter_swift", "language"),
}

# Leaf node kinds that hold text of a string literal or a comment in those grammars.
_INERT_MARKERS = ("string", "comment", "fragment", "content", "str_text", "heredoc", "escape")


def _parser(language: str) -> Any:
    import importlib

    import tree_sitter

    module_name, function = _GRAMMARS[language]
    module = importlib.import_module(module_name)
    return tree_sitter.Parser(tree_sitter.Language(getattr(module, function)()))


_PARSERS: dict[str, Any] = {}
_PWN_TOKEN = re.compile(rb"(?<![A-Za-z0-9_])PWN(?![A-Za-z0-9_])")


def breakouts(language: str, source: str) -> list[str]:
    """Where `PWN` stands in code rather than inside a string or a comment, and syntax errors."""
    parser = _PARSERS.get(language)
    if parser is None:
        parser = _PARSERS[language] = _parser(language)
    tree = parser.parse(source.encode("utf-8"))
    found: list[str] = []
    if tree.root_node.has_error:
        found.append("syntax error")
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.child_count:
            if any(marker in node.type for marker in ("comment", "raw_string")) and (
                b"PWN" in (node.text or b"")
            ):
                continue  # a comment or raw string holds it whole
            stack.extend(node.children)
            continue
        text = node.text or b""
        # PWN_API_KEY is a name apicall derived from the spec (sanitised), not the payload's call.
        if _PWN_TOKEN.search(text) and not any(marker in node.type for marker in _INERT_MARKERS):
            parent = node.parent.type if node.parent is not None else ""
            if language == "bash" and node.type == "word" and parent != "command_name":
                continue  # an argument word, not a command
            if node.type == "property_identifier" and parent == "pair":
                continue  # an object literal's key ({$PWN: 1}) names nothing
            found.append(f"{node.type} in {parent} at line {node.start_point[0] + 1}")
    return found
