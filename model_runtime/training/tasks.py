"""The model's training and evaluation items, in exactly the prompts it is asked at run time.

choose: a comment, the ranking's top candidates (shuffled, so that the answer is not always
first) and the number of the right one, or "0" when it is not among them (some are removed on
purpose so that "none of them" is learned). fill: a comment, the fields the run-time selection
picks, and the JSON of the values the comment states (`{}` when none).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from apicall.index.arguments import Field, field_of, select_fields
from apicall.index.learning.data import Comment, Operation, TrainingData
from apicall.index.learning.reranker import is_answer
from apicall.index.model_port import candidate_line
from apicall.index.records import humanise_identifier
from apicall.index.search import SearchResult

from ..prompts import NONE_OF_THEM, choice_messages, describe_fields, fill_messages, operation_line

Task = Literal["choose", "fill"]
# The order `apicall train --model` draws its items in, which the fill bench and the value
# picker read too: a generator seeded per split.
ORDER_SEED = 5
CHOICES = 5
NONE_SHARE = 0.2  # of choose items whose answer is taken out on purpose


@dataclass(frozen=True)
class TaskItem:
    task: Task
    comment: str
    messages: list[dict[str, str]]
    answer: str  # what the assistant says
    ranking_first: bool = False  # choose: whether the ranking's own first candidate is right
    candidates: tuple[str, ...] = ()  # choose: the lines shown, in their order
    fields: tuple[Field, ...] = ()  # fill: the fields asked about
    operation: str = ""  # fill: the operation's line
    api: str = ""  # fill: the API's name


def choose_items(
    data: TrainingData,
    comments: Sequence[Comment],
    rank: Callable[[str], list[SearchResult]],
    rng: random.Random,
    progress: Callable[[], None] | None = None,
) -> list[TaskItem]:
    items = []
    for comment in comments:
        operation = data.operations[comment.op]
        hits = rank(comment.comment)[: CHOICES + 1]
        if progress:
            progress()
        if len(hits) < CHOICES:
            continue
        at = next((i for i, h in enumerate(hits[:CHOICES]) if is_answer(h, operation)), None)
        shown = hits[:CHOICES]
        if at is not None and rng.random() < NONE_SHARE and not is_answer(hits[CHOICES], operation):
            shown = [h for i, h in enumerate(hits) if i != at][:CHOICES]
            at = None
        first = at == 0
        order = list(range(len(shown)))
        rng.shuffle(order)
        lines = [
            candidate_line(h.method, h.path, h.summary or h.endpoint_name, h.api_name)
            for h in (shown[i] for i in order)
        ]
        answer = NONE_OF_THEM if at is None else str(order.index(at) + 1)
        items.append(
            TaskItem(
                "choose",
                comment.comment,
                choice_messages(comment.comment, lines),
                answer,
                ranking_first=first,
                candidates=tuple(lines),
            )
        )
    return items


def fields_of(operation: Operation) -> list[Field]:
    """The operation's fillable fields, from the training data's parameter records."""
    fields = []
    for param in operation.params:
        schema: dict[str, Any] = {"type": param.get("type") or "string"}
        if param.get("enum"):
            schema["enum"] = param["enum"]
        field = field_of(
            str(param.get("name") or ""),
            str(param.get("in") or ""),
            schema,
            bool(param.get("required")),
        )
        if field is not None and field.location in ("path", "query", "header", "cookie"):
            fields.append(field)
    for name in operation.body:
        field = field_of(name, "body", {"type": "string"}, False)
        if field is not None:
            fields.append(field)
    return fields


def item_order(split: str) -> random.Random:
    return random.Random(f"{ORDER_SEED}-{split}")


def comments_in_order(data: TrainingData, split: str) -> list[Comment]:
    """The split's comments in the order its items are drawn in."""
    comments = list(data.comments_in(split))  # type: ignore[arg-type]
    item_order(split).shuffle(comments)
    return comments


def fill_items(
    data: TrainingData, comments: Sequence[Comment], without_values: float = 0.25
) -> list[TaskItem]:
    """Comments that state values, and a share of those that state none (answer `{}`)."""
    items = []
    for comment in comments:
        operation = data.operations[comment.op]
        fields = select_fields(fields_of(operation), comment.comment)
        if not fields:
            continue
        names = {f.name for f in fields}
        values = {k: v for k, v in comment.values.items() if k in names}
        if comment.values and not values:
            continue  # the value's field is not among those asked about: no right answer
        if not values and _bucket(comment.comment) >= without_values:
            continue
        what = operation.summary or humanise_identifier(operation.operation_id or operation.path)
        line = operation_line(operation.method, operation.path, what)
        messages = fill_messages(comment.comment, line, describe_fields(fields))
        items.append(
            TaskItem(
                "fill",
                comment.comment,
                messages,
                json.dumps(values),
                fields=tuple(fields),
                operation=line,
                api=operation.api,
            )
        )
    return items


def _bucket(text: str) -> float:
    return random.Random(text).random()
