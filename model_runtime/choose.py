"""Choosing among candidate operations, with a confidence: the model's probability of each
candidate's number as its answer, from a single prefill (no sampling)."""

from __future__ import annotations

from typing import Any

from apicall.index.control import RequestControl
from apicall.index.model_port import Choice

from .generation import format_chat, next_token_distribution
from .prompts import NONE_OF_THEM, choice_messages
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
    answers = [NONE_OF_THEM, *(str(i) for i in range(1, len(shown) + 1))]

    def work(llm: Any, ctl: RequestControl) -> list[float]:
        prompt = format_chat(llm, choice_messages(instruction, shown))
        return next_token_distribution(llm, prompt, answers, ctl)

    return choice_of(runtime.run(work, control))


def choice_of(distribution: list[float]) -> Choice:
    """From the probabilities of "0" (none of them) and of each candidate's number."""
    none, listed = distribution[0], distribution[1:]
    total = sum(listed) or 1.0
    probabilities = [p / total for p in listed]
    best = max(range(len(listed)), key=listed.__getitem__)
    if none > listed[best]:
        return Choice(-1, none, probabilities, none)
    return Choice(best, listed[best], probabilities, none)
