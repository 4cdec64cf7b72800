"""Writing one benchmark's section into docs/PERFORMANCE.md, between markers."""

from __future__ import annotations

from pathlib import Path

from apicall.index import doc_sections

PERFORMANCE = Path(__file__).resolve().parent.parent / "docs" / "PERFORMANCE.md"
HEADER = "# Performance\n\nEvery number here was produced by the command given in its section.\n"


def write_section(name: str, body: str, path: Path = PERFORMANCE) -> None:
    doc_sections.write_section(path, name, body, HEADER)


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
