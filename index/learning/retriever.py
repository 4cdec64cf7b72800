"""The in-domain retriever: the static word-piece table fine-tuned on developer comments.

Data: (comment, the operation's text, a sibling operation's text) triples from the train split.
Loss: sentence-transformers' MultipleNegativesRankingLoss (in-batch negatives plus the hard
negative: the sibling). Model: sentence-transformers' StaticEmbedding, started from the table
distilled from all-MiniLM-L6-v2, so that words the comments never use keep their meaning. The
result is again one vector per word piece, so the whole catalog still embeds in seconds.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Triple:
    query: str
    positive: str
    negative: str


@dataclass(frozen=True)
class RetrieverRecipe:
    epochs: int = 4
    batch_size: int = 128
    learning_rate: float = 0.05
    scale: float = 20.0  # MNRL's similarity scale (inverse temperature)
    seed: int = 13


@dataclass
class RetrieverResult:
    table: np.ndarray  # (vocabulary, dimension) float32
    losses: list[float]  # mean loss of each step


def train_static_retriever(
    triples: Sequence[Triple],
    table: np.ndarray,
    tokenizer_file: Path,
    recipe: RetrieverRecipe = RetrieverRecipe(),
    progress: Callable[[int, int, float], None] | None = None,
) -> RetrieverResult:
    """Fine-tune `table` on the triples; returns the new table and the loss of every step."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.losses import MultipleNegativesRankingLoss
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Tokenizer

    torch.manual_seed(recipe.seed)
    rng = random.Random(recipe.seed)
    static = StaticEmbedding(
        Tokenizer.from_file(str(tokenizer_file)), embedding_weights=table.astype(np.float32)
    )
    model = SentenceTransformer(modules=[static], device="cpu")
    loss_fn = MultipleNegativesRankingLoss(model, scale=recipe.scale)
    optimizer = torch.optim.Adagrad(model.parameters(), lr=recipe.learning_rate)
    order = list(triples)
    steps_per_epoch = max(1, len(order) // recipe.batch_size)
    total = steps_per_epoch * recipe.epochs
    losses: list[float] = []
    model.train()
    for _ in range(recipe.epochs):
        rng.shuffle(order)
        for step in range(steps_per_epoch):
            batch = order[step * recipe.batch_size : (step + 1) * recipe.batch_size]
            features = [
                static.preprocess([t.query for t in batch]),
                static.preprocess([t.positive for t in batch]),
                static.preprocess([t.negative for t in batch]),
            ]
            loss = loss_fn(features, labels=None)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(float(loss.detach()))
            if progress:
                progress(len(losses), total, losses[-1])
    weights = static.embedding.weight.detach().cpu().numpy().astype(np.float32)
    return RetrieverResult(weights, losses)
