"""`apicall doctor`: is everything apicall needs here and working, and how fast is the model."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from apicall.index.cross_encoder import shipped_cross_encoder
from apicall.index.errors import ApicallError
from apicall.index.open import open_for_search
from apicall.index.ranking import shipped_reranker
from apicall.index.settings import resolve_index_dir
from apicall.index.value_picker import shipped_picker
from apicall.model_runtime.config import ModelConfig
from apicall.model_runtime.diagnostics import build_info, measure_speed, model_facts
from apicall.model_runtime.runtime import ModelRuntime


def cmd_doctor(args: argparse.Namespace) -> int:
    report: dict[str, Any] = {}
    problems = 0
    try:
        info = build_info()
        report["llama.cpp"] = {
            "llama-cpp-python": info.llama_cpp_python,
            "gpu_offload": info.gpu_offload,
            "backend": info.backend,
            "system_info": info.system_info,
        }
    except ImportError as exc:
        report["llama.cpp"] = {"error": f"llama-cpp-python is not installed: {exc}"}
        problems += 1

    config = ModelConfig(model_path=args.model, n_gpu_layers=args.n_gpu_layers)
    runtime = ModelRuntime(config)
    try:
        runtime.wait_ready(timeout=120)
        assert runtime.load_info is not None
        speed = measure_speed(runtime)
        report["model"] = {
            "path": runtime.load_info.model_path,
            "size_mb": round(runtime.load_info.size_bytes / 1e6, 1),
            **model_facts(runtime),
            "adapter": runtime.adapter_path or "none (base model)",
            **({"adapter_error": runtime.adapter_error} if runtime.adapter_error else {}),
            "n_gpu_layers": runtime.load_info.n_gpu_layers,
            "load_seconds": round(runtime.load_info.load_seconds, 3),
            "prefill_tokens_per_s": round(speed.prefill_tokens_per_s, 1),
            "decode_tokens_per_s": round(speed.decode_tokens_per_s, 1),
        }
    except ApicallError as exc:
        report["model"] = {"error": str(exc)}
        problems += 1
    finally:
        runtime.close()

    index_dir = resolve_index_dir(args.index)
    try:
        searcher = open_for_search(index_dir)
        started = time.perf_counter()
        hits = searcher.search("list items", k=3)
        report["embedder"] = {
            "name": searcher.embedder.name,
            "dimension": searcher.embedder.dimension,
        }
        report["index"] = {
            "path": str(index_dir),
            "operations": searcher.store.count_operations(),
            "search_ms": round((time.perf_counter() - started) * 1000, 1),
            "search_works": bool(hits),
        }
    except ApicallError as exc:
        report["index"] = {"path": str(index_dir), "error": str(exc)}
        problems += 1

    report["ranking"] = _ranking_facts()
    report["filling"] = _filling_facts()

    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for section, values in report.items():
            print(section)
            for key, value in values.items():
                print(f"  {key}: {value}")
    return 1 if problems else 0


def _ranking_facts() -> dict[str, Any]:
    """Which learned parts rank: the reranker, and the cross-encoder over its first candidates."""
    reranker = shipped_reranker()
    cross = shipped_cross_encoder()
    return {
        "reranker": "learned (index/artifacts)" if reranker else "hand-set (none trained)",
        "cross_encoder": f"{cross.layers} layers over the first {cross.blend.depth} candidates, "
        f"weight {cross.blend.weight}"
        if cross
        else "none (the reranker's order stands)",
    }


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    doctor = sub.add_parser("doctor", parents=[common], help="check the model, embedder and index")
    doctor.add_argument("--model", help="a GGUF file (default: the bundled SmolLM2-135M)")
    doctor.add_argument("--n-gpu-layers", type=int, help="layers to offload (default: automatic)")
    doctor.add_argument("--json", action="store_true")
    doctor.set_defaults(func=cmd_doctor)


def _filling_facts() -> dict[str, Any]:
    """Whether the learned value picker fills after the comment reader's rules."""
    picker = shipped_picker()
    return {
        "value_picker": f"learned (index/artifacts), threshold {picker.threshold}"
        if picker
        else "none (the comment reader's rules, then the model)",
    }
