"""Argument filling: values stated in a comment, validated against the operation's schema and
checked against the comment, with or without a model.

Values come from two places: a deterministic reading of the comment (`name=value`, quoted text,
e-mail addresses, numbers next to a parameter's name) and, when one is given, a model's JSON
(`CallModel.propose_values`, constrained by a grammar of `fill_schema`). Either way a value is
kept only when the comment (or the nearby code) states it, so what the comment does not say stays
the spec's placeholder, and credentials are never filled: they are not in the schema at all.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import jsonschema

from .comment_values import CommentReader, Grounding, field_mentioned
from .records import OperationRecord
from .value_picker import ValuePicker, shipped_picker

if TYPE_CHECKING:
    from .control import RequestControl
    from .model_port import CallModel

MAX_FIELDS = 6
MAX_STRING = 48  # characters per string value in the grammar: values are short, runaways are not
MAX_STATED = 300  # characters of a value read from the comment (a resource name, a quoted text)
_CREDENTIAL_WORDS = (
    "authorization",
    "api_key",
    "apikey",
    "api-key",
    "token",
    "secret",
    "password",
    "cookie",
    "x-api-key",
    "signature",
    "credential",
)


@dataclass
class FillResult:
    arguments: dict[str, Any]
    sources: dict[str, str] = field(default_factory=dict)  # name -> "comment" | "model"
    rejected: dict[str, str] = field(
        default_factory=dict
    )  # name -> why the model's value was dropped
    raw_model_output: str = ""
    model_used: bool = False
    latency_ms: float = 0.0


@dataclass(frozen=True)
class Field:
    name: str
    location: str  # path | query | header | cookie | body
    schema: dict[str, Any]
    required: bool


def is_credential(name: str) -> bool:
    return any(word in name.lower() for word in _CREDENTIAL_WORDS)


def field_of(name: str, location: str, schema: Any, required: bool) -> Field | None:
    """A fillable field, or None for what carries credentials (never filled)."""
    if not name or is_credential(name):
        return None
    return Field(name, location, _simple_schema(schema), required)


def fillable_fields(record: OperationRecord) -> list[Field]:
    """Parameters and top-level JSON body properties, minus anything that carries credentials."""
    auth_headers = {
        str(s.get("name", "")).lower()
        for s in record.security_schemes.values()
        if isinstance(s, dict)
    }
    fields: list[Field] = []
    for param in record.parameters:
        name = str(param.get("name", ""))
        location = str(param.get("in", ""))
        if location not in ("path", "query", "header", "cookie") or not name:
            continue
        if name.lower() in auth_headers or any(w in name.lower() for w in _CREDENTIAL_WORDS):
            continue
        fields.append(
            Field(name, location, _simple_schema(param.get("schema")), bool(param.get("required")))
        )
    content = (record.request_body or {}).get("content") or {}
    body_schema = next(
        (m.get("schema") for t, m in content.items() if "json" in t or "form" in t), None
    )
    if isinstance(body_schema, dict):
        required = set(body_schema.get("required") or [])
        for name, prop in (body_schema.get("properties") or {}).items():
            if isinstance(prop, dict) and not prop.get("readOnly"):
                if any(w in name.lower() for w in _CREDENTIAL_WORDS):
                    continue
                fields.append(Field(name, "body", _simple_schema(prop), name in required))
    return fields


def _simple_schema(schema: Any) -> dict[str, Any]:
    """A grammar-friendly schema: one scalar type, enums kept, arrays of scalars."""
    if not isinstance(schema, dict):
        return {"type": "string"}
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind in ("integer", "number", "boolean", "string"):
        simple: dict[str, Any] = {"type": kind}
        if kind == "string":
            simple["maxLength"] = MAX_STRING
        enum = [e for e in schema.get("enum") or [] if isinstance(e, (str, int, float, bool))]
        if enum:
            simple["enum"] = enum[:20]
        return simple
    if kind == "array":
        return {"type": "array", "items": _simple_schema(schema.get("items")), "maxItems": 5}
    return {"type": "string"}


def fill_schema(fields: list[Field]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {f.name: f.schema for f in fields},
        "additionalProperties": False,
    }


def select_fields(fields: list[Field], instruction: str) -> list[Field]:
    """The fields worth asking about: named in the comment first, then required ones."""
    text = instruction.lower()
    ranked = sorted(
        fields,
        key=lambda f: (not field_mentioned(f.name, text), not f.required, f.location == "header"),
    )
    return ranked[:MAX_FIELDS]


def fill_arguments(
    model: CallModel | None,
    record: OperationRecord,
    instruction: str,
    context: str = "",
    control: RequestControl | None = None,
) -> FillResult:
    """Arguments for `record` from the comment; the model proposes values for what the comment
    reader leaves when one is given, and each of its values is kept only when grounded."""
    propose: Proposer | None = None
    if model is not None:

        def propose(remaining: list[Field]) -> str:
            return model.propose_values(record, remaining, instruction, context, control)

    api_words = f"{record.api_name} {record.api_provider}"
    operation = (
        f"{record.functionality or record.endpoint_name} {record.operation_id} {record.path}"
    )
    fields = select_fields(fillable_fields(record), instruction)
    return fill_fields(fields, instruction, context, propose, api_words, operation)


# What a model is asked for the fields the comment reader left: their JSON object, as text.
Proposer = Callable[[list[Field]], str]


def fill_fields(
    fields: list[Field],
    instruction: str,
    context: str = "",
    propose: Proposer | None = None,
    api_words: str = "",
    operation: str = "",
    picker: ValuePicker | bool | None = True,
) -> FillResult:
    """Values for `fields` (already selected): the comment reader's rules, the learned value
    picker's words for the fields they left (`picker`: True for the shipped one, False or None
    for none), then the model's for the rest (when a proposer is given and the comment holds
    a value-like token left, not the API's name, `api_words`), each kept only when the comment
    or the context states it. `operation`: the operation's own text with its path (its words
    are not values)."""
    started = time.perf_counter()
    result = FillResult(arguments={})
    if not fields:
        result.latency_ms = (time.perf_counter() - started) * 1000
        return result
    reader = CommentReader(instruction, operation, api_words=api_words)
    for name, value in reader.values(fields).items():
        result.arguments[name] = value
        result.sources[name] = "comment"
    chosen = shipped_picker() if picker is True else picker or None
    if chosen is not None:
        for name, value in chosen.pick(reader, fields, result.arguments).items():
            result.arguments[name] = value
            result.sources[name] = "comment"
    remaining = [f for f in fields if f.name not in result.arguments]
    if propose is not None and remaining and reader.values_left(remaining):
        result.model_used = True
        raw = propose(remaining)
        result.raw_model_output = raw
        proposed = _parse_json_object(raw)
        grounding = Grounding(reader, context, api_words)
        by_name = {f.name: f for f in remaining}
        for name, value in proposed.items():
            target = by_name.get(name)
            if target is None:
                result.rejected[name] = "not a parameter of this operation"
                continue
            why = grounding.unstated(value, target, fields)
            if not why and _same_value_used(value, result.arguments):
                why = "the comment states this value for another parameter"
            if why:
                result.rejected[name] = why
                continue
            result.arguments[name] = _as_text_where_text(value, target)
            result.sources[name] = "model"
    _drop_invalid(result, fields)
    result.latency_ms = (time.perf_counter() - started) * 1000
    return result


def _drop_invalid(result: FillResult, fields: list[Field]) -> None:
    """A value that breaks its field's schema (too long, outside the enum) is not filled: the
    placeholder stays, and the reason is kept, instead of the whole suggestion failing."""
    # The grammar's bound on a string's length keeps the model from running on; a value the
    # comment states (a Google resource name of 60 characters) may be longer.
    schema = fill_schema([replace(f, schema=_stated_length_bound(f.schema)) for f in fields])
    for name in list(result.arguments):
        try:
            jsonschema.validate({name: result.arguments[name]}, {**schema, "required": []})
        except jsonschema.ValidationError as exc:
            del result.arguments[name]
            result.sources.pop(name, None)
            result.rejected[name] = f"does not fit the schema: {exc.message}"


def _stated_length_bound(schema: dict[str, Any]) -> dict[str, Any]:
    bound = {**schema, "maxLength": MAX_STATED} if "maxLength" in schema else dict(schema)
    if isinstance(bound.get("items"), dict):
        bound["items"] = _stated_length_bound(bound["items"])
    return bound


def to_render_arguments(record: OperationRecord, arguments: dict[str, Any]) -> dict[str, Any]:
    """Filled values in the renderer's shape: parameters by name, body fields under "body"."""
    fields = {f.name: f for f in fillable_fields(record)}
    rendered: dict[str, Any] = {}
    body: dict[str, Any] = {}
    for name, value in arguments.items():
        target = fields.get(name)
        if target is None:
            continue
        if target.location == "body":
            body[name] = value
        else:
            rendered[name] = value
    if body:
        rendered["body"] = body
    return rendered


def _parse_json_object(text: str) -> dict[str, Any]:
    """The model's object; cut at its token limit, its members that were complete (the grammar
    makes every answer a prefix of valid JSON, so `{"a": 1, "b": "unfini` keeps a)."""
    for end in [len(text), *(i for i in range(len(text) - 1, 0, -1) if text[i] == ",")]:
        candidate = text if end == len(text) else text[:end] + "}"
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        return value if isinstance(value, dict) else {}
    return {}


def _as_text_where_text(value: Any, target: Field) -> Any:
    """A number the comment states, given as a number for a field that takes text ("account 1"
    for a string tspId): the same value, as text."""
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return str(value) if is_number and target.schema.get("type") == "string" else value


def _same_value_used(value: Any, arguments: dict[str, Any]) -> bool:
    """One stated value fills one parameter: a copy of an assigned value is not a new fact."""
    if isinstance(value, (bool, dict)):
        return False
    if isinstance(value, list):
        return any(_same_value_used(v, arguments) for v in value)
    used = [str(v) for v in arguments.values() if not isinstance(v, (bool, dict))]
    used += [str(i) for v in arguments.values() if isinstance(v, list) for i in v]
    return str(value) in used
