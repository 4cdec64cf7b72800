"""Training data: catalog operations, the comments that ask for them, and comments that ask for
nothing; split into train and dev by API so that dev numbers are honest.

The split (fixed by hashing, so every run and every machine gets the same one):
- dev, unseen APIs: every operation of 1 spec in 8;
- dev, seen APIs: 1 operation in 6 of the other specs that have 8 operations or more (the
  popular APIs), so dev also asks what users ask most: a new operation of an API we trained on;
- train: the rest. Both comments of an operation always fall on the same side.
Negatives: 1 in 3 to dev.
A third check, "trained operation, new wording": for 1 train operation in 10, the second of its
comments is held out of training (the first stays): how the ranking does on a new phrasing of an
operation that developers' comments taught it, which is what popular APIs' users mostly ask.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..records import first_sentence, humanise_identifier

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "training"
Split = Literal["train", "dev"]


@dataclass(frozen=True)
class Operation:
    op: str
    spec: str  # path under the catalog's api/ folder, e.g. "stripe.com.json"
    api: str
    method: str
    path: str
    operation_id: str
    summary: str
    description: str
    params: tuple[dict[str, Any], ...] = ()
    body: tuple[str, ...] = ()
    split: str | None = None  # a fixed side (small test data); else the hash rule decides

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.spec, self.method.upper(), self.path)


@dataclass(frozen=True)
class Comment:
    op: str
    comment: str
    names_api: bool
    values: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass
class TrainingData:
    operations: dict[str, Operation]
    comments: list[Comment]
    negatives: list[str]

    def split_of(self, op: str) -> Split:
        return _split_of_operation(self.operations[op], self._spec_sizes)

    def comments_in(self, split: Split) -> list[Comment]:
        held = set(map(id, self.held_twins())) if split == "train" else set()
        return [c for c in self.comments if self.split_of(c.op) == split and id(c) not in held]

    def held_twins(self) -> list[Comment]:
        """Second comments of 1 train operation in 10, kept out of training (see above)."""
        return self._held

    def negatives_in(self, split: Split) -> list[str]:
        return [n for n in self.negatives if (_bucket(n, 3) == 0) == (split == "dev")]

    def seen_api(self, op: str) -> bool:
        """Whether training saw comments for other operations of this operation's spec."""
        return self.operations[op].spec in self._train_specs

    def __post_init__(self) -> None:
        self._spec_sizes = Counter(o.spec for o in self.operations.values())
        self._train_specs = {
            o.spec
            for o in self.operations.values()
            if _split_of_operation(o, self._spec_sizes) == "train"
        }
        seen: set[str] = set()
        self._held: list[Comment] = []
        for comment in self.comments:
            if self.split_of(comment.op) != "train" or _bucket("twin:" + comment.op, 10):
                continue
            if comment.op in seen:
                self._held.append(comment)
            seen.add(comment.op)


def _bucket(text: str, buckets: int) -> int:
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16) % buckets


def _split_of_operation(operation: Operation, spec_sizes: Counter[str]) -> Split:
    if operation.split in ("train", "dev"):
        return operation.split  # type: ignore[return-value]
    if _bucket("spec:" + operation.spec, 8) == 0:
        return "dev"
    if spec_sizes[operation.spec] >= 8 and _bucket("op:" + operation.op, 6) == 0:
        return "dev"
    return "train"


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load(data_dir: Path = DATA_DIR) -> TrainingData:
    """The data from `data/training` (this repository), or a folder of the shared parts."""
    if (data_dir / "operations.jsonl.gz").is_file():
        ops = _read_jsonl(data_dir / "operations.jsonl.gz")
        comments = _read_jsonl(data_dir / "comments.jsonl.gz")
        negatives = _read_jsonl(data_dir / "negatives.jsonl.gz")
    else:
        ops, comments, negatives = [], [], []
        for part in sorted(data_dir.glob("operations_part*.jsonl")):
            ops += _read_jsonl(part)
            comments += _read_jsonl(data_dir / part.name.replace("operations", "comments"))
            negatives += _read_jsonl(data_dir / part.name.replace("operations", "negatives"))
    if not ops:
        raise FileNotFoundError(f"no training data in {data_dir}")
    operations = {
        o["op"]: Operation(
            o["op"],
            o["spec"],
            o["api"],
            o["method"].upper(),
            o["path"],
            o.get("operation_id") or "",
            o.get("summary") or "",
            o.get("description") or "",
            tuple(o.get("params") or ()),
            tuple(o.get("body") or ()),
            o.get("split"),
        )
        for o in ops
    }
    return TrainingData(
        operations,
        [
            Comment(c["op"], c["comment"], bool(c["names_api"]), c.get("values") or {})
            for c in comments
        ],
        [n["comment"] for n in negatives],
    )


def operation_text(operation: Operation) -> str:
    """The operation as the index embeds it (records.embedding_text), from the data's fields."""
    what = operation.summary or first_sentence(operation.description)
    if not what:
        what = humanise_identifier(f"{operation.method} {operation.path}")
    named = humanise_identifier(operation.operation_id)
    return f"{operation.api}: {what}. {named}. {operation.method} {operation.path}"[:300]
