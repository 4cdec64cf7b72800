"""Workspace specs: found by name and content, indexed in the background with $/progress,
re-indexed on save and on watched-file changes, and ranked above catalog APIs."""

from __future__ import annotations

import asyncio
import functools
import re
import uuid
from pathlib import Path
from typing import Any

from apicall.index.builder import IngestReport, SpecFile, ingest, remove_spec
from apicall.index.open import open_for_write
from lsprotocol import types
from pygls.uris import to_fs_path

# A runtime import: pygls resolves the annotations of command handlers when a command comes
# with arguments, and a name imported only for type checking fails there.
from ..server import (
    ApicallServer,
    isolated,
)

SPEC_NAME = re.compile(r"(openapi|swagger|api)", re.I)
SPEC_CONTENT = re.compile(rb"""^\s*["']?(openapi|swagger)["']?\s*:""", re.M)
SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", "dist", "build", ".tox"}
MAX_FILES_SCANNED = 20_000
WATCH_GLOB = "**/*.{json,yaml,yml}"


def looks_like_spec(path: Path) -> bool:
    """By name, or by an `openapi:` / `swagger:` key near the top of the file."""
    if path.suffix.lower() not in (".json", ".yaml", ".yml"):
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    if SPEC_CONTENT.search(head):
        return True
    return bool(SPEC_NAME.search(path.name)) and (b'"openapi"' in head or b'"swagger"' in head)


def discover(folders: list[Path]) -> list[Path]:
    found: list[Path] = []
    scanned = 0
    for folder in folders:
        stack = [folder]
        while stack and scanned < MAX_FILES_SCANNED:
            current = stack.pop()
            try:
                entries = sorted(current.iterdir())
            except OSError:
                continue
            for entry in entries:
                if entry.is_dir():
                    if entry.name not in SKIP_DIRS and not entry.name.startswith("."):
                        stack.append(entry)
                elif entry.is_file():
                    scanned += 1
                    if looks_like_spec(entry):
                        found.append(entry)
    return found


def workspace_folders(ls: ApicallServer) -> list[Path]:
    folders = [Path(to_fs_path(f.uri) or "") for f in ls.workspace.folders.values()]
    if not folders and ls.workspace.root_path:
        folders = [Path(ls.workspace.root_path)]
    return [f for f in folders if f.is_dir()]


async def index_workspace(
    ls: ApicallServer, paths: list[Path] | None = None, force: bool = False
) -> IngestReport | None:
    """Index workspace specs with $/progress; broken specs are reported, the rest indexed."""
    token = f"apicall-index-{uuid.uuid4().hex[:8]}"
    loop = asyncio.get_running_loop()
    progress = ls.work_done_progress
    supports = bool(
        ls.client_capabilities.window and ls.client_capabilities.window.work_done_progress
    )
    if supports:
        try:
            await progress.create_async(token)
        except Exception:
            supports = False
    if supports:
        progress.begin(
            token,
            types.WorkDoneProgressBegin(title="apicall: indexing workspace specs", percentage=0),
        )
    try:
        candidates = (
            paths
            if paths is not None
            else await ls.in_thread(lambda _c: discover(workspace_folders(ls)), budget_s=600)
        )
        if not candidates:
            return None

        def report(done: int, total: int, operations: int, failures: int) -> None:
            if supports:
                loop.call_soon_threadsafe(
                    progress.report,
                    token,
                    types.WorkDoneProgressReport(
                        message=f"{done}/{total} specs, {operations} operations",
                        percentage=int(100 * done / max(total, 1)),
                    ),
                )

        def work(_control: Any) -> IngestReport:
            with ls.index_lock:
                store, embedder = open_for_write(ls.index_dir)
                files = [SpecFile(str(p.resolve()), p) for p in candidates]
                if force:
                    for spec in files:
                        remove_spec(store, spec.key)
                return ingest(store, embedder, files, progress=report, workers=1)

        result = await ls.in_thread(work, budget_s=3600)
        for outcome in result.outcomes:
            if outcome.status in ("added", "replaced", "unchanged"):
                ls.workspace_spec_keys.add(outcome.key)
        if any(o.status in ("added", "replaced") for o in result.outcomes):
            ls.reset_index()  # reopen, so that new tables and indices are seen
        if result.skipped:
            ls.show(
                types.MessageType.Warning,
                "apicall: could not index " + "; ".join(o.reason for o in result.skipped),
            )
        invalid = [o for o in result.outcomes if o.validation_errors]
        for outcome in invalid:
            ls.log(
                f"apicall: {outcome.key} indexed with validation errors: {outcome.validation_errors[0]}",
                types.MessageType.Warning,
            )
        ls.log(
            f"apicall: workspace specs: {result.count('added')} added, "
            f"{result.count('replaced')} replaced, {result.count('unchanged')} unchanged, "
            f"{len(result.skipped)} skipped"
        )
        return result
    finally:
        if supports:
            progress.end(token, types.WorkDoneProgressEnd(message="done"))


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
        if str(path.resolve()) in ls.workspace_spec_keys or looks_like_spec(path):
            ls.spawn(index_workspace(ls, [path]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @isolated(default=None)
    async def did_change_watched_files(
        ls: ApicallServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        changed: list[Path] = []
        for event in params.changes:
            path = Path(to_fs_path(event.uri) or "")
            key = str(path.resolve())
            if event.type == types.FileChangeType.Deleted:
                if key in ls.workspace_spec_keys:
                    await ls.in_thread(functools.partial(_remove_key, ls, key))
                    ls.workspace_spec_keys.discard(key)
                    ls.reset_index()
            elif looks_like_spec(path):
                changed.append(path)
        if changed:
            ls.spawn(index_workspace(ls, changed))

    @server.command("apicall.server.indexWorkspace")
    async def index_workspace_command(ls: ApicallServer, *args: Any) -> dict[str, int]:
        result = await index_workspace(ls)
        return _summary(result)

    @server.command("apicall.server.reindex")
    async def reindex_command(ls: ApicallServer, *args: Any) -> dict[str, int]:
        result = await index_workspace(ls, force=True)
        return _summary(result)


def _remove_key(ls: ApicallServer, key: str, _control: Any) -> None:
    with ls.index_lock:
        store, _ = open_for_write(ls.index_dir)
        remove_spec(store, key)


def _summary(result: IngestReport | None) -> dict[str, int]:
    if result is None:
        return {"specs": 0, "operations": 0, "skipped": 0}
    return {
        "specs": len(result.outcomes),
        "operations": result.operations,
        "skipped": len(result.skipped),
    }
