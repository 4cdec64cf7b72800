"""The apicall language server: typed state on a pygls LanguageServer subclass."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar

from apicall.index.control import Cancelled, RequestControl
from apicall.index.embed import stale_retriever_message
from apicall.index.engine import Engine
from apicall.index.errors import ApicallError
from apicall.index.layered import LayeredIndex, catalog_of
from apicall.index.location import IndexLocation, RemoteIndex
from apicall.index.model_port import CallModel
from apicall.index.open import open_for_search
from apicall.index.search import Searcher
from apicall.index.settings import resolve_index_dir
from apicall.index.snapshot import snapshot_of
from apicall.index.store import IndexStore, StoreUnreachable
from apicall.model_runtime.call_model import LlamaCallModel
from apicall.model_runtime.config import ModelConfig
from apicall.model_runtime.runtime import ModelRuntime
from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .config import ServerConfig
from .index_service import IndexService
from .protocol import ApicallProtocol

T = TypeVar("T")
log = logging.getLogger("apicall")


class ApicallServer(LanguageServer):
    """Holds the index, the engine and the model; features live in lsp_server.features."""

    def __init__(self) -> None:
        super().__init__("apicall", version("apicall"), protocol_cls=ApicallProtocol)
        # What the command line set (`serve --index`): the base that client settings override.
        self.defaults = ServerConfig()
        self.config = ServerConfig()
        self.engine: Engine | None = None
        self.index_generation = 0  # counts reopenings of the index (new settings, new overlay)
        self.runtime: ModelRuntime | None = None
        self.background: set[asyncio.Task[Any]] = set()
        # Requests run here; the index service writes on a thread of its own.
        self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="apicall-request")
        self.index_service = IndexService(self)
        # The newest inline completion per document: a newer one stops the older.
        self.inline_requests: dict[str, RequestControl] = {}
        # One URL of each API the workspace's code calls most (features/file_apis.py).
        self.workspace_urls: tuple[str, ...] = ()
        self.model_failure_reported = False
        self.adapter_reported = False
        self.no_index_reported = False
        self.stale_index_reported = False
        # Why the index is being answered from the local snapshot (None: it is not).
        self.store_down: str | None = None

    # -- state ----------------------------------------------------------------------------
    @property
    def index_dir(self) -> IndexLocation:
        return resolve_index_dir(self.config.index_dir)

    def open_engine(self) -> Engine | None:
        """The engine over the configured index, or None while there is no index yet."""
        if self.engine is not None:
            return self.engine
        generation = self.index_generation
        overlay = self.index_service.overlay_dir if self.config.workspace_specs else None
        try:
            try:
                searcher = open_for_search(self.answering_location(), overlay)
            except StoreUnreachable as exc:
                if self.snapshot_dir is None:
                    raise
                self.fall_back_to_snapshot(str(exc))
                searcher = open_for_search(self.snapshot_dir, overlay)
        except ApicallError as exc:
            if not self.no_index_reported:
                self.no_index_reported = True
                self.show(types.MessageType.Warning, f"apicall: {exc}")
            return None
        if isinstance(searcher.store, LayeredIndex) and not self.index_service.spec_keys:
            # The overlay of an earlier session: its specs count as the workspace's at once.
            self.index_service.spec_keys = searcher.store.overlay_spec_keys()
        engine = Engine(searcher, self.call_model())
        stale = stale_retriever_message(searcher.embedder.name)
        if stale and not self.stale_index_reported:
            self.stale_index_reported = True
            self.show(types.MessageType.Warning, f"apicall: {stale}")
        # Opened before a reset (a workspace spec written meanwhile): its tables are an older
        # version, so it serves this call only and the next one opens the index again.
        if generation == self.index_generation:
            self.engine = engine
        return engine

    @property
    def snapshot_dir(self) -> Path | None:
        snapshot = self.config.index_snapshot
        return (
            Path(snapshot).expanduser()
            if snapshot and Path(snapshot).expanduser().is_dir()
            else None
        )

    def answering_location(self) -> IndexLocation:
        """Where answers come from: the index, its replica, or the snapshot while it is down."""
        if self.store_down and self.snapshot_dir is not None:
            return self.snapshot_dir
        return self.replica_dir() or self.index_dir

    def wants_replica(self) -> bool:
        return bool(self.config.index_snapshot) and isinstance(self.index_dir, RemoteIndex)

    def replica_dir(self) -> Path | None:
        """For a shared index with `indexSnapshot` set: the snapshot, kept current by the index
        service, answers (a query on object storage fetches each column of 100 candidates and
        takes hundreds of ms; the replica answers like a local index). None: no replica, or
        none made of this index yet."""
        snapshot = self.snapshot_dir
        if snapshot is None or not isinstance(self.index_dir, RemoteIndex):
            return None
        recorded = snapshot_of(snapshot)
        return snapshot if recorded is not None and recorded[0] == str(self.index_dir) else None

    def fall_back_to_snapshot(self, reason: str) -> bool:
        """The shared index did not answer: the local snapshot does, until it is back (said
        once). False when there is no snapshot to fall back to."""
        if self.snapshot_dir is None:
            return False
        if self.store_down is None:
            self.store_down = reason
            self.show(
                types.MessageType.Warning,
                f"apicall: {reason}; answering from the snapshot {self.snapshot_dir} "
                "and the workspace's specs until it is back",
            )
        self.reset_index()
        return True

    def overlay_engine(self, overlay_dir: Path, spec_keys: frozenset[str]) -> Engine | None:
        """After a write of the workspace overlay: an engine over the same (warm) catalog and
        the new overlay, with the editor's latest comments ranked already (on the caller's
        thread: the writer's). None while no engine is open."""
        engine = self.engine
        if engine is None:
            return None
        base = catalog_of(engine.searcher.store)
        overlay = IndexStore(overlay_dir, create=False)
        searcher = Searcher(LayeredIndex(base, overlay), engine.searcher.embedder)
        return engine.successor(searcher, spec_keys, self.spec_filter(spec_keys))

    def use_engine(self, engine: Engine | None) -> None:
        """Answer from `engine` (made by overlay_engine) unless the catalog was reopened since:
        the reopened engine reads the new overlay already."""
        self.index_generation += 1
        current = self.engine
        if engine is None or current is None:
            return
        if catalog_of(current.searcher.store) is catalog_of(engine.searcher.store):
            self.engine = engine

    def workspace_folders(self) -> list[Path]:
        folders = [Path(to_fs_path(f.uri) or "") for f in self.workspace.folders.values()]
        if not folders and self.workspace.root_path:
            folders = [Path(self.workspace.root_path)]
        return [f for f in folders if f.is_dir()]

    @property
    def workspace_spec_keys(self) -> set[str]:
        return self.index_service.spec_keys

    def start_model(self) -> None:
        if self.runtime is not None:
            self.runtime.close()
        self.runtime = None
        if self.config.fill_arguments:
            model_path = Path(self.config.model_path) if self.config.model_path else None
            self.runtime = ModelRuntime(
                ModelConfig(model_path=model_path, n_gpu_layers=self.config.n_gpu_layers)
            )
            self.runtime.start_loading()
        if self.engine is not None:
            self.engine.model = self.call_model()

    def call_model(self) -> CallModel | None:
        return LlamaCallModel(self.runtime) if self.runtime is not None else None

    def reset_index(self) -> None:
        self.index_generation += 1
        self.engine = None
        self.no_index_reported = False

    def reopen_index(self) -> None:
        """After the index or the workspace's folders changed: the overlay belongs to one index
        and one set of folders (overlay_dir_for), so the workspace is indexed again for the new
        ones, and the engine opened again in the background."""
        self.reset_index()
        if self.config.workspace_specs:
            self.index_service.submit(scan=True)
        self.spawn(self.in_thread(lambda _c: self.open_engine(), budget_s=120))

    def spec_filter(self, spec_keys: Iterable[str] | None = None) -> frozenset[str] | None:
        """With the catalog off, only the workspace's own specs (`spec_keys`, else the current
        ones) are offered."""
        if self.config.catalog:
            return None
        return frozenset(self.workspace_spec_keys if spec_keys is None else spec_keys)

    # -- messages -------------------------------------------------------------------------
    def show(self, kind: types.MessageType, message: str) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def report_model_failure(self, notes: list[str]) -> None:
        runtime = self.runtime
        if runtime is not None and runtime.adapter_error and not self.adapter_reported:
            self.adapter_reported = True
            self.show(types.MessageType.Warning, f"apicall: {runtime.adapter_error}")
        failures = [n for n in notes if n.startswith("arguments not filled by the model")]
        if failures and not self.model_failure_reported:
            self.model_failure_reported = True
            self.show(
                types.MessageType.Warning,
                f"apicall: {failures[0]}; inserting the call with placeholder arguments",
            )

    # -- work off the event loop ----------------------------------------------------------
    async def in_thread(
        self,
        work: Callable[[RequestControl], T],
        budget_s: float = 10.0,
        control: RequestControl | None = None,
    ) -> T:
        """Run blocking work in a thread; a cancelled request stops it between model tokens."""
        control = control or RequestControl.with_budget(budget_s)
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.executor, work, control)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            control.cancel()
            raise

    def close(self) -> None:
        """On shutdown: background work cancelled, the writer and the model stopped."""
        for task in list(self.background):
            task.cancel()
        self.index_service.close()
        if self.runtime is not None:
            self.runtime.close()
            self.runtime = None

    def spawn(self, coroutine: Awaitable[Any]) -> asyncio.Task[Any]:
        """A tracked background task (kept alive, errors logged)."""
        task: asyncio.Task[Any] = asyncio.ensure_future(coroutine)
        self.background.add(task)

        def done(finished: asyncio.Task[Any]) -> None:
            self.background.discard(finished)
            if not finished.cancelled() and finished.exception() is not None:
                self.log(
                    f"apicall background task failed: {finished.exception()!r}",
                    types.MessageType.Error,
                )

        task.add_done_callback(done)
        return task


def isolated(
    default: Any = None,
) -> Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[Any]]]:
    """A failing feature logs its error and answers `default`; it never takes the server down."""

    def decorate(handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        @functools.wraps(handler)
        async def wrapper(ls: ApicallServer, params: Any) -> Any:
            try:
                return await handler(ls, params)
            except (asyncio.CancelledError, Cancelled):
                raise
            except StoreUnreachable as exc:
                if not ls.fall_back_to_snapshot(str(exc)):
                    ls.log(f"apicall {handler.__name__}: {exc}", types.MessageType.Warning)
                    return default
                return await handler(ls, params)  # once more, on the snapshot
            except ApicallError as exc:
                ls.log(f"apicall {handler.__name__}: {exc}", types.MessageType.Warning)
                return default
            except Exception as exc:
                log.exception("feature %s failed", handler.__name__)
                ls.log(f"apicall {handler.__name__} failed: {exc!r}", types.MessageType.Error)
                return default

        return wrapper

    return decorate


def create_server() -> ApicallServer:
    from .features import actions, completion, file_apis, hover, inline, lifecycle, workspace

    server = ApicallServer()
    for module in (lifecycle, actions, completion, inline, hover, workspace, file_apis):
        module.register(server)
    return server
