"""Hover on a URL string literal that matches an indexed operation."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from apicall.index.control import RequestControl
from apicall.index.records import OperationRecord
from lsprotocol import types

from ..server import isolated

if TYPE_CHECKING:
    from ..server import ApicallServer

_STRING = re.compile(r"""(["'`])((?:https?://|/)[^"'`\s]*)\1""")


def register(server: ApicallServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @isolated(default=None)
    async def hover(ls: ApicallServer, params: types.HoverParams) -> types.Hover | None:
        document = ls.workspace.get_text_document(params.text_document.uri)
        if params.position.line >= len(document.lines):
            return None
        line = document.lines[params.position.line]
        found = next(
            (
                m
                for m in _STRING.finditer(line)
                if m.start() <= params.position.character <= m.end()
            ),
            None,
        )
        if found is None:
            return None
        engine = ls.open_engine()
        if engine is None:
            return None
        url = found.group(2)

        def work(_control: RequestControl) -> OperationRecord | None:
            return engine.operation_at(url)

        record = await ls.in_thread(work)
        if record is None:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=describe(record)),
            range=types.Range(
                start=types.Position(line=params.position.line, character=found.start()),
                end=types.Position(line=params.position.line, character=found.end()),
            ),
        )


def describe(record: OperationRecord) -> str:
    lines = [f"**{record.method} {record.path}** ({record.api_name})", ""]
    if record.functionality:
        lines += [record.functionality, ""]
    if record.parameters:
        lines += ["| parameter | in | type | required |", "|---|---|---|---|"]
        for param in record.parameters:
            schema = param.get("schema") if isinstance(param.get("schema"), dict) else {}
            kind = schema.get("type", "") if isinstance(schema, dict) else ""
            lines.append(
                f"| `{param.get('name')}` | {param.get('in')} | {kind} | "
                f"{'yes' if param.get('required') else ''} |"
            )
    return "\n".join(lines)
