"""Ranking on the held-out comments: where the operation each dev comment asks for lands.

    .venv/bin/python bench/ranking.py --index DIR --label NAME [--no-reranker] [--code DIR]
    .venv/bin/python bench/ranking.py --report

The first form measures one engine on the dev split (top-1, top-3, MRR by group), the non-API
comments (share offered a suggestion), the hand-written natural.jsonl set, and the code-action
list latency (the engine's rank step), and keeps the result in build/ranking/NAME.json.
`--code DIR` measures the engine of another checkout (e.g. a git worktree of an older commit):
its packages are imported instead of this one's. `--report` writes the results side by side into
docs/EVAL.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# What counts as the answer is this checkout's (the same call in a copy of the spec), whichever
# checkout's engine is measured; imported before `--code` swaps the packages.
from apicall.index.calls import concrete_urls

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "build" / "ranking"


def _training_data_module() -> Any:
    """The training data's module (its split rule) of the checkout being measured."""
    return importlib.import_module("apicall.index.learning.data")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if ordered else 0.0


def _engine_of(code: str | None) -> tuple[Any, Any, Any]:
    """Engine, SuggestRequest and open_for_search of this checkout, or of the checkout at
    `code`: one with the apicall package layout (src/apicall) is imported through a folder of
    links; an older one, with top-level packages, from its root."""
    if code is not None:
        root = Path(code).resolve()
        if (root / "src" / "apicall").is_dir():
            shim = Path(tempfile.mkdtemp(prefix="apicall-code-")) / "apicall"
            shutil.copytree(root / "src" / "apicall", shim)
            for layer in ("index", "model_runtime", "lsp_server"):
                (shim / layer).symlink_to(root / layer)
            sys.path.insert(0, str(shim.parent))
            for name in [m for m in sys.modules if m.split(".")[0] == "apicall"]:
                del sys.modules[name]
        else:
            sys.path.insert(0, str(root))
            engine = importlib.import_module("index.engine")
            opener = importlib.import_module("index.open")
            return engine.Engine, engine.SuggestRequest, opener.open_for_search
    engine = importlib.import_module("apicall.index.engine")
    opener = importlib.import_module("apicall.index.open")
    return engine.Engine, engine.SuggestRequest, opener.open_for_search


def measure(args: argparse.Namespace) -> None:
    Engine, SuggestRequest, open_for_search = _engine_of(args.code)
    training = _training_data_module()

    data = training.load(ROOT / "data" / "training")
    engine = Engine(open_for_search(Path(args.index)))
    if args.no_reranker:
        engine.reranker = None
    offers = getattr(engine, "offer", None)

    servers: dict[str, str] = {}

    def answer(hit: Any, operation: Any) -> bool:
        """The operation, or the same call in a copy of its spec (reranker.is_answer; written
        out here so that `--code` can measure releases older than it)."""
        methods = {hit.method.upper(), operation.method}
        twins = "#Action=" in hit.path and methods <= {"GET", "POST"}  # index/calls.py
        if hit.path != operation.path or (len(methods) > 1 and not twins):
            return False
        if hit.spec.endswith("/" + operation.spec) or hit.api_name == operation.api:
            return True
        if operation.op not in servers:
            rows = engine.searcher.store.same_operation(
                operation.api, operation.method, operation.path
            )
            ours = [r for r in rows if str(r["spec_key"]).endswith("/" + operation.spec)]
            servers[operation.op] = str((ours or rows or [{}])[0].get("servers") or "")
        ours = concrete_urls(servers[operation.op])
        return bool(ours) and ours == concrete_urls(hit.servers)

    groups: dict[str, list[int | None]] = {}
    latencies: list[float] = []
    comments = data.comments_in("dev")
    for number, comment in enumerate(comments):
        operation = data.operations[comment.op]
        started = time.perf_counter()
        request = SuggestRequest(comment.comment, target="python", k=10)
        ranking = engine.rank(request)
        latencies.append((time.perf_counter() - started) * 1000)
        ranked = ranking.candidates
        rank = next((i for i, (h, _) in enumerate(ranked, 1) if answer(h, operation)), None)
        # What an editor shows: nothing at all below the relevance threshold.
        shown = ranking.relevant(engine.threshold(request)) if offers is not None else True
        groups.setdefault(OFFERED_GROUP, []).append(rank if shown else None)
        keys = ["all", "seen API" if data.seen_api(comment.op) else "unseen API"]
        keys.append("names the API" if comment.names_api else "does not name it")
        for key in keys:
            groups.setdefault(key, []).append(rank)
        if number % 500 == 0:
            print(f"{number}/{len(comments)}", file=sys.stderr)
    # New wordings of operations that training comments taught (data.py: held-out twins).
    for comment in getattr(data, "held_twins", list)():
        operation = data.operations[comment.op]
        ranked = engine.candidates(SuggestRequest(comment.comment, target="python", k=10))
        rank = next((i for i, (h, _) in enumerate(ranked, 1) if answer(h, operation)), None)
        groups.setdefault(TRAINED_OPERATION_GROUP, []).append(rank)
    negatives = data.negatives_in("dev")
    offered = 0
    for text in negatives:
        request = SuggestRequest(text, target="python", k=3)
        if offers is not None:
            offered += bool(offers(request))
        else:  # an engine without offer(): what its suggest() answers
            offered += engine.suggest(request).endpoint is not None
    natural = _natural(engine, SuggestRequest)
    offered_in_calling: float | None = None
    if args.workspace:
        groups[WORKSPACE_GROUP] = _with_workspace_spec(engine, data, answer, args.workspace)
        groups[OTHER_WORKSPACE_GROUP] = _with_other_workspace_spec(
            engine, data, answer, args.workspace
        )
        if "file_urls" in getattr(SuggestRequest, "__dataclass_fields__", {}):
            own, nothing = _in_files_calling(
                engine, data, answer, args.workspace, SuggestRequest, its_own=True
            )
            groups[FILE_CALLS_GROUP], groups[FILE_CALLS_NOTHING_GROUP] = own, nothing
            other, nothing = _in_files_calling(
                engine, data, answer, args.workspace, SuggestRequest, its_own=False
            )
            groups[FILE_CALLS_OTHER_GROUP], groups[FILE_CALLS_OTHER_NOTHING_GROUP] = other, nothing
            offered_in_calling = _negatives_offered_in_calling_files(
                engine, data, negatives, SuggestRequest
            )
    result = {
        "label": args.label,
        "groups": {k: _scores(v) for k, v in sorted(groups.items())},
        "negatives_offered_pct": 100.0 * offered / max(len(negatives), 1),
        "negatives_offered_in_calling_file_pct": offered_in_calling,
        "natural": natural,
        "rank_ms": {"p50": _percentile(latencies, 50), "p95": _percentile(latencies, 95)},
        "measured": time.strftime("%Y-%m-%d"),
        "command": " ".join(["bench/ranking.py", *sys.argv[1:]]),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.label}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


WORKSPACE_GROUP = "does not name it, spec in workspace"
TRAINED_OPERATION_GROUP = "trained operation, new wording"
OFFERED_GROUP = "all, as offered"
OTHER_WORKSPACE_GROUP = "another API's spec in workspace"
FILE_CALLS_GROUP = "does not name it, the file calls its API"
FILE_CALLS_OTHER_GROUP = "the file calls another API"
FILE_CALLS_NOTHING_GROUP = "does not name it, those from a file calling nothing"
FILE_CALLS_OTHER_NOTHING_GROUP = "the file calls another API: those from a file calling nothing"


def _with_workspace_spec(engine: Any, data: Any, answer: Any, limit: int) -> list[int | None]:
    """Dev comments that do not name their API, asked with that API's spec open in the
    workspace."""
    comments = [c for c in data.comments_in("dev") if not c.names_api]
    comments = random.Random(5).sample(comments, min(limit, len(comments)))
    return _ranks_with_workspace(
        engine, data, answer, [(c, data.operations[c.op].spec) for c in comments]
    )


def _with_other_workspace_spec(engine: Any, data: Any, answer: Any, limit: int) -> list[int | None]:
    """Dev comments asked with another API's spec open in the workspace: the spec of the first
    operation of another API that search finds for the comment (the workspace spec most likely
    to be taken for the answer)."""
    comments = random.Random(7).sample(data.comments_in("dev"), limit)
    asked = []
    for comment in comments:
        operation = data.operations[comment.op]
        hits = engine.searcher.search(comment.comment, k=10)
        other = next((h.spec for h in hits if h.api_name != operation.api), None)
        if other is not None:
            asked.append((comment, other.split("/", 1)[-1]))
    return _ranks_with_workspace(engine, data, answer, asked)


def _in_files_calling(
    engine: Any, data: Any, answer: Any, limit: int, request_type: Any, its_own: bool
) -> tuple[list[int | None], list[int | None]]:
    """Dev comments asked from a file that already calls an API (`SuggestRequest.file_urls`):
    that of the answer (`its_own`: comments that do not name it, the file calling another
    operation of its spec) or another one (any comment, the file calling an operation of
    another dev comment's API). The URL is the operation's server and path, its path
    parameters given a value, as a developer's code has it. The ranks from that file, and the
    same comments' ranks from a file that calls nothing."""
    comments = data.comments_in("dev")
    if its_own:
        comments = [c for c in comments if not c.names_api]
    chosen = random.Random(11 if its_own else 13)
    comments = chosen.sample(comments, min(limit, len(comments)))
    store = engine.searcher.store
    keys = {row["spec_key"].split("/", 1)[-1]: row["spec_key"] for row in store.specs()}
    specs = sorted({data.operations[c.op].spec for c in data.comments_in("dev")})
    ranks: tuple[list[int | None], list[int | None]] = ([], [])
    for comment in comments:
        operation = data.operations[comment.op]
        spec = operation.spec if its_own else chosen.choice(specs)
        if (spec == operation.spec and not its_own) or spec not in keys:
            continue
        rows = [
            r
            for r in store.operations_of_spec(keys[spec])
            if (r["method"].upper(), r["path"]) != (operation.method, operation.path)
        ]
        url = _call_url(chosen.choice(rows)) if rows else None
        if url is None:
            continue
        for urls, kept in (((url,), ranks[0]), ((), ranks[1])):
            request = request_type(comment.comment, target="python", k=10, file_urls=urls)
            ranked = engine.candidates(request)
            kept.append(
                next((i for i, (h, _) in enumerate(ranked, 1) if answer(h, operation)), None)
            )
    return ranks


def _negatives_offered_in_calling_files(
    engine: Any, data: Any, negatives: list[str], request_type: Any
) -> float:
    """The share of the dev non-API comments offered a call when asked from a file whose code
    calls an API: for each, an operation of an API drawn as often as the train comments ask
    for it (the popular APIs developers call most, whose operations score highest)."""
    chosen = random.Random(17)
    store = engine.searcher.store
    keys = {row["spec_key"].split("/", 1)[-1]: row["spec_key"] for row in store.specs()}
    asked = [data.operations[c.op].spec for c in data.comments_in("train")]
    specs = [spec for spec in asked if spec in keys]
    offered = 0
    for text in negatives:
        rows = store.operations_of_spec(keys[chosen.choice(specs)])
        url = _call_url(chosen.choice(rows)) if rows else None
        request = request_type(text, target="python", k=3, file_urls=(url,) if url else ())
        offered += bool(engine.offer(request))
    return 100.0 * offered / max(len(negatives), 1)


def _call_url(row: dict[str, Any]) -> str | None:
    """The URL code calls an operation at: its first server (variables at their defaults) and
    its path with each parameter given a value."""
    servers = json.loads(row["servers"] or "[]")
    if not servers:
        return None
    server = servers[0]
    url = str(server.get("url", ""))
    for name, variable in (server.get("variables") or {}).items():
        url = url.replace("{" + name + "}", str(variable.get("default", "")))
    if not url.startswith(("http://", "https://")):
        return None
    path = re.sub(r"\{[^}]*\}", "42", row["path"])
    return url.rstrip("/") + path


def _ranks_with_workspace(
    engine: Any, data: Any, answer: Any, asked: list[tuple[Any, str]]
) -> list[int | None]:
    """Each comment asked with the given spec (catalog key without its source) in the
    workspace, as the language server asks: the spec in an overlay index searched beside the
    catalog (index/layered.py), its key among the request's workspace specs. The overlay holds
    the catalog's rows of that spec under a workspace key, as if `index add` had read the file.
    """
    from apicall.index.engine import SuggestRequest
    from apicall.index.layered import LayeredIndex
    from apicall.index.search import Searcher

    base = engine.searcher.store
    embedder = engine.searcher.embedder
    specs = {row["spec_key"]: row for row in base.specs()}
    keys = {key.split("/", 1)[-1]: key for key in specs}
    ranks: list[int | None] = []
    with tempfile.TemporaryDirectory(prefix="apicall-bench-ws-") as scratch:
        overlays: dict[str, tuple[Any, str]] = {}
        for comment, spec in asked:
            key = keys.get(spec)
            if key is None:
                continue
            if key not in overlays:
                directory = Path(scratch) / str(len(overlays))
                overlays[key] = _overlay_of(base, embedder, specs[key], directory)
            overlay, workspace_key = overlays[key]
            searcher = Searcher(LayeredIndex(base, overlay), embedder)
            request = SuggestRequest(
                comment.comment, target="python", k=10, workspace_specs=frozenset([workspace_key])
            )
            ranked = engine.__class__(searcher, reranker=engine.reranker).candidates(request)
            operation = data.operations[comment.op]
            ranks.append(
                next((i for i, (h, _) in enumerate(ranked, 1) if answer(h, operation)), None)
            )
    return ranks


def _overlay_of(base: Any, embedder: Any, spec: dict[str, Any], directory: Path) -> tuple[Any, str]:
    from apicall.index.store import IndexMeta, IndexStore

    key = spec["spec_key"]
    workspace_key = "workspace/" + key.split("/", 1)[-1]
    store = IndexStore(directory)
    with store.writing():
        store.write_meta(IndexMeta(embedder.kind, embedder.name, embedder.dimension))
        rows = base.operations_of_spec(key)
        for row in rows:
            row["spec_key"] = workspace_key
            row["id"] = "ws-" + row["id"]
        store.add_operations(rows, embedder.embed([r["embedding_text"] for r in rows]))
        store.upsert_specs([{**spec, "spec_key": workspace_key}])
        store.finish_build()
    return store, workspace_key


def _natural(engine: Any, request_type: Any) -> dict[str, float]:
    path = ROOT / "index" / "evaluation" / "natural.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    first = top3 = 0
    for row in rows:
        ranked = engine.candidates(request_type(row["instruction"], target="python", k=10))
        hits = [
            (h.method.upper(), h.path) for h, _ in ranked[:3] if h.spec.endswith("/" + row["spec"])
        ]
        top = [
            (h.method.upper(), h.path, h.spec.endswith("/" + row["spec"])) for h, _ in ranked[:1]
        ]
        expected = (row["method"].upper(), row["path"])
        first += bool(top) and top[0] == (*expected, True)
        top3 += expected in hits
    return {"n": len(rows), "top1": 100.0 * first / len(rows), "top3": 100.0 * top3 / len(rows)}


def _scores(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    return {
        "n": n,
        "top1": 100.0 * sum(r == 1 for r in ranks) / n,
        "top3": 100.0 * sum(r is not None and r <= 3 for r in ranks) / n,
        "mrr": sum(1.0 / r for r in ranks if r) / n,
        "top100": 100.0 * sum(r is not None for r in ranks) / n,
    }


def _negatives_cell(result: dict[str, Any]) -> str:
    cell = f"{result['negatives_offered_pct']:.1f}%"
    in_calling = result.get("negatives_offered_in_calling_file_pct")
    return cell if in_calling is None else f"{cell} ({in_calling:.1f}% in a calling file)"


def report() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _report import write_section

    results = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("*.json"))]
    results.sort(key=lambda r: r.get("order", 0))
    groups = ["all", "names the API", "does not name it", "seen API", "unseen API"]
    if any(OFFERED_GROUP in r["groups"] for r in results):
        groups.insert(1, OFFERED_GROUP)
    extras = (
        WORKSPACE_GROUP,
        OTHER_WORKSPACE_GROUP,
        FILE_CALLS_GROUP,
        FILE_CALLS_NOTHING_GROUP,
        FILE_CALLS_OTHER_GROUP,
        FILE_CALLS_OTHER_NOTHING_GROUP,
        TRAINED_OPERATION_GROUP,
    )
    for extra in extras:
        if any(extra in r["groups"] for r in results):
            groups.append(extra)
    lines = [
        "## Ranking on held-out developer comments (`bench/ranking.py`)",
        "",
        "The dev split of `data/training` (3,438 comments: 1,508 for new operations of APIs "
        "seen in training, 1,930 for APIs never seen; never trained or tuned on), the whole "
        "catalog indexed (2,639 specs, 125k operations). top-1 / top-3 in %, MRR; negatives: "
        "share of the 151 dev non-API comments that an editor would be offered a call for (in "
        "brackets, where measured: asked from a file whose code calls an API, drawn as often as "
        "the train comments ask for it); "
        "natural: the 35 hand-written comments of index/evaluation/natural.jsonl; rank p50/p95: "
        "the engine's retrieve + rerank step, what the code-action list waits for. "
        f"{WORKSPACE_GROUP}: dev comments that do not name their API (a sample; `--workspace N`), "
        "asked with that API's spec in the workspace overlay, as the language server asks them. "
        f"{OTHER_WORKSPACE_GROUP}: dev comments (a sample of N) asked with the spec of the first "
        "operation of another API that search finds for them in the workspace: the workspace "
        "spec most likely to be mistaken for the answer. "
        f"{FILE_CALLS_GROUP}: dev comments that do not name their API (a sample of N) asked "
        "from a file whose code already calls another operation of that API (its URL: server "
        "and path, parameters given a value; `SuggestRequest.file_urls`, what the language "
        f"server reads from the document); {FILE_CALLS_NOTHING_GROUP}: those comments asked "
        f"without it. {FILE_CALLS_OTHER_GROUP}: dev comments (a sample "
        "of N) asked from a file that calls an operation of another dev comment's API; "
        f"{FILE_CALLS_OTHER_NOTHING_GROUP}: those comments asked without it. "
        f"{OFFERED_GROUP}: the same dev comments counted as an editor shows them: a comment "
        "whose ranking falls below the relevance threshold is offered nothing (a miss). "
        f"{TRAINED_OPERATION_GROUP}: the held-out second comments of 1 train operation in 10 "
        "(index/learning/data.py), not part of 'all'.",
        "",
        "| engine | "
        + " | ".join(groups)
        + " | negatives | natural top-1 / top-3 | rank p50 / p95 ms |",
        "|---|" + "---|" * (len(groups) + 3),
    ]
    for r in results:
        cells = []
        for g in groups:
            s = r["groups"].get(g)
            cells.append(f"{s['top1']:.1f} / {s['top3']:.1f} / {s['mrr']:.2f}" if s else "")
        natural = r["natural"]
        lines.append(
            f"| {r['label']} | "
            + " | ".join(cells)
            + f" | {_negatives_cell(r)} | {natural['top1']:.0f} / {natural['top3']:.0f}"
            + f" | {r['rank_ms']['p50']:.0f} / {r['rank_ms']['p95']:.0f} |"
        )
    lines += [
        "",
        "a-before is the previous default: the table distilled from all-MiniLM-L6-v2 and the "
        "hand-set rerank, on this session's index format (keyword text with parameter names, "
        "100 candidates per side). Its index is the catalog index re-embedded with that table "
        "(`index.builder.reembed`, as `apicall train --from-index` does); the others run on the "
        "index `apicall train` built. On its own held-out comments the CEO measured the shipped "
        "engine before this work at 43% top-1 / 57% top-3 (a set we do not have). "
        "c-retriever-reranker is the engine shipped until 2026-11-22 (measured again with its "
        "own code, a git worktree of 708446c, `--code`); d-learned-v2 adds the train comments "
        "as a description of their operations (index/asked.py), out-of-fold candidates for the "
        "reranker, five new features, and the workspace overlay's operations always among the "
        "candidates (docs/TRAINING.md). The 547 held-out wordings of trained operations were "
        "trained on by c (its split had no held-out twins), so that column is d's only. "
        "e-api-words drops d's known comments of each operation for the words of each "
        "API's known comments (index/api_words.py), stems plurals and verb forms to one form, "
        "and reads collection cues (all, limit, the path's plural said as the path says it). "
        "From e-same-call on, the same call in a retitled copy of the answer's spec (the same "
        "method and path served from the same concrete server: Spotify's spec and its fixed "
        "copy) counts as the answer, as it already did for copies with the same title; "
        "e-same-call is e's engine (a git worktree of 4105561, `--code`) counted so, and its "
        "rank latency was taken while a training run shared the cores (not comparable). "
        "f-sibling-gaps (shipped until 8dc1dc5) lists such copies once, and its reranker also "
        "reads each "
        "candidate against the best of its list (15 features' gap to the list's best), the "
        "path's and the name's words the comment leaves unsaid, and the candidate's rank among "
        "its API's candidates. From f2-aws-rule on, an AWS query action listed by GET and by "
        "POST (GET and POST /#Action=CreateVerifiedAccessInstance; AWS's query protocol takes "
        "either) is one call and either counts as the answer (index/calls.call_method); "
        "f2-aws-rule is f's engine (a git worktree of 0cec902, `--code`) counted so. "
        "g-aws-twins (shipped until b605aff) also lists the two once; that changes nothing "
        "measurable here. h-api-asked (shipped until the commit after cee2078) adds how much "
        "the known comments ask for each candidate's API (a prior for the popular APIs "
        "developers ask for most) and its gap to the list's best; reranker and relevance "
        "learned again (docs/TRAINING.md). h-api-asked-2 is h's engine (a git worktree of "
        "cee2078, `--code`) measured again on a catalog index built by `apicall catalog add` "
        "on another machine, the first to have the group "
        f"'{OTHER_WORKSPACE_GROUP}'. i-workspace-asked (shipped until f73a0bb) counts a "
        "workspace spec's API as the most asked in its list; reranker and relevance learned "
        "again. i-workspace-asked-3 is i's engine (a git worktree, `--code`) on a catalog index "
        "built by `apicall catalog add` on the tenth session's machine, where its relevance "
        "threshold offered 5.3% of the non-API comments a call; i-threshold-on-catalog-index "
        "has the threshold chosen again over that index (`apicall train --threshold-only`). "
        "l-relevance-c10 (shipped until the commit after f1b2068) has the relevance model with "
        "C=10 and the reranker learned again from that machine's kept lists (docs/TRAINING.md). "
        "m-cross-encoder (shipped until the commit after f9e2e06) adds the cross-encoder: the "
        "reranker's first 6 candidates "
        "reordered by its score blended with a small transformer's that reads the comment and "
        "each candidate together (index/cross_encoder.py; its rank time includes that forward "
        "pass). n-oof-cross-encoder: every part learned again by one `apicall train`, the "
        "cross-encoder (1 epoch) from the reranker's out-of-fold candidate lists, the relevance "
        "threshold chosen again over the catalog index; n2-oof-cross-encoder-2-epochs (shipped "
        "until the commit after 0b27de9): the same with the cross-encoder trained 2 epochs on "
        "those lists (docs/TRAINING.md). q-compound-words: every part learned again by one "
        "`apicall train` after the reranker's features came to read two words said apart as "
        "a spec's one word (`pull request`: /pullrequests); q2-cross-encoder-all-lists "
        "(shipped until r): the same with the cross-encoder learned from all 11,015 train "
        "lists for 1.5 epochs instead of 7,000 for 2. r-file-calls (shipped): the same learned parts; the "
        "specs of the URLs a file already calls rank as the workspace's do "
        f"(`SuggestRequest.file_urls`), measured by the groups '{FILE_CALLS_GROUP}' and "
        f"'{FILE_CALLS_OTHER_GROUP}'; every other column is q2's, comment for comment. "
        "The rows up to "
        "i-workspace-asked were rebuilt from this table when a new machine lost their "
        "build/ranking files.",
        "",
        "Commands:",
        "",
    ] + [f"- {r['label']}: `{r['command']}`" for r in results]
    write_section("ranking", "\n".join(lines), ROOT / "docs" / "EVAL.md")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index")
    parser.add_argument("--label")
    parser.add_argument("--no-reranker", action="store_true")
    parser.add_argument("--code", help="measure the engine of this checkout instead")
    parser.add_argument("--report", action="store_true")
    parser.add_argument(
        "--workspace",
        type=int,
        default=0,
        metavar="N",
        help="also N dev comments that do not name their API, with its spec in the workspace, "
        "and N with another API's spec in the workspace",
    )
    args = parser.parse_args()
    if args.report:
        report()
    else:
        measure(args)


if __name__ == "__main__":
    main()
