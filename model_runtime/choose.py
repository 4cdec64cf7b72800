"""Choosing among candidate operations, with a confidence: the model's probability of each
candidate's number as its answer, from a single prefill (no sampling)."""

from __future__ import annotations

from typing import Any

from apicall.index.control import RequestControl
from apicall.index.model_port import Choice

from .generation import format_chat, next_token_distribution
from .prompts import choice_messages
from .runtime import ModelRuntime

MAX_CANDIDATES = 9


def choose_candidate(
    runtime: ModelRuntime,
    instruction: str,
    candidates: list[str],
    control: RequestControl | None = None,
) -> Choice:
    """`candidates` are one-line descriptions, e.g. "GET /users/{username}/repos: List ... (GitHub)"."""
    shown = candidates[:MAX_CANDIDATES]
    if len(shown) == 1:
        return Choice(0, 1.0, [1.0])

    def work(llm: Any, ctl: RequestControl) -> list[float]:
        prompt = format_chat(llm, choice_messages(instruction, shown))
        return next_token_distribution(llm, prompt, [str(i) for i in range(1, len(shown) + 1)], ctl)

    probabilities = runtime.run(work, control)
    best = max(range(len(probabilities)), key=probabilities.__getitem__)
    return Choice(best, probabilities[best], probabilities)
