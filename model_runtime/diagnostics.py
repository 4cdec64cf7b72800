"""Speed and build facts of the loaded model, shared by `apicall doctor` and bench/model.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apicall.index.control import RequestControl

from .generation import complete
from .runtime import ModelRuntime

FILE_TYPES = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    3: "Q4_1",
    7: "Q8_0",
    8: "Q5_0",
    9: "Q5_1",
    10: "Q2_K",
    11: "Q3_K_S",
    12: "Q3_K_M",
    13: "Q3_K_L",
    14: "Q4_K_S",
    15: "Q4_K_M",
    16: "Q5_K_S",
    17: "Q5_K_M",
    18: "Q6_K",
    30: "BF16",
}
FIXED_PROMPT = (
    "Here is a list of HTTP methods and what they are used for in REST APIs. GET reads a "
    "resource, POST creates one, PUT replaces one, PATCH changes part of one and DELETE removes "
    "one. Write one more sentence about each method, then a short summary:\n"
)


@dataclass(frozen=True)
class BuildInfo:
    llama_cpp_python: str
    gpu_offload: bool
    backend: str
    system_info: str


@dataclass(frozen=True)
class SpeedReport:
    prompt_tokens: int
    completion_tokens: int
    prefill_tokens_per_s: float
    decode_tokens_per_s: float


def build_info() -> BuildInfo:
    import llama_cpp

    system = llama_cpp.llama_print_system_info().decode("utf-8", "replace").strip()
    offload = bool(llama_cpp.llama_supports_gpu_offload())
    backend = next(
        (b for b in ("CUDA", "Metal", "Vulkan", "ROCm", "SYCL") if b.upper() in system.upper()),
        "CPU",
    )
    return BuildInfo(llama_cpp.__version__, offload, backend if offload else "CPU", system)


def quantization(llm: Any) -> str:
    file_type = llm.metadata.get("general.file_type")
    try:
        return FILE_TYPES.get(int(file_type), f"file type {file_type}")
    except (TypeError, ValueError):
        return "unknown"


def measure_speed(runtime: ModelRuntime, decode_tokens: int = 64) -> SpeedReport:
    """Prefill and decode rates on a fixed prompt, with the prompt cache emptied first."""

    def work(llm: Any, control: RequestControl) -> SpeedReport:
        llm.reset()
        done = complete(llm, FIXED_PROMPT, control, max_tokens=decode_tokens)
        return SpeedReport(
            prompt_tokens=done.prompt_tokens,
            completion_tokens=done.completion_tokens,
            prefill_tokens_per_s=done.prompt_tokens / max(done.prefill_seconds, 1e-9),
            decode_tokens_per_s=max(done.completion_tokens - 1, 1) / max(done.decode_seconds, 1e-9),
        )

    return runtime.run(work, RequestControl.with_budget(120))


def model_facts(runtime: ModelRuntime) -> dict[str, Any]:
    return runtime.run(
        lambda llm, _c: {
            "quantization": quantization(llm),
            "parameters_name": llm.metadata.get("general.name", ""),
            "context_length": llm.n_ctx(),
        },
        RequestControl.with_budget(30),
    )
