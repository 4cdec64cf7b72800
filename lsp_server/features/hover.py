"""Hover on a URL string literal that matches an indexed operation."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from lsprotocol import types

from index.records import OperationRecord
from index.search import keyword_query
from index.store import SUMMARY_COLUMNS, IndexStore
from lsp_server.server import isolated
from model_runtime.runtime import RequestControl

if TYPE_CHECKING:
    from lsp_server.server import ApicallServer

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
            return match_url(engine.searcher.store, url)

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


def path_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(regex + r"/?$")


def match_url(store: IndexStore, url: str) -> OperationRecord | None:
    """The indexed operation whose path template matches the URL's path (host when known)."""
    parsed = urlparse(url)
    path = parsed.path or url
    words = keyword_query(" ".join(p for p in path.split("/") if p and not p.isdigit()))
    if not words:
        return None
    hits = store.search_keyword(words, 50, SUMMARY_COLUMNS)
    best: tuple[int, dict] | None = None
    for hit in hits:
        pattern = path_pattern(hit.row["path"])
        if not pattern.search(path):
            continue
        specificity = len(hit.row["path"].replace("{", "").replace("}", ""))
        row = store.get_operation(hit.row["id"])
        if row is None:
            continue
        if parsed.hostname and parsed.hostname not in row["servers"]:
            specificity -= 1000
        if best is None or specificity > best[0]:
            best = (specificity, row)
    return OperationRecord.from_row(best[1]) if best else None


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
