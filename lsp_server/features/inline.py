"""Inline completion (LSP 3.18): the best candidate's code as ghost text after a comment.

Debounced, and dropped when the document changes while it is being computed, so typing never
waits on retrieval or the model.
"""

from __future__ import annotations

import asyncio

from apicall.index.control import Cancelled, RequestControl
from lsprotocol import types

from ..comments import find_comment_above
from ..edits import import_insertion

# A runtime import: pygls resolves the annotations of command handlers when a command comes
# with arguments, and a name imported only for type checking fails there.
from ..server import (
    ApicallServer,
    isolated,
)
from .common import suggest_request


def register(server: ApicallServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    @isolated(default=None)
    async def inline_completion(
        ls: ApicallServer, params: types.InlineCompletionParams
    ) -> types.InlineCompletionList | None:
        if not ls.config.inline_completion:
            return None
        uri = params.text_document.uri
        document = ls.workspace.get_text_document(uri)
        version = document.version
        await asyncio.sleep(ls.config.inline_debounce_ms / 1000)
        if _changed(ls, uri, version):
            return None
        lines = [line.rstrip("\r\n") for line in document.lines]
        line_no = params.position.line
        comment = find_comment_above(lines, line_no, document.language_id or "")
        if comment is None:
            return None
        engine = ls.open_engine()
        if engine is None:
            return None
        request = suggest_request(ls, document, comment, fill=True)
        control = RequestControl.with_budget(10.0)
        older = ls.inline_requests.get(uri)
        if older is not None:
            older.cancel()  # the developer typed on: the older answer would be stale
        ls.inline_requests[uri] = control
        try:
            suggestion = await ls.in_thread(lambda c: engine.suggest(request, c), control=control)
        except Cancelled:
            return None  # a newer request for this document took over
        finally:
            if ls.inline_requests.get(uri) is control:
                del ls.inline_requests[uri]
        ls.report_model_failure(suggestion.notes)
        if suggestion.code is None or _changed(ls, uri, version):
            return None
        body = suggestion.body if suggestion.imports else suggestion.code
        indent = comment.indent
        text = "\n".join(indent + line if line.strip() else line for line in body.splitlines())
        current = lines[line_no] if line_no < len(lines) else ""
        item = types.InlineCompletionItem(
            insert_text=text,
            range=types.Range(
                start=types.Position(line=line_no, character=0),
                end=types.Position(line=line_no, character=len(current)),
            ),
            command=types.Command(
                title="Add imports",
                command="apicall.server.addImports",
                arguments=[uri, suggestion.imports],
            )
            if suggestion.imports
            else None,
        )
        return types.InlineCompletionList(items=[item])

    @server.command("apicall.server.addImports")
    async def add_imports(ls: ApicallServer, *args: object) -> None:
        uri, imports = args[0], args[1]
        if not isinstance(uri, str) or not isinstance(imports, list):
            return
        document = ls.workspace.get_text_document(uri)
        lines = [line.rstrip("\r\n") for line in document.lines]
        inserted = import_insertion(lines, document.language_id or "", [str(i) for i in imports])
        if inserted is None:
            return
        at = types.Position(line=inserted.line, character=0)
        edit = types.TextEdit(range=types.Range(start=at, end=at), new_text=inserted.text)
        await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=types.WorkspaceEdit(changes={uri: [edit]}))
        )


def _changed(ls: ApicallServer, uri: str, version: int | None) -> bool:
    return ls.workspace.get_text_document(uri).version != version
