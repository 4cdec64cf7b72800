"""The apicall language server: typed state on a pygls LanguageServer subclass."""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar

from apicall.index.control import Cancelled, RequestControl
from apicall.index.engine import Engine
from apicall.index.errors import ApicallError
from apicall.index.model_port import CallModel
from apicall.index.open import open_for_search
from apicall.index.settings import resolve_index_dir
from apicall.model_runtime.call_model import LlamaCallModel
from apicall.model_runtime.config import ModelConfig
from apicall.model_runtime.runtime import ModelRuntime
from lsprotocol import types
from pygls.lsp.server import LanguageServer

from .config import ServerConfig
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
        self.index_generation = 0  # counts reopenings of the index (after writes, new settings)
        self.runtime: ModelRuntime | None = None
        self.workspace_spec_keys: set[str] = set()
        self.background: set[asyncio.Task[Any]] = set()
        self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="apicall-work")
        self.index_lock = threading.Lock()  # index writes (workspace specs) one at a time
        self.model_failure_reported = False
        self.no_index_reported = False

    # -- state ----------------------------------------------------------------------------
    @property
    def index_dir(self) -> Path:
        return resolve_index_dir(self.config.index_dir)

    def open_engine(self) -> Engine | None:
        """The engine over the configured index, or None while there is no index yet."""
        if self.engine is not None:
            return self.engine
        generation = self.index_generation
        try:
            searcher = open_for_search(self.index_dir)
        except ApicallError as exc:
            if not self.no_index_reported:
                self.no_index_reported = True
                self.show(types.MessageType.Warning, f"apicall: {exc}")
            return None
        engine = Engine(searcher, self.call_model())
        # Opened before a reset (a workspace spec written meanwhile): its tables are an older
        # version, so it serves this call only and the next one opens the index again.
        if generation == self.index_generation:
            self.engine = engine
        return engine

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

    def spec_filter(self) -> frozenset[str] | None:
        """With the catalog off, only the workspace's own specs are offered."""
        return None if self.config.catalog else frozenset(self.workspace_spec_keys)

    # -- messages -------------------------------------------------------------------------
    def show(self, kind: types.MessageType, message: str) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def report_model_failure(self, notes: list[str]) -> None:
        failures = [n for n in notes if n.startswith("arguments not filled by the model")]
        if failures and not self.model_failure_reported:
            self.model_failure_reported = True
            self.show(
                types.MessageType.Warning,
                f"apicall: {failures[0]}; inserting the call with placeholder arguments",
            )

    # -- work off the event loop ----------------------------------------------------------
    async def in_thread(self, work: Callable[[RequestControl], T], budget_s: float = 10.0) -> T:
        """Run blocking work in a thread; a cancelled request stops it between model tokens."""
        control = RequestControl.with_budget(budget_s)
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.executor, work, control)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            control.cancel()
            raise

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
    from .features import actions, completion, hover, inline, lifecycle, workspace

    server = ApicallServer()
    for module in (lifecycle, actions, completion, inline, hover, workspace):
        module.register(server)
    return server
