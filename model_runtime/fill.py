"""The model's part of argument filling: JSON values for the fields the comment reader left,
constrained by llama.cpp's JSON-schema grammar (index/arguments.py keeps only grounded ones)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from apicall.index.arguments import Field, fill_schema
from apicall.index.control import RequestControl
from apicall.index.records import OperationRecord

from .generation import complete, format_chat
from .prompts import fill_messages
from .runtime import ModelRuntime


def propose_values(
    runtime: ModelRuntime,
    record: OperationRecord,
    fields: list[Field],
    instruction: str,
    context: str,
    control: RequestControl | None = None,
) -> str:
    """The model's JSON object of values for `fields` (text; the caller parses and grounds it)."""
    return runtime.run(
        lambda llm, c: _model_fill(llm, c, record, fields, instruction, context), control
    )


def _model_fill(
    llm: Any,
    control: RequestControl,
    record: OperationRecord,
    fields: list[Field],
    instruction: str,
    context: str,
) -> str:

    schema = fill_schema(fields)
    described = ", ".join(
        f"{f.name} ({f.schema.get('type', 'string')}, {f.location})" for f in fields
    )
    operation = f"{record.method} {record.path}: {record.functionality or record.endpoint_name}"
    prompt = format_chat(llm, fill_messages(instruction, operation, described, context))
    grammar = _grammar_for(json.dumps(schema, sort_keys=True))
    completion = complete(llm, prompt, control, max_tokens=48, grammar=grammar)
    control.raise_if_stopped()
    return completion.text


@lru_cache(maxsize=256)
def _grammar_for(schema_json: str) -> Any:
    from llama_cpp import LlamaGrammar

    return LlamaGrammar.from_json_schema(schema_json, verbose=False)
