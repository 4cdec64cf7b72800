"""Model runtime speed with the default model: prefill/decode tokens/s, argument-filling latency,
first-request latency with background loading, and the memory-bandwidth bound for decode.

    .venv/bin/python bench/model.py [--model PATH] [--rounds 3]

Writes the "model" section of docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _report import percentile, write_section
from apicall.index.arguments import fill_arguments
from apicall.index.loader import parse_spec_bytes
from apicall.index.records import extract_operations
from apicall.model_runtime.call_model import LlamaCallModel
from apicall.model_runtime.config import ModelConfig
from apicall.model_runtime.diagnostics import build_info, measure_speed, model_facts
from apicall.model_runtime.runtime import ModelRuntime

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "tests" / "fixtures" / "specs"
# One-line comments, as a developer writes them above a call.
COMMENTS = [
    ("bookshop_v30.yaml", "listBooks", "list the books in the catalogue, limit 5"),
    ("bookshop_v30.yaml", "listBooks", "show me 20 books"),
    ("bookshop_v30.yaml", "createBook", "add the book titled 'Dune' to the catalogue"),
    ("bookshop_v30.yaml", "createBook", "create a book called 'Solaris' published 1961-01-01"),
    ("bookshop_v30.yaml", "delete_books_by_isbn", "remove the book with isbn 978-0441013593"),
    ("petstore_v2.json", "getPetById", "fetch pet 42 from the store"),
    ("petstore_v2.json", "addPet", "add a pet named Rex to the store"),
    ("petstore_v2.json", "findPetsByTags", "find pets tagged dog"),
    ("weather_v31.yaml", "getForecast", "weather forecast for Paris for 3 days"),
    ("weather_v31.yaml", "getForecast", "get the forecast for the city of Oslo"),
]


def memory_bandwidth_gb_s(size_mb: int = 512, rounds: int = 5) -> float:
    """Read bandwidth measured with a large numpy reduction (reads every byte once)."""
    data = np.ones(size_mb * 2**20 // 8, dtype=np.float64)
    data.sum()
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        data.sum()
        best = min(best, time.perf_counter() - t0)
    return data.nbytes / best / 1e9


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    config = ModelConfig(model_path=args.model, request_timeout_s=60)

    records = {}
    for name in {c[0] for c in COMMENTS}:
        doc = parse_spec_bytes((SPECS / name).read_bytes(), name)
        for record in extract_operations(doc, name, "").records:
            records[(name, record.operation_id or record.endpoint_name)] = record

    # First request while the model loads in the background.
    started = time.perf_counter()
    runtime = ModelRuntime(config)
    runtime.start_loading()
    spec, op, comment = COMMENTS[8]  # leaves the city to the model, so it waits for the load
    first = fill_arguments(LlamaCallModel(runtime), records[(spec, op)], comment)
    first_request_ms = (time.perf_counter() - started) * 1000
    assert first.model_used
    runtime.wait_ready(60)
    assert runtime.load_info is not None
    load_s = runtime.load_info.load_seconds

    speed = measure_speed(runtime)
    facts = model_facts(runtime)
    latencies, model_used = [], 0
    for _ in range(args.rounds):
        for spec, op, comment in COMMENTS:
            t0 = time.perf_counter()
            result = fill_arguments(LlamaCallModel(runtime), records[(spec, op)], comment)
            latencies.append((time.perf_counter() - t0) * 1000)
            model_used += result.model_used
    bandwidth = memory_bandwidth_gb_s()
    weights = runtime.load_info.size_bytes
    bound = bandwidth * 1e9 / weights
    info = build_info()
    runtime.close()

    lines = [
        "## Model runtime (`bench/model.py`)",
        "",
        f"Command: `.venv/bin/python bench/model.py --rounds {args.rounds}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores; llama-cpp-python "
        f"{info.llama_cpp_python}, backend {info.backend} (GPU offload: {info.gpu_offload}); "
        f"model `{Path(runtime.load_info.model_path).name}` ({facts['quantization']}, "
        f"{weights / 1e6:.0f} MB); measured {time.strftime('%Y-%m-%d')}.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| load time | {load_s:.2f} s |",
        f"| first request with background loading (load + one fill) | {first_request_ms:.0f} ms |",
        f"| prefill | {speed.prefill_tokens_per_s:.0f} tokens/s ({speed.prompt_tokens}-token prompt) |",
        f"| decode | {speed.decode_tokens_per_s:.1f} tokens/s |",
        f"| memory read bandwidth (numpy sum over 512 MB) | {bandwidth:.1f} GB/s |",
        f"| decode bound: bandwidth / weight bytes per token | {bound:.0f} tokens/s |",
        f"| argument filling p50 ({len(latencies)} one-line comments) | {percentile(latencies, 50):.0f} ms |",
        f"| argument filling p95 | {percentile(latencies, 95):.0f} ms |",
        f"| fills that ran the model (rest: read from the comment alone) | {model_used}/{len(latencies)} |",
        "",
        "Decode reaches "
        f"{100 * speed.decode_tokens_per_s / bound:.0f}% of the bandwidth bound: a 135M model "
        "is small enough that per-token overhead (sampling, grammar, Python) rather than reading "
        "weights dominates. No GPU was lent to this session, so the CUDA offload speed-up is not "
        "measured.",
    ]
    write_section("model", "\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
