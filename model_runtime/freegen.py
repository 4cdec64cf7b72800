"""Free generation of a whole API call with the paper's prompt (for comparison, and for when no
indexed operation fits)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apicall.index.control import RequestControl
from apicall.index.model_port import Example

from .generation import Completion, complete
from .prompts import PAPER_STOP, paper_prompt
from .runtime import ModelRuntime


@dataclass(frozen=True)
class GeneratedCall:
    code: str
    completion: Completion


def generate_call(
    runtime: ModelRuntime,
    instruction: str,
    lang: str,
    api_description: str,
    examples: list[Example] | None = None,
    control: RequestControl | None = None,
    max_tokens: int = 256,
    adapter: bool = False,
) -> GeneratedCall:
    """The paper's free generation. `adapter`: with the LoRA adapter on (it was trained for
    choosing and filling and cuts whole calls short, so the product runs the base model;
    `apicall eval` measures both)."""
    prompt = paper_prompt(instruction, lang, api_description, examples)

    def work(llm: Any, ctl: RequestControl) -> Completion:
        return complete(llm, prompt, ctl, max_tokens=max_tokens, stop=PAPER_STOP)

    completion = runtime.run(work, control, adapter=adapter)
    return GeneratedCall(completion.text.strip(), completion)
