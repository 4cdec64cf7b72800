"""Writing one benchmark's section into docs/PERFORMANCE.md, between markers."""

from __future__ import annotations

import re
from pathlib import Path

PERFORMANCE = Path(__file__).resolve().parent.parent / "docs" / "PERFORMANCE.md"
HEADER = "# Performance\n\nEvery number here was produced by the command given in its section.\n"


def write_section(name: str, body: str, path: Path = PERFORMANCE) -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text() if path.exists() else HEADER
    block = f"{start}\n{body.rstrip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    text = (
        pattern.sub(lambda _: block, text) if pattern.search(text) else text + "\n" + block + "\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def latency_row(label: str, values: list[float], target: str = "") -> str:
    """`| label | n | p50 | p95 | target |` in milliseconds."""
    return (
        f"| {label} | {len(values)} | {percentile(values, 50):.0f} | "
        f"{percentile(values, 95):.0f} | {target} |"
    )


def publish(name: str, lines: list[str]) -> int:
    """The section into docs/PERFORMANCE.md and onto stdout; the bench's exit status."""
    write_section(name, "\n".join(lines))
    print("\n".join(lines))
    return 0
