"""`CallModel` (apicall.index.model_port) over a llama.cpp `ModelRuntime`."""

from __future__ import annotations

from dataclasses import dataclass

from apicall.index.arguments import Field
from apicall.index.control import RequestControl
from apicall.index.model_port import Choice, Example
from apicall.index.records import OperationRecord

from .choose import choose_candidate
from .fill import propose_values
from .freegen import generate_call
from .runtime import ModelRuntime


@dataclass
class LlamaCallModel:
    runtime: ModelRuntime
    generate_with_adapter: bool = False  # free generation by the fine-tuned model (eval only)

    def propose_values(
        self,
        record: OperationRecord,
        fields: list[Field],
        instruction: str,
        context: str,
        control: RequestControl | None,
    ) -> str:
        return propose_values(self.runtime, record, fields, instruction, context, control)

    def choose(
        self, instruction: str, candidates: list[str], control: RequestControl | None
    ) -> Choice:
        return choose_candidate(self.runtime, instruction, candidates, control)

    def generate_call(
        self,
        instruction: str,
        lang: str,
        api_description: str,
        examples: list[Example],
        control: RequestControl | None,
        max_tokens: int = 256,
    ) -> str:
        return generate_call(
            self.runtime,
            instruction,
            lang,
            api_description,
            examples,
            control,
            max_tokens,
            adapter=self.generate_with_adapter,
        ).code
