"""Workspace specs: found by name and content, indexed into the workspace overlay by the index
service (lsp_server/index_service.py) on start, on save and on watched-file changes, and ranked
above catalog APIs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from apicall.index.builder import IngestReport
from apicall.index.discovery import looks_like_spec
from lsprotocol import types
from pygls.uris import to_fs_path

# A runtime import: pygls resolves the annotations of command handlers when a command comes
# with arguments, and a name imported only for type checking fails there.
from ..server import (
    ApicallServer,
    isolated,
)
from .file_apis import read_workspace_urls

WATCH_GLOB = "**/*.{json,yaml,yml}"


async def watch_spec_files(ls: ApicallServer) -> None:
    caps = ls.client_capabilities.workspace
    watch = caps.did_change_watched_files if caps else None
    if not (watch and watch.dynamic_registration):
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=WATCH_GLOB)]
    )
    try:
        await ls.client_register_capability_async(
            types.RegistrationParams(
                registrations=[
                    types.Registration(
                        id="apicall-spec-watcher",
                        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=options,
                    )
                ]
            )
        )
    except Exception as exc:
        ls.log(f"apicall: could not watch spec files: {exc!r}")


def register(server: ApicallServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @isolated(default=None)
    async def did_save(ls: ApicallServer, params: types.DidSaveTextDocumentParams) -> None:
        path = Path(to_fs_path(params.text_document.uri) or "")
        if str(path.resolve()) in ls.index_service.spec_keys or looks_like_spec(path):
            ls.index_service.submit([path])

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @isolated(default=None)
    async def did_change_watched_files(
        ls: ApicallServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        for event in params.changes:
            path = Path(to_fs_path(event.uri) or "")
            if event.type == types.FileChangeType.Deleted:
                if str(path.resolve()) in ls.index_service.spec_keys:
                    ls.index_service.submit([path], "remove")
            elif looks_like_spec(path):
                ls.index_service.submit([path])

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    @isolated(default=None)
    async def did_change_workspace_folders(
        ls: ApicallServer, params: types.DidChangeWorkspaceFoldersParams
    ) -> None:
        # pygls has changed ls.workspace's folders before this runs.
        ls.spawn(read_workspace_urls(ls))
        if ls.config.workspace_specs:
            ls.reopen_index()

    @server.command("apicall.server.indexWorkspace")
    async def index_workspace_command(ls: ApicallServer, *args: Any) -> dict[str, int]:
        return _summary(await ls.index_service.submit(scan=True))

    @server.command("apicall.server.reindex")
    async def reindex_command(ls: ApicallServer, *args: Any) -> dict[str, int]:
        return _summary(await ls.index_service.rebuild())


def _summary(result: IngestReport | None) -> dict[str, int]:
    if result is None:
        return {"specs": 0, "operations": 0, "skipped": 0}
    return {
        "specs": len(result.outcomes),
        "operations": result.operations,
        "skipped": len(result.skipped),
    }
