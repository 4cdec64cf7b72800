"""Rendering an operation for a target: the one entry point the CLI, server and evaluation use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import ApicallError
from ..records import OperationRecord
from .idiomatic.model import idiomatic_request
from .idiomatic.registry import IDIOMATIC_TARGETS
from .prepare import prepare
from .registry import SNIPPET_TARGETS
from .request import build_requests


class UnknownTarget(ApicallError):
    pass


@dataclass
class RenderedSnippet:
    target: str
    code: str
    url: str
    method: str
    mime_type: str | None
    imports: list[str] = field(default_factory=list)
    body: str = ""  # the code without its imports (idiomatic targets); else the code
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TargetInfo:
    name: str
    language: str
    library: str
    kind: str  # "openapi-snippet" (the paper's format) or "idiomatic"


def list_targets() -> list[TargetInfo]:
    targets = [
        TargetInfo(t.name, t.language, t.library, "idiomatic") for t in IDIOMATIC_TARGETS.values()
    ]
    targets += [
        TargetInfo(t.name, t.language, t.library, "openapi-snippet")
        for t in SNIPPET_TARGETS.values()
    ]
    return targets


def render_all(
    record: OperationRecord, target: str, arguments: dict[str, Any] | None = None
) -> list[RenderedSnippet]:
    """One snippet per request body type (most operations have one)."""
    if target in SNIPPET_TARGETS:
        renderer = SNIPPET_TARGETS[target].render
        snippets = []
        for har in build_requests(record, arguments):
            code = renderer(prepare(har))
            mime = har.post_data.mime_type if har.post_data else None
            snippets.append(
                RenderedSnippet(target, code, har.url, har.method, mime, [], code, har.notes)
            )
        return snippets
    if target in IDIOMATIC_TARGETS:
        idiomatic = IDIOMATIC_TARGETS[target].render
        snippets = []
        for har in build_requests(record, arguments, resolve_server_variables=True):
            request = idiomatic_request(record, har)
            snippet = idiomatic(request)
            snippets.append(
                RenderedSnippet(
                    target,
                    snippet.text,
                    request.url_with_query,
                    request.method,
                    request.body_mime,
                    snippet.imports,
                    snippet.body,
                    har.notes,
                )
            )
        return snippets
    raise UnknownTarget(f"unknown target {target!r}: see `apicall targets`")


def render(
    record: OperationRecord, target: str, arguments: dict[str, Any] | None = None
) -> RenderedSnippet:
    return render_all(record, target, arguments)[0]
