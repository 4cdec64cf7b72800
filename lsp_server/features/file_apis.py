"""The APIs a file already calls, read when it opens: a comment that names no API ranks them
first (`SuggestRequest.file_urls`), and mapping the file's URLs to their specs takes a keyword
search per host, which the first code-action list would otherwise wait on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apicall.index.urlmatch import urls_in
from lsprotocol import types

from ..server import isolated

if TYPE_CHECKING:
    from ..server import ApicallServer


def register(server: ApicallServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @isolated(default=None)
    async def did_open(ls: ApicallServer, params: types.DidOpenTextDocumentParams) -> None:
        urls = urls_in(params.text_document.text)
        engine = ls.open_engine() if urls else None
        if engine is not None:
            ls.spawn(ls.in_thread(lambda _control: engine.specs_called_by(urls)))
