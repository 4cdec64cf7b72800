"""Fine-tuning the cross-encoder (index/cross_encoder.py) on the train comments' ranked lists.

Data: each train comment with the learned reranker's first candidates over the index, the
answer among them; loss: softmax cross-entropy of the answer against the reranker's best other
candidates (the siblings it confuses); evaluator: the blend with the reranker's scores that
ranks the dev lists best; trainer: AdamW with a linear warm-up and decay. The word-piece table
stays frozen (it ships in the registry package, not in the artifact)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..cross_encoder import WORD_TABLE, Blend, CrossEncoder, blended_scores
from ..ranking import LearnedReranker
from .reranker import CandidateLists

HEADS = 12  # all-MiniLM-L6-v2's attention heads
BLEND_DEPTHS = (4, 6, 8)
BLEND_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)


@dataclass(frozen=True)
class CrossEncoderRecipe:
    comments: int = 11015  # train comments it learns from: all of them
    layers: int = 3  # of the base model's 6: half the run-time cost (the list's 100 ms)
    group: int = 6  # the answer and the reranker's best 5 other candidates
    # Dev lists' top-1 over the reranker: 7,000 comments 1 epoch +1.4, 2 epochs +2.0 to +2.3;
    # all 11,015 for 1.5 epochs (about the same steps) +2.8, within the 45 minutes.
    epochs: float = 1.5
    comments_per_step: int = 8
    learning_rate: float = 1e-4
    warmup: float = 0.1
    max_tokens: int = 64
    seed: int = 13


@dataclass(frozen=True)
class RankedList:
    """A comment and the reranker's first candidates: their texts, scores and which is the
    answer."""

    comment: str
    texts: tuple[str, ...]
    scores: tuple[float, ...]
    answers: tuple[bool, ...]


@dataclass
class TrainedCrossEncoder:
    weights: dict[str, np.ndarray]
    recipe: CrossEncoderRecipe
    losses: list[float] = field(default_factory=list)


def reranked_lists(
    lists: CandidateLists,
    reranker: LearnedReranker,
    depth: int,
) -> list[RankedList]:
    """Each comment's first `depth` candidates in the learned reranker's order, read from the
    reranker's own data (out-of-fold for train comments, so that their lists are as hard as a
    new comment's), one per candidate text: copies of one call read the same."""
    ranked_lists = []
    for features, labels, comment, texts in zip(
        lists.features, lists.labels, lists.comments, lists.texts, strict=True
    ):
        scores = reranker.scores(features)
        first: dict[str, tuple[float, bool]] = {}
        for i in np.argsort(-scores, kind="stable"):
            if texts[i] in first or len(first) < depth:
                score, answer = first.get(texts[i], (float(scores[i]), False))
                first[texts[i]] = (score, answer or bool(labels[i]))
        head = list(first.items())
        ranked_lists.append(
            RankedList(
                comment.comment,
                tuple(text for text, _ in head),
                tuple(score for _, (score, _) in head),
                tuple(answer for _, (_, answer) in head),
            )
        )
    return ranked_lists


def training_groups(lists: Sequence[RankedList], size: int) -> list[tuple[str, list[str]]]:
    """(comment, [answer, hardest others...]) for each list that holds its answer."""
    groups = []
    for ranked in lists:
        answers = [t for t, a in zip(ranked.texts, ranked.answers, strict=True) if a]
        others = [t for t, a in zip(ranked.texts, ranked.answers, strict=True) if not a]
        if answers and others:
            groups.append((ranked.comment, [answers[0], *others[: size - 1]]))
    return groups


def train_cross_encoder(
    lists: Sequence[RankedList],
    base_dir: Path,
    recipe: CrossEncoderRecipe,
    progress: Callable[[int, int, float], None] | None = None,
) -> TrainedCrossEncoder:
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    # The base model's unused pooler would print a load report and a bar into the stage's bars.
    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()
    torch.manual_seed(recipe.seed)
    rng = random.Random(recipe.seed)
    groups = training_groups(lists, recipe.group)
    if not groups:
        raise ValueError("no train comment has its answer among the reranker's candidates")
    tokenizer = AutoTokenizer.from_pretrained(str(base_dir))
    encoder = AutoModel.from_pretrained(str(base_dir), add_pooling_layer=False)
    encoder.encoder.layer = encoder.encoder.layer[: recipe.layers]
    encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    head = torch.nn.Linear(encoder.config.hidden_size, 1)
    params = [p for p in encoder.parameters() if p.requires_grad] + list(head.parameters())
    optimiser = torch.optim.AdamW(params, lr=recipe.learning_rate, weight_decay=0.01)
    steps = max(1, int(len(groups) * recipe.epochs / recipe.comments_per_step))
    warmup = max(1.0, recipe.warmup * steps)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (steps - step) / steps)
    )
    order: list[int] = []
    while len(order) < steps * recipe.comments_per_step:
        epoch = list(range(len(groups)))
        rng.shuffle(epoch)
        order += epoch
    trained = TrainedCrossEncoder({}, recipe)
    encoder.train()
    for step in range(steps):
        batch = [
            groups[i] for i in order[step * recipe.comments_per_step :][: recipe.comments_per_step]
        ]
        firsts = [comment for comment, texts in batch for _ in texts]
        seconds = [text for _, texts in batch for text in texts]
        encoded = tokenizer(
            firsts,
            seconds,
            truncation="only_second",
            max_length=recipe.max_tokens,
            padding=True,
            return_tensors="pt",
        )
        hidden = encoder(**encoded).last_hidden_state
        mask = encoded["attention_mask"].unsqueeze(-1).float()
        logits = head((hidden * mask).sum(1) / mask.sum(1)).squeeze(-1)
        loss = torch.stack(
            [
                torch.nn.functional.cross_entropy(
                    part.unsqueeze(0), torch.zeros(1, dtype=torch.long)
                )
                for part in torch.split(logits, [len(texts) for _, texts in batch])
            ]
        ).mean()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimiser.step()
        schedule.step()
        optimiser.zero_grad()
        trained.losses.append(float(loss.item()))
        if progress:
            progress(step + 1, steps, float(np.mean(trained.losses[-50:])))
    state = {name: value.detach().numpy() for name, value in encoder.state_dict().items()}
    state.pop("embeddings.position_ids", None)
    state[WORD_TABLE] = encoder.embeddings.word_embeddings.weight.detach().numpy()
    state["head.weight"] = head.weight.detach().numpy()
    state["head.bias"] = head.bias.detach().numpy()
    trained.weights = {name: np.array(value, dtype=np.float32) for name, value in state.items()}
    return trained


def fits_of(
    cross_encoder: CrossEncoder,
    lists: Sequence[RankedList],
    depth: int,
    progress: Callable[[], None] | None = None,
) -> list[np.ndarray]:
    """The cross-encoder's score of each list's first `depth` candidates."""
    fits = []
    for ranked in lists:
        fits.append(cross_encoder.scores(ranked.comment, ranked.texts[:depth]))
        if progress:
            progress()
    return fits


def blended_rank(ranked: RankedList, fit: np.ndarray, depth: int, weight: float) -> int | None:
    """Where the answer lands once the first `depth` candidates are reordered by the blend
    (CrossEncoder.reorder's rule); None when it is not in the list."""
    head = min(depth, len(ranked.texts), len(fit))
    scores = blended_scores(ranked.scores[:head], fit[:head], weight)
    order = [int(i) for i in np.argsort(-scores, kind="stable")] + list(
        range(head, len(ranked.texts))
    )
    return next((place for place, i in enumerate(order, 1) if ranked.answers[i]), None)


def choose_blend(
    lists: Sequence[RankedList], fits: Sequence[np.ndarray], recipe: CrossEncoderRecipe
) -> tuple[Blend, dict[str, Any]]:
    """The depth and weight that put the answer first most often on these (dev) lists, with
    the top-1 / top-3 of every pair tried (weight 0: the reranker alone)."""
    table: dict[str, dict[str, float]] = {}
    best = (-1.0, Blend(depth=BLEND_DEPTHS[0], weight=0.0, max_tokens=recipe.max_tokens))
    for depth in BLEND_DEPTHS:
        for weight in BLEND_WEIGHTS:
            ranks = [blended_rank(r, f, depth, weight) for r, f in zip(lists, fits, strict=True)]
            top1 = 100 * float(np.mean([rank == 1 for rank in ranks]))
            top3 = 100 * float(np.mean([rank is not None and rank <= 3 for rank in ranks]))
            table[f"depth {depth}, weight {weight}"] = {
                "top1": round(top1, 2),
                "top3": round(top3, 2),
            }
            if top1 > best[0] + 1e-9:
                best = (top1, Blend(depth=depth, weight=weight, max_tokens=recipe.max_tokens))
    return best[1], table
