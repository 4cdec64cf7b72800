"""A LoRA of the bundled model, trained with peft on CPU: the GGUF dequantized by transformers
(`gguf_file=`), the loss on the answer tokens only, a tqdm bar per step.

Only modules whose weights llama.cpp stores as they are in transformers are adapted (v, o and the
MLP): the q and k projections are permuted between the two formats, and an adapter of them would
need the same permutation on export.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .tasks import TaskItem

TARGET_MODULES = ("v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass(frozen=True)
class LoraRecipe:
    rank: int = 8
    alpha: int = 16
    dropout: float = 0.05
    learning_rate: float = 3e-4
    epochs: int = 1
    batch_size: int = 4
    max_tokens: int = 320  # longer items are cut from the left of the prompt (never the answer)
    seed: int = 5
    targets: tuple[str, ...] = field(default=TARGET_MODULES)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TrainedLora:
    model: Any  # the peft model
    tokenizer: Any
    recipe: LoraRecipe
    losses: list[float]
    tokens_seen: int
    seconds: float


def load_base(gguf: Path) -> tuple[Any, Any]:
    """The GGUF model and its tokenizer in transformers (dequantized to float32)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(
        str(gguf.parent), gguf_file=gguf.name, torch_dtype=torch.float32
    )
    return model, tokenizer


def encode(tokenizer: Any, item: TaskItem, max_tokens: int) -> tuple[list[int], list[int]]:
    """Input ids and labels: the chat prompt as llama.cpp formats it, then the answer and the
    end-of-turn token; labels are -100 on the prompt so that only the answer is learned."""
    prompt = tokenizer.apply_chat_template(
        item.messages, tokenize=False, add_generation_prompt=True
    )
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    answer_ids = tokenizer(item.answer, add_special_tokens=False)["input_ids"]
    answer_ids.append(tokenizer.convert_tokens_to_ids("<|im_end|>"))
    keep = max(0, max_tokens - len(answer_ids))
    prompt_ids = prompt_ids[-keep:] if keep else []
    return prompt_ids + answer_ids, [-100] * len(prompt_ids) + answer_ids


def train_lora(
    model: Any,
    tokenizer: Any,
    items: Sequence[TaskItem],
    recipe: LoraRecipe,
    progress: Callable[[int, int, float, int], None] | None = None,
) -> TrainedLora:
    import time

    import torch
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(recipe.seed)
    config = LoraConfig(
        r=recipe.rank,
        lora_alpha=recipe.alpha,
        lora_dropout=recipe.dropout,
        target_modules=list(recipe.targets),
        bias="none",
        task_type="CAUSAL_LM",
    )
    peft_model = get_peft_model(model, config)
    peft_model.train()
    optimizer = torch.optim.AdamW(
        [p for p in peft_model.parameters() if p.requires_grad], lr=recipe.learning_rate
    )
    encoded = [encode(tokenizer, item, recipe.max_tokens) for item in items]
    order = list(range(len(encoded)))
    rng = random.Random(recipe.seed)
    batches = []
    for _ in range(recipe.epochs):
        rng.shuffle(order)
        batches += [
            order[i : i + recipe.batch_size] for i in range(0, len(order), recipe.batch_size)
        ]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    losses: list[float] = []
    tokens = 0
    started = time.perf_counter()
    for step, batch in enumerate(batches, start=1):
        width = max(len(encoded[i][0]) for i in batch)
        ids = torch.full((len(batch), width), pad, dtype=torch.long)
        labels = torch.full((len(batch), width), -100, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, i in enumerate(batch):
            input_ids, label_ids = encoded[i]
            ids[row, : len(input_ids)] = torch.tensor(input_ids)
            labels[row, : len(label_ids)] = torch.tensor(label_ids)
            mask[row, : len(input_ids)] = 1
        loss = peft_model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(float(loss.detach()))
        tokens += int(mask.sum())
        if progress:
            progress(step, len(batches), losses[-1], tokens)
    peft_model.eval()
    return TrainedLora(peft_model, tokenizer, recipe, losses, tokens, time.perf_counter() - started)
