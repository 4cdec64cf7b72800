"""The APIs a file and its workspace already call: a comment that names no API ranks them first
(`SuggestRequest.file_urls`). The workspace's code is read when the server starts, and each
file's URLs when it opens; mapping URLs to their specs takes a keyword search per host, done then in the
background so that the first code-action list does not wait on it."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from apicall.index.discovery import workspace_urls
from apicall.index.urlmatch import host_of, urls_in
from lsprotocol import types

from ..server import isolated

if TYPE_CHECKING:
    from pygls.workspace import TextDocument

    from ..server import ApicallServer


def urls_called(ls: ApicallServer, document: TextDocument) -> tuple[str, ...]:
    """The file's own URLs, then the workspace's: one URL a host, the file's first (a host's
    URLs all name the same specs, and each URL is one lookup)."""
    by_host: dict[str | None, str] = {}
    for url in urls_in(document.source) + ls.workspace_urls:
        by_host.setdefault(host_of(url), url)
    return tuple(by_host.values())


async def read_workspace_urls(ls: ApicallServer) -> None:
    """The workspace's APIs, read on a thread of their own (a large workspace takes seconds,
    and the request threads stay free), their specs mapped in the same go."""
    folders = ls.workspace_folders()

    def read() -> tuple[str, ...]:
        urls = workspace_urls(folders)
        engine = ls.engine  # the one the server opened, if it has; none is opened here
        if engine is not None:
            engine.specs_called_by(urls)
        return urls

    ls.workspace_urls = await asyncio.to_thread(read)
    if ls.workspace_urls:
        ls.log(f"apicall: the workspace's code calls {len(ls.workspace_urls)} APIs' hosts")


def register(server: ApicallServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @isolated(default=None)
    async def did_open(ls: ApicallServer, params: types.DidOpenTextDocumentParams) -> None:
        urls = urls_in(params.text_document.text)
        engine = ls.open_engine() if urls else None
        if engine is not None:
            ls.spawn(ls.in_thread(lambda _control: engine.specs_called_by(urls)))
