"""What the pipeline asks of a model. `apicall.model_runtime` implements it with llama.cpp; the
pipeline runs without one (the comment reader fills, the ranking chooses), and never imports it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .arguments import Field
    from .control import RequestControl
    from .records import OperationRecord


@dataclass(frozen=True)
class Choice:
    index: int  # into the candidates given; -1: none of them fits
    confidence: float  # the model's probability of that answer
    probabilities: list[float]  # of each candidate, normalised over the candidates
    none_probability: float = 0.0


@dataclass(frozen=True)
class Example:
    """A retrieved (instruction, code) pair shown to the model (the paper's 3-shot setting)."""

    instruction: str
    output: str


def candidate_line(method: str, path: str, what: str, api: str) -> str:
    """One candidate as the model is shown it (at choice time and in its training)."""
    return f"{method} {path}: {what} ({api})"


class CallModel(Protocol):
    def propose_values(
        self,
        record: OperationRecord,
        fields: list[Field],
        instruction: str,
        context: str,
        control: RequestControl | None,
    ) -> str:
        """A JSON object of values for `fields`, as text; the caller keeps only grounded ones."""
        ...

    def choose(
        self, instruction: str, candidates: list[str], control: RequestControl | None
    ) -> Choice:
        """Which of the one-line candidate descriptions the instruction asks for."""
        ...

    def generate_call(
        self,
        instruction: str,
        lang: str,
        api_description: str,
        examples: list[Example],
        control: RequestControl | None,
        max_tokens: int = 256,
    ) -> str:
        """Free generation of the whole call (the paper's method)."""
        ...
