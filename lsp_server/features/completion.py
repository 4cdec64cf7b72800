"""Completion on the line after a comment (or after the configured trigger): one item per
candidate, the full code with filled arguments in completionItem/resolve."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apicall.index.control import RequestControl
from apicall.index.records import OperationRecord
from apicall.index.render.render import render
from lsprotocol import types

from ..comments import CommentBlock, find_comment_above
from ..edits import import_insertion
from ..server import isolated
from .common import (
    action_data,
    comment_from_data,
    resolve_call,
    suggest_request,
)

if TYPE_CHECKING:
    from pygls.workspace import TextDocument

    from ..server import ApicallServer


def register(server: ApicallServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(resolve_provider=True, trigger_characters=[":"]),
    )
    @isolated(default=None)
    async def completion(
        ls: ApicallServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        document = ls.workspace.get_text_document(params.text_document.uri)
        lines = [line.rstrip("\r\n") for line in document.lines]
        line_no = params.position.line
        comment = _comment_for(ls, document, lines, line_no)
        if comment is None:
            return None
        engine = ls.open_engine()
        if engine is None:
            return None
        request = suggest_request(ls, document, comment, fill=False)
        target = request.resolved_target()

        def work(_control: RequestControl) -> list[types.CompletionItem]:
            items = []
            replace = types.Range(
                start=types.Position(line=line_no, character=0),
                end=types.Position(
                    line=line_no, character=len(lines[line_no]) if line_no < len(lines) else 0
                ),
            )
            for rank, (hit, _score) in enumerate(engine.offer(request)[: ls.config.candidates]):
                row = engine.searcher.store.get_operation(hit.id)
                if row is None:
                    continue
                record = OperationRecord.from_row(row)
                snippet = render(record, target)
                items.append(
                    types.CompletionItem(
                        label=f"{hit.method} {hit.path}",
                        kind=types.CompletionItemKind.Snippet,
                        detail=f"{hit.api_name}: {hit.what}",
                        documentation=types.MarkupContent(
                            kind=types.MarkupKind.Markdown, value=record.description or hit.what
                        ),
                        sort_text=f"{rank:02d}",
                        filter_text=lines[line_no] if line_no < len(lines) else "",
                        text_edit=types.TextEdit(
                            range=replace,
                            new_text=_indented(snippet.body or snippet.code, comment.indent),
                        ),
                        data=action_data(document, comment, hit.id, target),
                    )
                )
            return items

        items = await ls.in_thread(work)
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    @isolated(default=None)
    async def resolve(ls: ApicallServer, item: types.CompletionItem) -> types.CompletionItem:
        data: dict[str, Any] | None = item.data
        engine = ls.open_engine()
        if not data or engine is None:
            return item
        document = ls.workspace.get_text_document(data["uri"])
        comment = comment_from_data(data)
        request = suggest_request(ls, document, comment, fill=True)
        call = await ls.in_thread(
            lambda control: resolve_call(engine, request, data["record"], data["target"], control)
        )
        body, imports, description = call.body, call.imports, call.description
        ls.report_model_failure(call.notes)
        if item.text_edit is not None and isinstance(item.text_edit, types.TextEdit):
            item.text_edit = types.TextEdit(
                range=item.text_edit.range, new_text=_indented(body, comment.indent)
            )
        language = document.language_id or ""
        item.documentation = types.MarkupContent(
            kind=types.MarkupKind.Markdown,
            value=f"{description}\n\n```{language}\n{body}\n```".strip(),
        )
        lines = [line.rstrip("\r\n") for line in document.lines]
        imported = import_insertion(lines, language, imports)
        if imported is not None:
            at = types.Position(line=imported.line, character=0)
            item.additional_text_edits = [
                types.TextEdit(range=types.Range(start=at, end=at), new_text=imported.text)
            ]
        return item


def _comment_for(
    ls: ApicallServer, document: TextDocument, lines: list[str], line_no: int
) -> CommentBlock | None:
    language = document.language_id or ""
    comment = find_comment_above(lines, line_no, language)
    trigger = ls.config.completion_trigger
    if comment is None and trigger and line_no < len(lines) and trigger in lines[line_no]:
        text = lines[line_no].split(trigger, 1)[1].strip()
        if text:
            indent = lines[line_no][: len(lines[line_no]) - len(lines[line_no].lstrip())]
            return CommentBlock(text, line_no, line_no - 1, indent)
    return comment


def _indented(body: str, indent: str) -> str:
    return "\n".join(indent + line if line.strip() else line for line in body.splitlines())
