"""What the features share: reading documents, choosing targets, building edits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from apicall.index.engine import Engine, SuggestRequest
from apicall.index.errors import ApicallError
from apicall.index.languages import language as language_table
from apicall.index.languages import target_of
from apicall.index.records import OperationRecord
from apicall.index.render.render import render
from lsprotocol import types

from ..comments import CommentBlock
from ..edits import import_insertion, snippet_insertion
from .file_apis import urls_called

if TYPE_CHECKING:
    from apicall.index.control import RequestControl
    from pygls.workspace import TextDocument

    from ..server import ApicallServer


def target_for(ls: ApicallServer, document: TextDocument) -> str:
    """The settings' target for the language, else the client the file imports, else the
    language's idiomatic target."""
    language = document.language_id or "plaintext"
    if language in ls.config.targets:
        return ls.config.targets[language]
    return language_table(language).client_target(document.source) or target_of(language)


def suggest_request(
    ls: ApicallServer, document: TextDocument, comment: CommentBlock, fill: bool
) -> SuggestRequest:
    start = max(0, comment.start_line - 20)
    context = "".join(document.lines[start : comment.start_line])
    return SuggestRequest(
        instruction=comment.text,
        target=target_for(ls, document),
        context=context,
        k=ls.config.candidates,
        fill=fill and ls.config.fill_arguments,
        workspace_specs=frozenset(ls.workspace_spec_keys),
        file_urls=urls_called(ls, document),
        only_specs=ls.spec_filter(),
    )


def insertion_edits(
    document: TextDocument, comment: CommentBlock, body: str, imports: list[str]
) -> list[types.TextEdit]:
    """The snippet below the comment, indented to match, and missing imports at the top."""
    lines = [line.rstrip("\n").rstrip("\r") for line in document.lines]
    edits = []
    language = document.language_id or ""
    imported = import_insertion(lines, language, imports)
    if imported is not None:
        at = types.Position(line=imported.line, character=0)
        edits.append(types.TextEdit(range=types.Range(start=at, end=at), new_text=imported.text))
    inserted = snippet_insertion(lines, comment.end_line, comment.indent, body)
    if inserted.line >= len(lines):
        end = types.Position(line=len(lines), character=0)
        text = ("\n" if lines and not document.source.endswith("\n") else "") + inserted.text
        edits.append(types.TextEdit(range=types.Range(start=end, end=end), new_text=text))
    else:
        at = types.Position(line=inserted.line, character=0)
        edits.append(types.TextEdit(range=types.Range(start=at, end=at), new_text=inserted.text))
    return edits


def action_data(
    document: TextDocument, comment: CommentBlock, record_id: str, target: str
) -> dict[str, Any]:
    return {
        "uri": document.uri,
        "version": document.version,
        "comment": {
            "start": comment.start_line,
            "end": comment.end_line,
            "indent": comment.indent,
            "text": comment.text,
        },
        "record": record_id,
        "target": target,
    }


@dataclass(frozen=True)
class ResolvedCall:
    body: str  # the statements (the whole code for targets without an import split)
    imports: list[str]
    description: str
    notes: list[str]


def resolve_call(
    engine: Engine, request: SuggestRequest, record_id: str, target: str, control: RequestControl
) -> ResolvedCall:
    """What a code action or completion item inserts: the operation of `record_id`, with the
    arguments the comment states (model permitting), rendered for `target`. Runs in a thread."""
    row = engine.searcher.store.get_operation(record_id)
    if row is None:
        raise ApicallError("the operation is no longer in the index")
    record = OperationRecord.from_row(row)
    notes: list[str] = []
    arguments: dict[str, Any] = {}
    if request.fill:
        _, arguments = engine.fill(record, request, control, notes)
    snippet = render(record, target, arguments)
    body = snippet.body if snippet.imports else snippet.code
    return ResolvedCall(body, snippet.imports, record.description, notes)


def comment_from_data(data: dict[str, Any]) -> CommentBlock:
    c = data["comment"]
    return CommentBlock(c["text"], int(c["start"]), int(c["end"]), c["indent"])
