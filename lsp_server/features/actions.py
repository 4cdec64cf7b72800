"""Code actions: "Insert API call: METHOD /path (API)" for the comment under the cursor.

Listing only retrieves (cheap); the edit (argument filling, rendering, imports) is computed in
codeAction/resolve, or right away for clients that cannot resolve code actions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apicall.index.errors import ApicallError
from lsprotocol import types

from ..comments import find_comment
from ..server import isolated
from .common import (
    action_data,
    comment_from_data,
    insertion_edits,
    resolve_call,
    suggest_request,
)

if TYPE_CHECKING:
    from ..server import ApicallServer

ACTION_KIND = types.CodeActionKind.RefactorRewrite


def register(server: ApicallServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[ACTION_KIND], resolve_provider=True),
    )
    @isolated(default=[])
    async def code_actions(
        ls: ApicallServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        document = ls.workspace.get_text_document(params.text_document.uri)
        lines = [line.rstrip("\r\n") for line in document.lines]
        comment = find_comment(lines, params.range.start.line, document.language_id or "")
        if comment is None:
            return []
        engine = ls.open_engine()
        if engine is None:
            return []
        request = suggest_request(ls, document, comment, fill=False)
        target = request.resolved_target()
        ranked = await ls.in_thread(lambda _c: engine.offer(request))
        resolvable = _client_resolves_edits(ls)
        actions = []
        for hit, _score in ranked[: ls.config.candidates]:
            action = types.CodeAction(
                title=f"Insert API call: {hit.method} {hit.path} ({hit.api_name})",
                kind=ACTION_KIND,
                data=action_data(document, comment, hit.id, target),
            )
            if not resolvable:
                action.edit = await _edit(ls, action_data(document, comment, hit.id, target))
                action.data = None
            actions.append(action)
        return actions

    @server.feature(types.CODE_ACTION_RESOLVE)
    @isolated(default=None)
    async def resolve(ls: ApicallServer, action: types.CodeAction) -> types.CodeAction:
        if action.data:
            action.edit = await _edit(ls, action.data)
        return action


def _client_resolves_edits(ls: ApicallServer) -> bool:
    caps = ls.client_capabilities.text_document
    support = caps.code_action.resolve_support if caps and caps.code_action else None
    return bool(support and "edit" in support.properties)


async def _edit(ls: ApicallServer, data: dict[str, Any]) -> types.WorkspaceEdit:
    document = ls.workspace.get_text_document(data["uri"])
    comment = comment_from_data(data)
    engine = ls.open_engine()
    if engine is None:
        raise ApicallError("no index")
    request = suggest_request(ls, document, comment, fill=True)
    call = await ls.in_thread(
        lambda control: resolve_call(engine, request, data["record"], data["target"], control)
    )
    ls.report_model_failure(call.notes)
    edits = insertion_edits(document, comment, call.body, call.imports)
    return types.WorkspaceEdit(changes={document.uri: edits})
