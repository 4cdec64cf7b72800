"""No spec string can inject code: the hostile corpus rendered for every target."""

from __future__ import annotations

import os
import stat
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from apicall.index.render.render import list_targets, render_all

from tests.injection import (
    FORBIDDEN_RAW,
    LOCATIONS,
    PAYLOADS,
    HostileCase,
    all_cases,
    breakouts,
    hostile_record,
)
from tests.syntax import TARGET_LANGUAGE, ToolMissing, check, wrap

TARGETS = [t.name for t in list_targets()]
SHELL_TARGETS = [t for t in TARGETS if TARGET_LANGUAGE[t] == "bash"]


@pytest.fixture(scope="module")
def hostile_records():
    return {case: hostile_record(case) for case in all_cases()}


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 40
    assert len(LOCATIONS) >= 30


@pytest.mark.parametrize("target", TARGETS)
def test_no_payload_breaks_out_in_any_location(target, hostile_records):
    """Half of the (location, payload) product for each target, the other half for the next:
    every pair is read in every language that has two targets or more."""
    pytest.importorskip("tree_sitter")
    language = TARGET_LANGUAGE[target]
    failures: dict[str, list[str]] = defaultdict(list)
    rendered = 0
    half = TARGETS.index(target) % 2
    for number, (case, record) in enumerate(hostile_records.items()):
        if number % 2 != half:
            continue
        for snippet in render_all(record, target):
            rendered += 1
            code = snippet.code
            try:
                code.encode("utf-8")
            except UnicodeEncodeError:
                failures["not UTF-8 (lone surrogate)"].append(case.label)
                continue
            raw = sorted(f"U+{ord(c):04X}" for c in set(code) & FORBIDDEN_RAW)
            if raw:
                failures[f"raw {','.join(raw)}"].append(case.label)
            for problem in breakouts(language, wrap(target, snippet)):
                failures[problem.split(" at ")[0]].append(case.label)
    assert rendered >= len(hostile_records) // 2
    assert not failures, {k: [*v[:5], f"... {len(v)} in all"] for k, v in failures.items()}


def _sampled_cases() -> list[HostileCase]:
    """Every payload once, at a rotating location, so that every location is tried too."""
    locations = list(LOCATIONS)
    count = max(len(PAYLOADS), len(locations))
    return [
        HostileCase(locations[i % len(locations)], PAYLOADS[i % len(PAYLOADS)])
        for i in range(count)
    ]


@pytest.mark.parametrize("target", TARGETS)
def test_hostile_snippets_parse_with_a_real_parser(target):
    failures = []
    for case in _sampled_cases():
        for snippet in render_all(hostile_record(case), target):
            try:
                result = check(target, snippet)
            except ToolMissing as missing:
                if os.environ.get("APICALL_REQUIRE_EDITOR_TESTS"):
                    raise
                pytest.skip(f"{missing} is not installed")
            if not result.ok:
                failures.append((case.label, result.message))
    assert not failures, failures[:10]


def _stand_ins(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A PATH whose `curl` only prints its arguments and whose `PWN` leaves a marker file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    marker = tmp_path / "pwned"
    for name, body in (
        ("curl", 'printf "%s\\n" "$@"\n'),
        ("PWN", f"touch {marker}\n"),
    ):
        path = bin_dir / name
        path.write_text("#!/bin/sh\n" + body)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    return env, marker


@pytest.mark.parametrize("target", SHELL_TARGETS)
def test_running_shell_snippets_never_runs_the_payload(target, hostile_records, tmp_path):
    env, marker = _stand_ins(tmp_path)
    ran = 0
    script_lines = []
    for _case, record in hostile_records.items():
        for snippet in render_all(record, target):
            script_lines.append(f"( {snippet.code}\n) >/dev/null 2>&1")
            ran += 1
    # One bash process for the lot: each snippet in its own subshell.
    script = tmp_path / "snippets.sh"
    script.write_text("\n".join(script_lines) + "\n")
    done = subprocess.run(
        ["bash", str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ran == len(hostile_records)
    assert not marker.exists(), "a hostile spec string ran a command"
    assert "syntax error" not in done.stderr, done.stderr[:500]
