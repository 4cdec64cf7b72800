"""The spec-injection corpus over the whole product: every payload in every location for every
target, read by tree-sitter and by the real parser of each language, shell targets run.

    .venv/bin/python bench/injection.py

Writes the "injection" section of docs/CONFORMANCE.md.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _report import write_section
from apicall.index.render.render import list_targets, render_all

from tests.injection import FORBIDDEN_RAW, LOCATIONS, PAYLOADS, all_cases, breakouts, hostile_record
from tests.syntax import TARGET_LANGUAGE, ToolMissing, check, wrap

ROOT = Path(__file__).resolve().parent.parent
PARSER_SAMPLE = 20  # one snippet in 20 also goes through the real parser (a process each)


def main() -> None:
    started = time.perf_counter()
    records = {case: hostile_record(case) for case in all_cases()}
    rows = []
    for target in (t.name for t in list_targets()):
        language = TARGET_LANGUAGE[target]
        counts: Counter[str] = Counter()
        shell_lines = []
        for number, record in enumerate(records.values()):
            for snippet in render_all(record, target):
                counts["snippets"] += 1
                counts["raw"] += bool(set(snippet.code) & FORBIDDEN_RAW)
                problems = breakouts(language, wrap(target, snippet))
                counts["tree-sitter errors"] += "syntax error" in problems
                counts["breakouts"] += any(p != "syntax error" for p in problems)
                if number % PARSER_SAMPLE == 0:
                    counts["parsed"] += 1
                    try:
                        counts["parser failures"] += not check(target, snippet).ok
                    except ToolMissing:
                        counts["parser missing"] += 1
                if language == "bash":
                    shell_lines.append(f"( {snippet.code}\n) >/dev/null 2>&1")
        if shell_lines:
            counts["commands run"] = _run_shell(shell_lines)
        rows.append((target, counts))
        print(target, dict(counts), file=sys.stderr)
    seconds = time.perf_counter() - started
    lines = [
        "## Spec injection (`bench/injection.py`)",
        "",
        f"Command: `.venv/bin/python bench/injection.py`; {len(PAYLOADS)} payloads x "
        f"{len(LOCATIONS)} places in a spec (server URL and variables, path, parameter names, "
        "examples, defaults and enums for path/query/header/cookie, JSON/form/multipart body "
        "property names and examples, security scheme and header names, API title, summary) = "
        f"{len(records)} hostile operations, each rendered for every target; {seconds:.0f} s. "
        "A breakout is `PWN` read as code by tree-sitter rather than inside a string or comment; "
        f"parser failures are the real parser's, on one snippet in {PARSER_SAMPLE} (ast, node --check, bash -n, gcc -std=c11, gofmt, "
        "ruby -c, php -l; tree-sitter for Java, Kotlin, C#, Rust and Swift); shell snippets are "
        "run with a stand-in `curl` and a `PWN` command that leaves a marker.",
        "",
        "| target | snippets | breakouts | parser failures | tree-sitter errors | raw invisible characters | payload commands run |",
        "|---|---|---|---|---|---|---|",
    ]
    for target, c in rows:
        run = str(c["commands run"]) if TARGET_LANGUAGE[target] == "bash" else "n/a"
        parsed = (
            f"{c['parser failures']} of {c['parsed']}" if not c["parser missing"] else "missing"
        )
        lines.append(
            f"| {target} | {c['snippets']} | {c['breakouts']} | {parsed} | "
            f"{c['tree-sitter errors']} | {c['raw']} | {run} |"
        )
    lines += [
        "",
        "Differences from openapi-snippet on purpose: httpsnippet writes spec strings into its "
        "literals with at most the quote escaped (header names and values, cookies, URLs, body "
        "text and JSON property names not at all), so a spec could end a literal and add code: "
        '`"+PWN()+"` in Python, Java, Go and C, `#{}` in Ruby, `$`/`{${}}` in PHP, `\\(...)` in '
        "Swift, `$(...)` in shell. apicall writes every such string with its language's escapes "
        "(`index/render/strings.py`); text without quotes, backslashes, interpolation or control "
        "characters comes out as before, which is why the conformance table above is unchanged "
        "except for rows whose values hold those characters.",
    ]
    write_section("injection", "\n".join(lines), ROOT / "docs" / "CONFORMANCE.md")


def _run_shell(lines: list[str]) -> int:
    """How many times a payload's command ran (0 is the only right answer)."""
    with tempfile.TemporaryDirectory() as tmp:
        bin_dir = Path(tmp) / "bin"
        bin_dir.mkdir()
        marker = Path(tmp) / "ran"
        (bin_dir / "curl").write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
        (bin_dir / "PWN").write_text(f"#!/bin/sh\necho x >> {marker}\n")
        for tool in bin_dir.iterdir():
            tool.chmod(0o755)
        script = Path(tmp) / "all.sh"
        script.write_text("\n".join(lines) + "\n")
        subprocess.run(
            ["bash", str(script)],
            cwd=tmp,
            env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": tmp},
            capture_output=True,
            timeout=600,
            check=False,
        )
        return len(marker.read_text().splitlines()) if marker.exists() else 0


if __name__ == "__main__":
    main()
