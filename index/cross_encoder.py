"""The cross-encoder: reads a comment and one candidate together and scores how well they fit.

The learned reranker scores each candidate from features of the two taken apart; a sibling in
the same spec ("turn on auto-forwarding": the PUT of /settings/autoForwarding, not its GET) often
differs only in how its words relate to the comment's. This small transformer (the first layers
of all-MiniLM-L6-v2, fine-tuned on the train comments by `apicall train`) reads both at once, and
reorders only the reranker's first few candidates, adding its score to theirs with a weight
chosen on dev. It runs in numpy (no torch at run time): the word-piece table comes from the
registry package the embedder already needs; the trained layers are shipped in float16.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from .errors import ApicallError

LOG = logging.getLogger(__name__)
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CROSS_ENCODER_FILE = "cross_encoder.npz"
WORD_TABLE = "embeddings.word_embeddings.weight"  # frozen in training: read from the package
_LAYER_NORM_EPSILON = 1e-12

Item = TypeVar("Item")


@dataclass(frozen=True)
class Blend:
    """How the cross-encoder's scores join the reranker's: over its first `depth` candidates,
    the reranker's score plus `weight` times the cross-encoder's (less the best of them)."""

    depth: int = 8
    weight: float = 0.75
    max_tokens: int = 64


class CrossEncoder:
    def __init__(
        self,
        weights: dict[str, np.ndarray],
        layers: int,
        heads: int,
        tokenizer_file: Path,
        blend: Blend,
    ):
        from tokenizers import Tokenizer

        self.weights = weights
        self.layers = layers
        self.heads = heads
        self.blend = blend
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.enable_truncation(blend.max_tokens, strategy="only_second")
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    @classmethod
    def load(cls, path: Path, base_dir: Path) -> CrossEncoder:
        """The trained layers at `path` over the word-piece table of the base model folder."""
        from safetensors import safe_open

        with np.load(path) as stored:
            meta = json.loads(str(stored["meta"]))
            weights = {k: stored[k].astype(np.float32) for k in stored.files if k != "meta"}
        with safe_open(str(base_dir / "model.safetensors"), framework="numpy") as base:
            weights[WORD_TABLE] = base.get_tensor(WORD_TABLE).astype(np.float32)
        blend = Blend(**meta["blend"])
        return cls(weights, meta["layers"], meta["heads"], base_dir / "tokenizer.json", blend)

    def scores(self, comment: str, texts: Sequence[str]) -> np.ndarray:
        """How well each text fits the comment (higher fits better), one forward pass."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        encoded = self.tokenizer.encode_batch([(comment, text) for text in texts])
        ids = np.array([e.ids for e in encoded])
        types = np.array([e.type_ids for e in encoded])
        mask = np.array([e.attention_mask for e in encoded], dtype=np.float32)
        return self._forward(ids, types, mask)

    def reorder(
        self, comment: str, ranked: list[tuple[Item, float]], text_of: Callable[[Item], str]
    ) -> list[tuple[Item, float]]:
        """A best-first list with its first `depth` in the blended order, each with its blended
        score; the rest stay as they were. Callers read the order: a blended score may fall
        below a later candidate's reranker score."""
        depth = min(self.blend.depth, len(ranked))
        if depth < 2:
            return ranked
        head = ranked[:depth]
        fit = self.scores(comment, [text_of(item) for item, _ in head])
        blended = blended_scores([score for _, score in head], fit, self.blend.weight)
        order = np.argsort(-blended, kind="stable")
        return [(head[i][0], float(blended[i])) for i in order] + ranked[depth:]

    def _forward(self, ids: np.ndarray, types: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.weights
        count, length = ids.shape
        x = (
            w[WORD_TABLE][ids]
            + w["embeddings.position_embeddings.weight"][np.arange(length)][None]
            + w["embeddings.token_type_embeddings.weight"][types]
        )
        x = _layer_norm(x, w, "embeddings.LayerNorm")
        padding = (1.0 - mask[:, None, None, :]) * np.float32(-1e9)
        width = x.shape[-1]
        size = width // self.heads
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."

            def heads(z: np.ndarray) -> np.ndarray:
                return z.reshape(count, length, self.heads, size).transpose(0, 2, 1, 3)

            q = heads(_linear(x, w, p + "attention.self.query"))
            k = heads(_linear(x, w, p + "attention.self.key"))
            v = heads(_linear(x, w, p + "attention.self.value"))
            attention = q @ k.transpose(0, 1, 3, 2) * (1.0 / math.sqrt(size)) + padding
            attention = np.exp(attention - attention.max(-1, keepdims=True))
            attention /= attention.sum(-1, keepdims=True)
            context = (attention @ v).transpose(0, 2, 1, 3).reshape(count, length, width)
            x = _layer_norm(
                _linear(context, w, p + "attention.output.dense") + x,
                w,
                p + "attention.output.LayerNorm",
            )
            hidden = _gelu(_linear(x, w, p + "intermediate.dense"))
            x = _layer_norm(_linear(hidden, w, p + "output.dense") + x, w, p + "output.LayerNorm")
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return np.asarray(pooled @ w["head.weight"][0] + w["head.bias"][0], dtype=np.float32)


def blended_scores(scores: Sequence[float], fits: np.ndarray, weight: float) -> np.ndarray:
    """The reranker's scores of a list's head plus `weight` times the cross-encoder's (less the
    best of them): the one rule run time (`reorder`) and the choice of the blend on dev share."""
    relative = np.asarray(fits) - (np.max(fits) if len(fits) else 0)  # in the fits' own precision
    return np.asarray(scores, dtype=np.float64) + weight * relative.astype(np.float64)


def _linear(x: np.ndarray, w: dict[str, np.ndarray], name: str) -> np.ndarray:
    # One 2-D product: numpy multiplies a 3-D stack slice by slice, several times slower.
    flat = x.reshape(-1, x.shape[-1]) @ w[name + ".weight"].T + w[name + ".bias"]
    return np.asarray(flat.reshape(*x.shape[:-1], -1))


def _layer_norm(x: np.ndarray, w: dict[str, np.ndarray], name: str) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    normed = (x - mean) / np.sqrt(variance + _LAYER_NORM_EPSILON)
    return np.asarray(normed * w[name + ".weight"] + w[name + ".bias"])


def _gelu(x: np.ndarray) -> np.ndarray:
    # GELU's tanh form, in place: within 5e-4 of the exact (erf) one the model was trained with,
    # and five times faster (scipy's erf was a third of the forward pass).
    inner = x * x
    inner *= 0.044715
    inner += 1.0
    inner *= x
    inner *= math.sqrt(2.0 / math.pi)
    np.tanh(inner, out=inner)
    inner += 1.0
    inner *= x
    inner *= 0.5
    return inner


def save_cross_encoder(
    path: Path, weights: dict[str, np.ndarray], layers: int, heads: int, blend: Blend
) -> Path:
    """The trained weights (float16, the frozen word-piece table left out) and their recipe."""
    meta = {"layers": layers, "heads": heads, "blend": asdict(blend)}
    kept = {k: v.astype(np.float16) for k, v in weights.items() if k != WORD_TABLE}
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, meta=np.array(json.dumps(meta)), **kept)  # type: ignore[arg-type]
    return path


def cross_encoder_at(path: Path) -> CrossEncoder | None:
    """The cross-encoder stored at `path`; None, with one line in the log, when it is missing
    or unreadable: the reranker's order stands, and nothing else is lost."""
    if not path.is_file():
        return None
    from .embed import default_model_dir

    try:
        return CrossEncoder.load(path, default_model_dir())
    except (
        OSError,
        EOFError,
        ValueError,
        KeyError,
        TypeError,
        zipfile.BadZipFile,
        ApicallError,
    ) as exc:
        LOG.warning("cross-encoder %s unreadable (%s): ranking without it", path, exc)
        return None


@functools.cache
def shipped_cross_encoder() -> CrossEncoder | None:
    """The cross-encoder `apicall train` made, or None when this checkout has none."""
    return cross_encoder_at(ARTIFACTS / CROSS_ENCODER_FILE)
