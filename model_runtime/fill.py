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
from .prompts import describe_fields, fill_messages, operation_line
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
    what = record.functionality or record.endpoint_name
    return propose_for(
        runtime,
        operation_line(record.method, record.path, what),
        fields,
        instruction,
        context,
        control,
    )


def propose_for(
    runtime: ModelRuntime,
    operation: str,
    fields: list[Field],
    instruction: str,
    context: str = "",
    control: RequestControl | None = None,
) -> str:
    """The same for an operation given as its one line (`operation_line`): training's form."""
    messages = fill_messages(instruction, operation, describe_fields(fields), context)
    schema_json = json.dumps(fill_schema(fields), sort_keys=True)

    def work(llm: Any, ctl: RequestControl) -> str:
        completion = complete(
            llm, format_chat(llm, messages), ctl, max_tokens=48, grammar=_grammar_for(schema_json)
        )
        ctl.raise_if_stopped()
        return completion.text

    return runtime.run(work, control)


@lru_cache(maxsize=256)
def _grammar_for(schema_json: str) -> Any:
    from llama_cpp import LlamaGrammar

    return LlamaGrammar.from_json_schema(schema_json, verbose=False)
