"""What the ranking's misses on the dev split are: another API's operation first, or a sibling
in the right spec; the answer retrieved in 100 or not.

    .venv/bin/python bench/ranking_misses.py --index DIR [--seen | --unseen] [--out misses.json]

Prints the counts by whether the comment names its API, and writes each miss (comment, expected,
first, the answer's rank after reranking and in retrieval) to --out for reading.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from apicall.index.engine import Engine, SuggestRequest
from apicall.index.learning import data as training_data
from apicall.index.learning.reranker import answer_rank
from apicall.index.open import open_for_search
from tqdm import tqdm


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", required=True)
    side = parser.add_mutually_exclusive_group()
    side.add_argument("--seen", action="store_true", help="new operations of APIs trained on")
    side.add_argument("--unseen", action="store_true", help="APIs never trained on")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    data = training_data.load()
    engine = Engine(open_for_search(Path(args.index)))
    comments = [
        c
        for c in data.comments_in("dev")
        if not (args.seen or args.unseen) or data.seen_api(c.op) == args.seen
    ]
    counts: Counter[tuple[str, str]] = Counter()
    misses = []
    for comment in tqdm(comments, desc="dev comments"):
        operation = data.operations[comment.op]
        retrieved = engine.searcher.search(comment.comment, k=100)
        in_retrieval = answer_rank(retrieved, operation, engine.searcher)
        ranked = [hit for hit, _ in engine.candidates(SuggestRequest(comment.comment, k=10))]
        rank = answer_rank(ranked, operation, engine.searcher)
        named = "names it" if comment.names_api else "does not name it"
        if rank == 1:
            counts[(named, "first")] += 1
            continue
        first = ranked[0] if ranked else None
        same_spec = first is not None and first.spec.endswith("/" + operation.spec)
        kind = "sibling in its spec" if same_spec else "another spec"
        found = "retrieved" if in_retrieval else "not retrieved in 100"
        counts[(named, f"{kind}, {found}")] += 1
        misses.append(
            {
                "comment": comment.comment,
                "expected": f"{operation.method} {operation.path} ({operation.spec})",
                "first": f"{first.method} {first.path} ({first.spec})" if first else None,
                "rank": rank,
                "retrieval_rank": in_retrieval,
            }
        )
    for key, count in sorted(counts.items()):
        print(f"{key[0]}: {key[1]}: {count}")
    if args.out:
        args.out.write_text(json.dumps(misses, indent=1))


if __name__ == "__main__":
    main()
