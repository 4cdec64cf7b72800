"""Loading and running the model: background load, one lock, a worker thread, cancellation."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import io
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from apicall.index.control import RequestControl, TimeBudgetExceeded

from .adapter_check import check_adapter
from .config import ModelConfig, auto_gpu_layers
from .errors import ModelUnavailable

T = TypeVar("T")


_LOG_CALLBACK: Any = None


def silence_llama_logs() -> None:
    """Route llama.cpp's own log lines to Python logging (debug level) instead of stderr."""
    global _LOG_CALLBACK
    if _LOG_CALLBACK is not None:
        return
    import logging

    import llama_cpp

    logger = logging.getLogger("apicall.llama_cpp")

    @llama_cpp.llama_log_callback
    def forward(level: int, text: bytes, _user_data: ctypes.c_void_p) -> None:
        logger.debug(text.decode("utf-8", "replace").rstrip())

    _LOG_CALLBACK = forward  # kept alive: llama.cpp holds the pointer
    llama_cpp.llama_log_set(forward, ctypes.c_void_p(0))


class ModelState(Enum):
    NOT_LOADED = "not loaded"
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class LoadInfo:
    model_path: str
    size_bytes: int
    load_seconds: float
    n_gpu_layers: int
    gpu_offload_supported: bool


class ModelRuntime:
    """Owns the llama.cpp model. Every use goes through `run` (a thread) under one lock."""

    def __init__(self, config: ModelConfig | None = None):
        self.config = config or ModelConfig()
        self.state = ModelState.NOT_LOADED
        self.error: str | None = None
        self.load_info: LoadInfo | None = None
        self.adapter_path: str | None = None  # the LoRA adapter in use
        self.adapter_error: str | None = None  # why a configured adapter is not in use
        self._llm: Any = None
        self._adapter_on = True  # llama.cpp applies a loaded adapter from the start
        self._lock = threading.Lock()
        self._loaded = threading.Event()
        self._load_future: Future[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="apicall-model")

    # -- lifecycle ------------------------------------------------------------------------
    def start_loading(self) -> Future[None]:
        """Load in the background so that the first request does not pay for it."""
        if self._load_future is None:
            self.state = ModelState.LOADING
            self._load_future = self._executor.submit(self._load)
        return self._load_future

    def wait_ready(self, timeout: float | None = None) -> None:
        self.start_loading()
        if not self._loaded.wait(timeout):
            raise TimeBudgetExceeded("the model is still loading")
        if self.state is not ModelState.READY:
            raise ModelUnavailable(self.error or "the model failed to load")

    def _load(self) -> None:
        started = time.perf_counter()
        try:
            path = self.config.resolved_model_path()
            if not path.is_file():
                raise ModelUnavailable(f"model file not found: {path}")
            with path.open("rb") as handle:
                if handle.read(4) != b"GGUF":
                    raise ModelUnavailable(f"{path} is not a GGUF model file")
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise ModelUnavailable(f"llama-cpp-python is not installed ({exc})") from exc
            lora = self.config.resolved_lora_path()
            if lora is not None and not Path(lora).is_file():
                self.adapter_error = f"LoRA adapter not found: {lora}; running the base model"
                lora = None
            if lora is not None:
                try:
                    check_adapter(Path(lora))
                except ModelUnavailable as exc:
                    self.adapter_error = f"{exc}; running the base model"
                    lora = None
            gpu_layers = (
                self.config.n_gpu_layers
                if self.config.n_gpu_layers is not None
                else auto_gpu_layers()
            )
            silence_llama_logs()
            try:
                # verbose=True: llama-cpp-python's quiet mode swaps the process's stdout/stderr
                # file descriptors, which loses output printed by other threads meanwhile (and
                # would corrupt a language server's stdout); its logs go to our callback instead.
                def load(adapter: Path | None) -> Any:
                    with contextlib.redirect_stderr(io.StringIO()):  # its Python-side banner
                        return Llama(
                            model_path=str(path),
                            n_gpu_layers=gpu_layers,
                            n_threads=self.config.n_threads or os.cpu_count() or 2,
                            n_ctx=self.config.n_ctx,
                            lora_path=str(adapter) if adapter else None,
                            verbose=True,
                        )

                try:
                    self._llm = load(lora)
                except (ValueError, RuntimeError, OSError) as exc:
                    if lora is None:
                        raise
                    # A broken adapter never takes the model down: the base model answers.
                    self.adapter_error = (
                        f"LoRA adapter {lora} unusable ({exc}); running the base model"
                    )
                    lora = None
                    self._llm = load(None)
                self.adapter_path = str(lora) if lora else None
                # Quiet from here on: generation prints nothing and swaps no descriptors.
                self._llm.verbose = False
            except (ValueError, RuntimeError, OSError) as exc:
                raise ModelUnavailable(f"llama.cpp could not load {path}: {exc}") from exc
            self.load_info = LoadInfo(
                model_path=str(path),
                size_bytes=path.stat().st_size,
                load_seconds=time.perf_counter() - started,
                n_gpu_layers=gpu_layers,
                gpu_offload_supported=auto_gpu_layers() != 0,
            )
            self.state = ModelState.READY
        except ModelUnavailable as exc:
            self.state, self.error = ModelState.FAILED, str(exc)
        except Exception as exc:  # a broken build must not take the server down
            self.state, self.error = ModelState.FAILED, f"{type(exc).__name__}: {exc}"
        finally:
            self._loaded.set()

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            if self._llm is not None:
                self._llm.close()
                self._llm = None

    # -- running --------------------------------------------------------------------------
    def run(
        self,
        work: Callable[[Any, RequestControl], T],
        control: RequestControl | None = None,
        adapter: bool = True,
    ) -> T:
        """Run `work(llm, control)` under the model lock, in the calling thread. `adapter`:
        whether the LoRA adapter (if one is loaded) applies to this work; the adapter was
        trained for choosing and filling, so free generation runs the base model."""
        control = control or RequestControl.with_budget(self.config.request_timeout_s)
        remaining = (
            None if control.deadline is None else max(0.0, control.deadline - time.monotonic())
        )
        self.wait_ready(remaining)
        with self._lock:
            control.raise_if_stopped()
            self._apply_adapter(adapter)
            return work(self._llm, control)

    def _apply_adapter(self, on: bool) -> None:
        """Switch the loaded adapter on or off for the next work (under the lock)."""
        import llama_cpp

        adapter = getattr(self._llm, "_lora_adapter", None)
        if adapter is None or on == self._adapter_on:
            return
        if on:
            adapters = (llama_cpp.llama_adapter_lora_p_ctypes * 1)(adapter)
            scales = (ctypes.c_float * 1)(1.0)
            failed = llama_cpp.llama_set_adapters_lora(self._llm.ctx, adapters, 1, scales)
        else:
            failed = llama_cpp.llama_set_adapters_lora(self._llm.ctx, None, 0, None)
        if failed:
            raise ModelUnavailable("llama.cpp could not switch the LoRA adapter")
        # The cached prompt was computed with the other weights: evaluate the next one afresh.
        self._llm.reset()
        self._adapter_on = on

    async def run_async(
        self,
        work: Callable[[Any, RequestControl], T],
        control: RequestControl | None = None,
    ) -> T:
        """`run` in a worker thread; cancelling the awaiting task stops generation."""
        control = control or RequestControl.with_budget(self.config.request_timeout_s)
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(None, self.run, work, control)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            control.cancel()
            raise
