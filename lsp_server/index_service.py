"""The server's writer of the workspace overlay: one thread of its own, changes coalesced per
path, a cancellable `$/progress`; requests never wait on it, and the catalog is never written.

Readers keep the engine they have until a batch is committed; then the engine is rebuilt over
the same (warm) catalog store and the new overlay, so a saved spec is offered at once while the
catalog's caches and indices stay loaded.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future as ThreadFuture
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from apicall.index.builder import IngestReport, SpecFile, ingest, remove_spec
from apicall.index.control import Cancelled
from apicall.index.discovery import discover_workspace_specs
from apicall.index.layered import catalog_of
from apicall.index.location import IndexLocation, RemoteIndex
from apicall.index.open import open_overlay_for_write
from apicall.index.settings import data_dir
from apicall.index.snapshot import replace_snapshot, snapshot_of
from apicall.index.store import IndexStore, StoreUnreachable
from lsprotocol import types

if TYPE_CHECKING:
    from apicall.index.engine import Engine

    from .server import ApicallServer

Change = Literal["index", "remove"]
ProgressTick = Callable[[int, int, int, int], None]
# How long a change waits for others to join its batch: editors report one save several ways.
COALESCE_S = 0.15
IDLE_CHECK_S = 30  # how often a disabled refresh looks whether it was enabled


@dataclass
class Batch:
    changes: dict[str, tuple[Path, Change]] = field(default_factory=dict)
    scan: bool = False  # discover the workspace's specs (and drop the overlay's vanished ones)
    force: bool = False  # re-index unchanged specs too
    waiters: list[asyncio.Future[IngestReport | None]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changes) or self.scan


def overlay_dir_for(index: IndexLocation, folders: Iterable[Path]) -> Path:
    """One overlay per (index, set of workspace folders), in the user's data directory."""
    named = str(index.resolve()) if isinstance(index, Path) else str(index)
    identity = "\n".join([named, *sorted(str(f.resolve()) for f in folders)])
    return data_dir() / "workspaces" / hashlib.sha1(identity.encode()).hexdigest()[:16]


class IndexService:
    def __init__(self, ls: ApicallServer):
        self.ls = ls
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="apicall-index")
        # Copies of a shared index take minutes: never in the way of workspace writes.
        self.replicator = ThreadPoolExecutor(max_workers=1, thread_name_prefix="apicall-replica")
        self.spec_keys: set[str] = set()  # the workspace specs in the overlay
        self._pending = Batch()
        self._draining: asyncio.Task[None] | None = None
        self.batches_run = 0  # how many writes the coalescing left (tests read it)

    @property
    def overlay_dir(self) -> Path:
        return overlay_dir_for(self.ls.index_dir, self.ls.workspace_folders())

    # -- requests of work ----------------------------------------------------------------
    def submit(
        self, paths: Iterable[Path] = (), change: Change = "index", *, scan: bool = False
    ) -> asyncio.Future[IngestReport | None]:
        """Queue changes; the future resolves when a batch holding them is committed. Events
        for a path that arrive before its batch starts (VS Code sends didSave and a watched-file
        change for one save) become one change."""
        for path in paths:
            self._pending.changes[str(path.resolve())] = (path, change)
        self._pending.scan |= scan
        waiter: asyncio.Future[IngestReport | None] = asyncio.get_running_loop().create_future()
        self._pending.waiters.append(waiter)
        if self._draining is None or self._draining.done():
            self._draining = self.ls.spawn(self._drain())
        return waiter

    def rebuild(self) -> asyncio.Future[IngestReport | None]:
        self._pending.force = True
        return self.submit(scan=True)

    async def _drain(self) -> None:
        while self._pending:
            await asyncio.sleep(COALESCE_S)
            batch, self._pending = self._pending, Batch()
            try:
                report = await self._apply(batch)
            except BaseException as exc:
                for waiter in batch.waiters:
                    if not waiter.done():
                        waiter.set_exception(exc)
                if isinstance(exc, asyncio.CancelledError):
                    raise
                continue
            for waiter in batch.waiters:
                if not waiter.done():
                    waiter.set_result(report)
        # Waiters of an empty batch (nothing to do) still get their answer.
        for waiter in self._pending.waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._pending.waiters.clear()

    # -- the work, on the writer thread ---------------------------------------------------
    async def _apply(self, batch: Batch) -> IngestReport | None:
        loop = asyncio.get_running_loop()
        folders = self.ls.workspace_folders()
        overlay_dir = overlay_dir_for(self.ls.index_dir, folders)
        index_dir = self.ls.answering_location()  # its embedder writes the overlay
        async with _Progress(self.ls, "apicall: indexing workspace specs") as progress:

            def work() -> tuple[IngestReport | None, int, frozenset[str], Engine | None]:
                store, embedder = open_overlay_for_write(overlay_dir, index_dir)
                removals = [k for k, (_, c) in batch.changes.items() if c == "remove"]
                paths = [p for p, c in batch.changes.values() if c == "index"]
                if batch.scan:
                    found = discover_workspace_specs(folders)
                    paths += found
                    present = {str(p.resolve()) for p in found}
                    removals += [k for k in store.spec_hashes() if k not in present]
                removed = sum(remove_spec(store, key) is not None for key in removals)
                files = list(
                    {str(p.resolve()): SpecFile(str(p.resolve()), p) for p in paths}.values()
                )
                if batch.force:
                    for spec in files:
                        remove_spec(store, spec.key)
                report = ingest(store, embedder, files, progress=progress.tick(loop), workers=1)
                keys = frozenset(store.spec_hashes())
                engine = self.ls.overlay_engine(overlay_dir, keys)
                return (report if files else None), removed, keys, engine

            future: ThreadFuture[tuple[IngestReport | None, int, frozenset[str], Engine | None]]
            future = self.writer.submit(work)
            report, removed, keys, engine = await asyncio.wrap_future(future)
        self.batches_run += 1
        # The new specs and the engine that knows them, together: a request sees both or neither.
        self.spec_keys = set(keys)
        self.ls.use_engine(engine)
        told = report or IngestReport()
        changed = told.count("added") + told.count("replaced") + len(told.skipped)
        # A save's events that reach the server in two batches leave the second with nothing to
        # do; a scan is always told (clients wait for the first one).
        if batch.scan or changed or removed:
            self._tell(told, removed)
        return report

    def _tell(self, report: IngestReport, removed: int) -> None:
        ls = self.ls
        if report.skipped:
            ls.show(
                types.MessageType.Warning,
                "apicall: could not index " + "; ".join(o.reason for o in report.skipped),
            )
        for outcome in report.outcomes:
            if outcome.validation_errors:
                ls.log(
                    f"apicall: {outcome.key} indexed with validation errors: "
                    f"{outcome.validation_errors[0]}",
                    types.MessageType.Warning,
                )
        ls.log(
            f"apicall: workspace specs: {report.count('added')} added, "
            f"{report.count('replaced')} replaced, {report.count('unchanged')} unchanged, "
            f"{len(report.skipped)} skipped, {removed} removed"
        )

    # -- newer versions of the index -------------------------------------------------------
    async def watch_index(self) -> None:
        """Every `indexRefreshSeconds`: a newer version of the index (a team's shared index that
        CI rebuilt, or an `index add` here) is opened; an unreachable store is answered from the
        snapshot until it is back."""
        ls = self.ls
        first = True
        while True:
            seconds = ls.config.index_refresh_seconds
            if not first:
                await asyncio.sleep(seconds if seconds > 0 else IDLE_CHECK_S)
            first = False
            if seconds <= 0:
                continue
            if ls.wants_replica():
                outcome = await asyncio.wrap_future(self.replicator.submit(self._refresh_replica))
            else:
                outcome = await ls.in_thread(lambda _c: self._look_at_index(), budget_s=120)
            if outcome == "newer" or outcome == "back":
                if outcome == "back":
                    ls.store_down = None
                    ls.log(f"apicall: {ls.index_dir} answers again")
                ls.reset_index()
                ls.spawn(ls.in_thread(lambda _c: ls.open_engine(), budget_s=120))
            elif outcome is not None:
                ls.fall_back_to_snapshot(outcome)

    def _refresh_replica(self) -> str | None:
        """A shared index is answered from its local replica (the `indexSnapshot` folder):
        copied again, on a thread of its own, when the store has a newer version. "newer" when
        the replica was replaced, the reason when the store is unreachable, else None."""
        ls = self.ls
        assert ls.config.index_snapshot and isinstance(ls.index_dir, RemoteIndex)
        replica = Path(ls.config.index_snapshot).expanduser()
        try:
            store = IndexStore(ls.index_dir, create=False)
            latest = store.versions()
            recorded = snapshot_of(replica)
            if recorded == (store.name, latest):
                if ls.store_down:
                    return "back"
                return None
            replace_snapshot(store, replica)
        except StoreUnreachable as exc:
            return None if ls.store_down else str(exc)
        return "back" if ls.store_down else "newer"

    def _look_at_index(self) -> str | None:
        """ "newer", "back" (the store answers again), the reason it is unreachable, or None."""
        ls = self.ls
        try:
            if ls.store_down:
                IndexStore(ls.index_dir, create=False)
                return "back"
            engine = ls.engine
            store = catalog_of(engine.searcher.store) if engine is not None else None
            if store is None:
                return None
            opened = store.opened_versions()
            latest = store.versions()
        except StoreUnreachable as exc:
            return None if ls.store_down else str(exc)
        return "newer" if any(latest.get(name, v) > v for name, v in opened.items()) else None

    def close(self) -> None:
        if self._draining is not None:
            self._draining.cancel()
        self.writer.shutdown(wait=False, cancel_futures=True)
        self.replicator.shutdown(wait=False, cancel_futures=True)


class _Progress:
    """A server-initiated, cancellable `$/progress`, always ended (also on error or cancel).
    Ticks come from the writer thread and are sent from the event loop."""

    def __init__(self, ls: ApicallServer, title: str):
        self.ls = ls
        self.title = title
        self.token = f"apicall-index-{uuid.uuid4().hex[:8]}"
        self.shown = False

    async def __aenter__(self) -> _Progress:
        window = self.ls.client_capabilities.window
        if window and window.work_done_progress:
            try:
                await self.ls.work_done_progress.create_async(self.token)
                self.shown = True
            except Exception as exc:
                self.ls.log(f"apicall: no progress shown: {exc!r}")
        if self.shown:
            self.ls.work_done_progress.begin(
                self.token,
                types.WorkDoneProgressBegin(title=self.title, percentage=0, cancellable=True),
            )
        return self

    def cancelled(self) -> bool:
        future = self.ls.work_done_progress.tokens.get(self.token)
        return future is not None and future.cancelled()

    def tick(self, loop: asyncio.AbstractEventLoop) -> ProgressTick:
        def report(done: int, total: int, operations: int, failures: int) -> None:
            if self.cancelled():
                raise Cancelled("workspace indexing cancelled; the specs done so far are kept")
            if self.shown:
                value = types.WorkDoneProgressReport(
                    message=f"{done}/{total} specs, {operations} operations",
                    percentage=int(100 * done / max(total, 1)),
                )
                loop.call_soon_threadsafe(self.ls.work_done_progress.report, self.token, value)

        return report

    async def __aexit__(self, *exc_info: object) -> None:
        if self.shown:
            self.ls.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message="done"))
        self.ls.work_done_progress.tokens.pop(self.token, None)
