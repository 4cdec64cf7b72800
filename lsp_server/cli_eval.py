"""`apicall eval`: test sets from the indexed specs, scored with the API Pack paper's metrics."""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from apicall.index.engine import Engine
from apicall.index.errors import ApicallError
from apicall.index.evaluation.natural import load_queries, run_queries
from apicall.index.evaluation.report import write_report
from apicall.index.evaluation.runner import Evaluator, evaluate
from apicall.index.evaluation.testset import build_split
from apicall.index.open import open_for_search
from apicall.index.records import OperationRecord
from apicall.index.settings import resolve_index_dir
from apicall.model_runtime.call_model import LlamaCallModel
from apicall.model_runtime.config import ModelConfig
from apicall.model_runtime.runtime import ModelRuntime


def cmd_eval(args: argparse.Namespace) -> int:
    searcher = open_for_search(resolve_index_dir(args.index))
    specs = [s for s in searcher.store.specs() if s["operations"] >= 4]
    if len(specs) < args.apis:
        raise ApicallError(
            f"the index has {len(specs)} specs with 4+ operations; --apis {args.apis} needs more"
        )
    rng = random.Random(args.seed)
    sampled = rng.sample(specs, min(len(specs), args.apis * 2))
    records = {
        s["spec_key"]: [
            OperationRecord.from_row(r) for r in searcher.store.operations_of_spec(s["spec_key"])
        ]
        for s in sampled
    }
    names = {s["api_name"] for s in sampled}
    same_named = [
        OperationRecord.from_row(r)
        for s in searcher.store.specs()
        if s["api_name"] in names and s["spec_key"] not in records
        for r in searcher.store.operations_of_spec(s["spec_key"])
    ]
    split = build_split(records, args.apis, args.per_level, seed=args.seed, same_named=same_named)
    runtime = None
    if args.generate_sample > 0:
        runtime = ModelRuntime(ModelConfig(model_path=args.model, request_timeout_s=120))
        runtime.start_loading()
    engine = Engine(searcher, LlamaCallModel(runtime) if runtime else None)
    evaluator = Evaluator(engine, split, seed=args.seed)
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    print(
        f"{len(split.items)} test items over {args.apis} APIs, pool of {len(split.pool)} examples, "
        f"{searcher.store.count_operations():,} operations indexed",
        file=sys.stderr,
    )
    tuned = None
    tuned_note = []
    if runtime is not None:
        runtime.wait_ready(120)
        if runtime.adapter_path:  # the paper's settings again, by the fine-tuned model
            tuned = LlamaCallModel(runtime, generate_with_adapter=True)
            tuned_note = [
                "Rows marked fine-tuned: the same settings, items and examples generated with the "
                f"LoRA adapter on ({Path(runtime.adapter_path).name}); the product generates with "
                "it off (it was trained for choosing and filling). 'engine + model rerank' "
                "chooses with the adapter on."
            ]
        else:
            why = runtime.adapter_error or "none configured"
            tuned_note = [f"No LoRA adapter was loaded ({why}): no fine-tuned rows."]
    outcomes = evaluate(evaluator, targets, args.generate_sample, runtime is not None, tuned)
    natural = run_queries(engine, load_queries())
    if runtime is not None:
        runtime.close()
    notes = [
        f"Index: {searcher.store.count_operations():,} operations from {len(searcher.store.specs()):,} "
        "specs (every spec is a distractor). Sample: "
        f"{args.apis} APIs (half seen, half unseen), {args.per_level} operations per level, each asked "
        "with one instruction that names the API and one that does not (templates in "
        "`index/evaluation/testset.py`, rotated over the items; no model paraphrases in this run: "
        "the hand-written section below is the check on wording that is not the spec's own). "
        f"{split.ambiguous} operations of the sampled APIs were left out as ambiguous: another "
        "operation of an API with the same name has the same description (AWS query actions "
        "listed under both GET and POST, GitHub Enterprise Server's copies of GitHub's "
        "operations), so no instruction made from it could tell the two apart.",
        'What "seen" means: the example pool (what the 3-shot prompts retrieve from, and what a '
        "fine-tune would train on) holds instructions and gold calls for half of the endpoints of "
        "the seen APIs only, made with a pool-only template. Level 1 asks a pooled endpoint with "
        "another template; level 2 an endpoint of a seen API that is not pooled; level 3 an "
        "endpoint of an API with nothing pooled. The engine's index holds every spec, so for the "
        "engine the levels differ only by sample.",
        "Hallucination counts calls whose method and path are an operation neither of the API "
        "asked for nor of any indexed API (a real operation of another API is a wrong answer, not "
        "a hallucination). AWS specs key each action by a fragment in the path "
        "(`/#X-Amz-Target=...`), so the check reads the URL's fragment too.",
        "The engine's ranking (retriever, reranker, cross-encoder) is learned from the train "
        "split of data/training (developer comments, not these templates; docs/TRAINING.md); the "
        "hand-written instructions below were read while its features were designed, so they "
        "are not held out.",
        "Gold calls are openapi-snippet-format calls rendered from the spec with no arguments (the "
        "paper's ground truth format); the engine runs with `--no-fill` so that it is scored in "
        "the same format.",
        f"Paper settings (0-shot, 3-shot random/retrieved/retrieved + rerank) run SmolLM2-135M in "
        f"generate mode on {args.generate_sample} items per level (the first ones of the sample), "
        "on every target; "
        '"rerank" there reorders 10 retrieved examples by word overlap (no cross-encoder is '
        "bundled). The paper's numbers are CodeLlama-13B fine-tuned on API Pack.",
        *tuned_note,
    ]
    command = " ".join(["apicall eval", *sys.argv[2:]])
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_report(outcomes, out, command, notes, natural)
    print(out.read_text())
    return 0


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    ev = sub.add_parser("eval", parents=[common], help="score the engine and the paper's method")
    ev.add_argument("--apis", type=int, default=40, help="APIs sampled (half seen, half unseen)")
    ev.add_argument("--per-level", type=int, default=20, help="operations per level")
    ev.add_argument("--targets", default="shell_curl,python_python3,java_okhttp")
    ev.add_argument(
        "--generate-sample",
        type=int,
        default=6,
        help="items per level for the model settings (0: engine only)",
    )
    ev.add_argument("--model", help="a GGUF file (default: the bundled SmolLM2-135M)")
    ev.add_argument("--seed", type=int, default=13)
    ev.add_argument("--out", default="docs/EVAL.md")
    ev.set_defaults(func=cmd_eval)
