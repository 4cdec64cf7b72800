"""docs/EVAL.md and its chart."""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

from ..doc_sections import write_section
from .natural import NaturalOutcome
from .runner import SETTINGS, Outcome

PAPER = {  # API Pack paper, CodeLlama-13B fine-tuned, 3-shot retrieved: endpoint / API call
    1: (63.5, 55.5),
    2: (56.8, 51.4),
    3: (56.1, 49.5),
}
GPT4_LEVEL3 = (53.5, 44.3)


def _pct(values: list[bool]) -> str:
    return f"{100 * sum(values) / len(values):.1f}" if values else "-"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if ordered else 0.0


def write_report(
    outcomes: list[Outcome],
    out: Path,
    command: str,
    notes: list[str],
    natural: list[NaturalOutcome] | None = None,
) -> None:
    by = defaultdict(list)
    for o in outcomes:
        by[(o.setting, o.level)].append(o)
    lines = [
        f"Command: `{command}`; measured {time.strftime('%Y-%m-%d')} on this 2-core CPU machine.",
        "",
        *notes,
        "",
        "## Accuracy by setting and level (endpoint % / API call % / hallucination %)",
        "",
        "| setting | level 1 | level 2 | level 3 | n |",
        "|---|---|---|---|---|",
    ]
    for setting in SETTINGS:
        cells, n = [], 0
        for level in (1, 2, 3):
            rows = by.get((setting, level), [])
            n += len(rows)
            cells.append(
                f"{_pct([r.endpoint for r in rows])} / {_pct([r.call for r in rows])} / "
                f"{_pct([r.hallucination for r in rows])}"
                if rows
                else "-"
            )
        if n:
            lines.append(f"| {setting} | {' | '.join(cells)} | {n} |")
    lines += [
        "| paper: CodeLlama-13B fine-tuned, 3-shot retrieved | "
        + " | ".join(f"{PAPER[lv][0]} / {PAPER[lv][1]} / -" for lv in (1, 2, 3))
        + " | |",
        f"| paper: GPT-4, level 3 | - | - | {GPT4_LEVEL3[0]} / {GPT4_LEVEL3[1]} / - | |",
        "",
        "## Every setting by target and level (endpoint % / API call %)",
        "",
        "| setting | target | level 1 | level 2 | level 3 | n |",
        "|---|---|---|---|---|---|",
    ]
    by_target = defaultdict(list)
    for o in outcomes:
        by_target[(o.setting, o.target, o.level)].append(o)
    targets = sorted({o.target for o in outcomes})
    for setting in SETTINGS:
        for target in targets:
            levels = [by_target.get((setting, target, level), []) for level in (1, 2, 3)]
            if not any(levels):
                continue
            lines.append(
                f"| {setting} | {target} | "
                + " | ".join(
                    f"{_pct([r.endpoint for r in c])} / {_pct([r.call for r in c])}" if c else "-"
                    for c in levels
                )
                + f" | {sum(len(c) for c in levels)} |"
            )
    lines += [
        "",
        "## The engine by target and by whether the instruction names the API",
        "",
        "| target | names the API | endpoint % | API call % | hallucination % | n |",
        "|---|---|---|---|---|---|",
    ]
    engine = [o for o in outcomes if o.setting == "engine"]
    groups = defaultdict(list)
    for o in engine:
        groups[(o.target, o.names_api)].append(o)
    for (target, named), rows in sorted(groups.items()):
        lines.append(
            f"| {target} | {'yes' if named else 'no'} | {_pct([r.endpoint for r in rows])} | "
            f"{_pct([r.call for r in rows])} | {_pct([r.hallucination for r in rows])} | {len(rows)} |"
        )
    level3_named = [o for o in engine if o.level == 3 and o.names_api]
    level3_unnamed = [o for o in engine if o.level == 3 and not o.names_api]
    lines += [
        "",
        f"Engine at level 3, whole catalog indexed: instructions naming the API "
        f"{_pct([o.endpoint for o in level3_named])}% endpoint / "
        f"{_pct([o.call for o in level3_named])}% API call (n={len(level3_named)}); not naming it "
        f"{_pct([o.endpoint for o in level3_unnamed])}% / {_pct([o.call for o in level3_unnamed])}% "
        f"(n={len(level3_unnamed)}).",
        "",
        *_natural_section(natural or []),
        "## Latency (ms)",
        "",
        "| setting | stage | p50 | p95 |",
        "|---|---|---|---|",
    ]
    for setting in SETTINGS:
        rows = [o for o in outcomes if o.setting == setting]
        if not rows:
            continue
        stages = sorted({k for o in rows for k in o.timings_ms})
        for stage in stages:
            values = [o.timings_ms[stage] for o in rows if stage in o.timings_ms]
            lines.append(
                f"| {setting} | {stage} | {_percentile(values, 50):.1f} | "
                f"{_percentile(values, 95):.1f} |"
            )
    lines += ["", "![accuracy by setting and level](eval.png)", ""]
    # The ranking bench writes its own section of the same document.
    write_section(out, "eval", "\n".join(lines), "# Evaluation\n")
    _chart(by, out.with_name("eval.png"))


def _natural_section(natural: list[NaturalOutcome]) -> list[str]:
    if not natural:
        return []
    first = sum(o.rank == 1 for o in natural)
    top3 = sum(o.rank is not None for o in natural)
    lines = [
        "## Hand-written instructions",
        "",
        f"{len(natural)} comments written by hand the way a developer would (`index/evaluation/"
        "natural.jsonl`), each with the operation a person familiar with the API would pick; "
        "a candidate counts only if it is that method and path in that spec. The engine put it "
        f"first for {first}/{len(natural)} ({100 * first / len(natural):.0f}%) and in the top 3 "
        f"for {top3}/{len(natural)} ({100 * top3 / len(natural):.0f}%).",
        "",
        "| instruction | expected | engine's first answer | rank of expected |",
        "|---|---|---|---|",
    ]
    for o in natural:
        if o.rank == 1:
            continue
        q = o.query
        lines.append(
            f"| {q.instruction} | {q.method} {q.path} ({q.spec}) | {o.chosen} | "
            f"{o.rank if o.rank else '> 3'} |"
        )
    return [*lines, ""]


def _chart(by: dict[tuple[str, int], list[Outcome]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    settings = [s for s in SETTINGS if any((s, lv) in by for lv in (1, 2, 3))]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), sharey=True)
    for axis, level in zip(axes, (1, 2, 3), strict=True):
        endpoint = [
            100
            * sum(o.endpoint for o in by.get((s, level), []))
            / max(len(by.get((s, level), [])), 1)
            for s in settings
        ]
        call = [
            100 * sum(o.call for o in by.get((s, level), [])) / max(len(by.get((s, level), [])), 1)
            for s in settings
        ]
        x = range(len(settings))
        axis.bar([i - 0.2 for i in x], endpoint, width=0.4, label="endpoint")
        axis.bar([i + 0.2 for i in x], call, width=0.4, label="API call")
        axis.axhline(
            PAPER[level][0], color="gray", linestyle="--", linewidth=1, label="paper endpoint"
        )
        axis.set_xticks(list(x))
        axis.set_xticklabels(settings, rotation=35, ha="right", fontsize=8)
        axis.set_title(f"level {level}")
    axes[0].set_ylabel("%")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
