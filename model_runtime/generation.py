"""Token-level primitives over a loaded llama.cpp model, all honouring a RequestControl."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from apicall.index.control import RequestControl

from .errors import PromptTooLong


@dataclass
class Completion:
    text: str
    prompt_tokens: int
    completion_tokens: int
    prefill_seconds: float
    decode_seconds: float
    finish_reason: str  # stop | length | cancelled | timeout


def format_chat(llm: Any, messages: list[dict[str, str]]) -> str:
    """The model's own chat template (from its GGUF metadata), ready for a completion."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        text = "".join(f"{m['role']}: {m['content']}\n" for m in messages)
        return text + "assistant: "
    eos = llm.detokenize([llm.token_eos()]).decode("utf-8", "ignore")
    bos = llm.detokenize([llm.token_bos()]).decode("utf-8", "ignore")
    formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)
    return str(formatter(messages=messages).prompt)  # type: ignore[arg-type]


def complete(
    llm: Any,
    prompt: str,
    control: RequestControl,
    *,
    max_tokens: int = 128,
    grammar: Any = None,
    stop: list[str] | None = None,
) -> Completion:
    """Greedy completion, streamed so that a cancel or the deadline stops it between tokens."""
    from llama_cpp import StoppingCriteriaList

    prompt_tokens = len(llm.tokenize(prompt.encode("utf-8"), special=True))
    _check_fits(llm, prompt_tokens, MIN_ANSWER_TOKENS)
    max_tokens = min(max_tokens, llm.n_ctx() - prompt_tokens)
    started = time.perf_counter()
    first_token_at: float | None = None
    pieces: list[str] = []
    finish = "stop"
    stream = llm.create_completion(
        prompt,
        max_tokens=max_tokens,
        temperature=0.0,
        top_k=1,
        repeat_penalty=1.0,
        grammar=grammar,
        stop=stop or [],
        stream=True,
        stopping_criteria=StoppingCriteriaList([lambda _ids, _logits: control.should_stop()]),
    )
    try:
        for chunk in stream:
            if first_token_at is None:
                first_token_at = time.perf_counter()
            choice = chunk["choices"][0]
            pieces.append(choice.get("text") or "")
            if choice.get("finish_reason"):
                finish = choice["finish_reason"]
            if control.should_stop():
                break
    finally:
        stream.close()
    ended = time.perf_counter()
    if control.cancel_event.is_set():
        finish = "cancelled"
    elif control.deadline is not None and time.monotonic() > control.deadline:
        finish = "timeout"
    text = "".join(pieces)
    completion_tokens = len(llm.tokenize(text.encode("utf-8"), add_bos=False)) if text else 0
    first = first_token_at or ended
    return Completion(
        text, prompt_tokens, completion_tokens, first - started, ended - first, finish
    )


MIN_ANSWER_TOKENS = 8  # below this no answer is worth generating


def _check_fits(llm: Any, prompt_tokens: int, answer_tokens: int) -> None:
    if prompt_tokens + answer_tokens > llm.n_ctx():
        raise PromptTooLong(
            f"prompt of {prompt_tokens} tokens leaves no room for a {answer_tokens}-token answer "
            f"in the model's {llm.n_ctx()}-token context"
        )


def next_token_distribution(
    llm: Any, prompt: str, candidates: list[str], control: RequestControl
) -> list[float]:
    """Probabilities of each candidate string as the next token after `prompt` (normalised over
    the candidates), from one prefill that reuses the cached prefix of the previous prompt."""
    control.raise_if_stopped()
    tokens = llm.tokenize(prompt.encode("utf-8"), special=True)
    _check_fits(llm, len(tokens), 1)
    common = llm.longest_token_prefix(llm._input_ids.tolist(), tokens) if llm.n_tokens else 0
    common = min(common, len(tokens) - 1)
    llm.n_tokens = common
    llm.eval(tokens[common:])
    # Without logits_all, llama-cpp-python keeps only the last position's logits in the context.
    logits = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),))
    ids = [llm.tokenize(c.encode("utf-8"), add_bos=False, special=False)[0] for c in candidates]
    values = [float(logits[i]) for i in ids]
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    total = sum(exps)
    return [e / total for e in exps]
