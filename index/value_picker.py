"""The learned value picker: after the comment reader's rules, which word the comment states for
which field it left ("get versions of my-function" for FunctionName, "how much to register
example.dev" for name, "set spotify repeat to track" for the enum state). A LightGBM model over
(word, field) pairs scores each pair from the word's form, where it stands, the words beside it
and the field's name, place, type and enum; pairs above the threshold chosen on the dev split
are taken best first, one word per field and one field per word. Trained by `apicall train
--value-picker` (model_runtime/training/value_picker.py) on the train split's fill items.
"""

from __future__ import annotations

import functools
import gzip
import json
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from .comment_values import (
    _DATE,
    _EMAIL,
    _PAGE_SIZES,
    _TIME_UNITS,
    CONNECTORS,
    ID_WORDS,
    CommentReader,
    Token,
    coerce,
    field_mentioned,
    looks_like_id,
    tokens_of,
)
from .errors import EmbedderError
from .records import humanise_identifier
from .text import STOPWORDS, stem
from .value_words import stated_texts

if TYPE_CHECKING:
    from .arguments import Field

LOG = logging.getLogger(__name__)
PICKER_FILE = "value_picker.lgb.txt"
PICKER_THRESHOLD_FILE = "value_picker.json"
PICKER_WORDS_FILE = "value_picker_words.json.gz"
MIN_SAID = 3  # comments a word is said in before its counts are kept
# Words of one comment the picker weighs: a request states its values in a line or two, and a
# long comment block (prose, a pasted log) must not cost more than a short one.
MAX_WORDS = 64
ARTIFACTS = Path(__file__).parent / "artifacts"
# Words that put a value after them: "versions of my-function", "register example.dev".
_BEFORE_VALUE = frozenset({"for", "of", "on", "in", "to", "at", "by", "from", "with", "named"})
_BEFORE_VALUE |= frozenset({"called", "as", "=", ":", "into", "under", "via", "is"})
# Words around a number that say how many ("up to 10 msgs", "max 50", "20 per page").
_COUNT_BEFORE = frozenset({"up", "max", "maximum", "top", "limit", "first", "last", "latest"})
_COUNT_AFTER = frozenset({"per", "results", "items", "entries", "msgs", "messages", "rows"})
# What kind of value a field takes, read from its name's words.
_FIELD_KINDS = {
    "free_text": frozenset({"q", "query", "search", "text", "title", "description", "body"})
    | frozenset({"message", "content", "comment", "note", "summary", "subject", "status"}),
    "count": _PAGE_SIZES,
    "date": frozenset({"date", "since", "until", "before", "after", "start", "end", "time"}),
    "email": frozenset({"email", "emails", "mail"}),
    "url": frozenset({"url", "uri", "link", "href", "website", "callback"}),
}
_LOCATIONS = ("path", "query", "header", "body")
_TYPES = ("string", "integer", "number", "boolean", "array")

PAIR_FEATURES = (
    *(f"token_{name}" for name in ("quoted", "id_like", "digits", "all_digits", "hyphen", "dot")),
    *(f"token_{name}" for name in ("slash", "underscore", "colon", "caps_first", "all_caps")),
    *(f"token_{name}" for name in ("inner_caps", "length", "position", "from_end", "ends_clause")),
    *(f"token_{name}" for name in ("stopword", "asking", "request_word", "operation_word")),
    *(f"token_{name}" for name in ("path_word", "api_name", "after_connector", "first")),
    *(f"token_{name}" for name in ("email", "url", "date", "names_a_field", "count_cue")),
    "token_said_in_comments",
    "token_stated_share",
    *(f"field_{name}" for name in _LOCATIONS),
    *(f"field_{name}" for name in _TYPES),
    *(f"field_{name}" for name in ("enum", "required", "order", "name_words", "id_word")),
    "field_named_in_comment",
    *(f"field_kind_{kind}" for kind in _FIELD_KINDS),
    "pair_enum_match",
    "pair_named_before",
    "pair_named_two_before",
    "pair_named_after",
    "pair_name_distance",
    "pair_segment_before",
    "pair_token_in_name",
    "pair_path_rank_gap",
    "pair_similar_word",
    "pair_similar_before",
    "pair_similar_after",
    "pair_similar_nearby",
    "item_fields_left",
    "item_path_fields_left",
    "item_tokens_left",
    "item_id_tokens_left",
)


@dataclass(frozen=True)
class WordCounts:
    """In how many train comments each word is said, and in how many of them it is a stated
    value: "s3" or "removing" are said often and stated never, "acme" is stated often."""

    said: dict[str, int]
    stated: dict[str, int]

    @classmethod
    def of(cls, comments: Iterable[tuple[str, dict[str, Any]]]) -> WordCounts:
        said: Counter[str] = Counter()
        stated: Counter[str] = Counter()
        for comment, values in comments:
            words, given = said_and_stated(comment, values)
            said.update(words)
            stated.update(words & given)
        kept = {w: n for w, n in said.items() if n >= MIN_SAID}
        return cls(kept, {w: stated[w] for w in kept if stated[w]})

    def row(self, key: str, leave_out: tuple[frozenset[str], frozenset[str]] | None) -> list[float]:
        """log(1 + comments said in) and the smoothed share stated; `leave_out`: the words and
        stated words of the comment being learned from, whose own counts it must not see."""
        said, stated = self.said.get(key, 0), self.stated.get(key, 0)
        if leave_out is not None and said and key in leave_out[0]:
            said, stated = said - 1, stated - (key in leave_out[1])
        return [float(np.log1p(said)), (stated + 0.5) / (said + 1.0)]

    def save(self, path: Path) -> None:
        path.write_bytes(
            gzip.compress(json.dumps([self.said, self.stated], sort_keys=True).encode(), mtime=0)
        )

    @classmethod
    def load(cls, path: Path) -> WordCounts:
        said, stated = json.loads(gzip.decompress(path.read_bytes()))
        return cls(said, stated)


def said_and_stated(comment: str, values: dict[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
    words = frozenset(t.key for t in tokens_of(comment))
    return words, words & stated_texts(values)


@dataclass(frozen=True)
class Pair:
    """One word of the comment as the value of one field the reader left."""

    position: int
    field: Field
    value: Any


def candidate_pairs(
    reader: CommentReader,
    fields: list[Field],
    found: dict[str, Any],
    words: WordVectors,
    counts: WordCounts,
    leave_out: tuple[frozenset[str], frozenset[str]] | None = None,
) -> tuple[list[Pair], np.ndarray]:
    """The (word, field) pairs left after the reader, with PAIR_FEATURES rows: words the
    reader did not take, not little words nor the API's name, whose text fits the field's type.
    `words` embeds words and field names: "Paris" is near `city`, "track" near `state`."""
    left = [f for f in fields if f.name not in found]
    tokens = reader.tokens
    used = frozenset(str(v) for v in found.values())
    positions = [p for p, t in enumerate(tokens) if _may_be_value(reader, p, t, used)]
    positions = positions[:MAX_WORDS]
    if not left or not positions:
        return [], np.zeros((0, len(PAIR_FEATURES)), dtype=np.float32)
    text = reader.instruction.lower()
    paths_left = [f for f in left if f.location == "path"]
    ids_left = [p for p in positions if looks_like_id(tokens[p].text)]
    pairs: list[Pair] = []
    rows: list[list[float]] = []
    token_rows: dict[int, list[float]] = {}
    # The words weighed and the three after the last of them, which their features read.
    read = tokens[: positions[-1] + 4]
    token_vectors = words.embed([t.text for t in read])
    field_vectors = words.embed([humanise_identifier(f.name) for f in left])
    similar = token_vectors @ field_vectors.T  # (tokens, fields left)
    column = {f.name: i for i, f in enumerate(left)}
    for order, field in enumerate(fields):
        if field.name in found:
            continue
        spelled = humanise_identifier(field.name).lower().split()
        named_at = [p for p, t in enumerate(read) if reader.names(t, field)]
        field_row = _field_row(field, order, spelled, text)
        field_row += [float(bool(kind & set(spelled))) for kind in _FIELD_KINDS.values()]
        segment = reader.segment_words.get(field.name, "")
        spelled_stems = {stem(w) for w in spelled}
        near = similar[:, column[field.name]]
        for position in positions:
            token = tokens[position]
            value = coerce(token.written, field.schema)
            if value is None:
                continue
            pair_row = [
                float(bool(field.schema.get("enum"))),
                float(position - 1 in named_at),
                float(position - 2 in named_at),
                float(position + 1 in named_at),
                float(min((abs(position - p) for p in named_at), default=99)),
                float(bool(segment) and position > 0 and _same_word(tokens[position - 1], segment)),
                float(stem(token.key) in spelled_stems),
                float(_rank_gap(position, ids_left, field, paths_left)),
            ]
            pair_row += [
                float(near[position]),
                float(near[position - 1]) if position else 0.0,
                float(near[position + 1]) if position + 1 < len(tokens) else 0.0,
                float(
                    np.delete(near[max(position - 3, 0) : position + 4], min(position, 3)).max(
                        initial=0.0
                    )
                ),
            ]
            item_row = [len(left), len(paths_left), len(positions), len(ids_left)]
            token_row = token_rows.get(position)
            if token_row is None:
                token_row = _token_row(reader, position, token, fields)
                token_row += counts.row(token.key, leave_out)
                token_rows[position] = token_row
            rows.append(token_row + field_row + pair_row + [*map(float, item_row)])
            pairs.append(Pair(position, field, value))
    return pairs, np.asarray(rows, dtype=np.float32).reshape(len(rows), len(PAIR_FEATURES))


def _may_be_value(reader: CommentReader, position: int, token: Token, used: frozenset[str]) -> bool:
    if position in reader.taken or token.key in reader.api_names or token.text == "=":
        return False
    if token.written in used:  # a value the reader gave one field fills no other
        return False
    return token.quoted or looks_like_id(token.text) or token.key not in STOPWORDS


def _token_row(
    reader: CommentReader, position: int, token: Token, fields: list[Field]
) -> list[float]:
    text = token.text
    tokens = reader.tokens
    before = tokens[position - 1].key if position else ""
    before_two = tokens[position - 2].key if position > 1 else ""
    after = tokens[position + 1].key if position + 1 < len(tokens) else ""
    count_cue = (
        before in _COUNT_BEFORE
        or (before == "to" and before_two == "up")
        or after in _COUNT_AFTER
        or stem(after) in _TIME_UNITS
    )
    return [
        float(token.quoted),
        float(looks_like_id(text)),
        sum(c.isdigit() for c in text) / max(len(text), 1),
        float(text.isdecimal()),
        float("-" in text),
        float("." in text),
        float("/" in text),
        float("_" in text),
        float(":" in text),
        float(text[:1].isupper()),
        float(text.isupper()),
        float(any(c.isupper() for c in text[1:])),
        float(len(text)),
        float(position),
        float(len(reader.tokens) - position),
        float(token.ends_clause),
        float(token.key in STOPWORDS),
        float(token.key in reader.asking),
        float(reader.is_request_word(token.key)),
        float(stem(token.key) in reader.vocabulary),
        float(token.key in reader.path_words),
        float(token.key in reader.api_names),
        float(before in _BEFORE_VALUE or before in CONNECTORS),
        float(position == 0),
        float(bool(_EMAIL.fullmatch(text))),
        float(text.startswith(("http://", "https://"))),
        float(bool(_DATE.fullmatch(text))),
        float(any(reader.names(token, f) for f in fields)),
        float(count_cue),
    ]


def _field_row(field: Field, order: int, spelled: list[str], text: str) -> list[float]:
    kind = field.schema.get("type", "string")
    return [
        *(float(field.location == where) for where in _LOCATIONS),
        *(float(kind == each) for each in _TYPES),
        float(bool(field.schema.get("enum"))),
        float(field.required),
        float(order),
        float(len(spelled)),
        float(bool(spelled) and spelled[-1] in ID_WORDS),
        float(field_mentioned(field.name, text)),
    ]


def _same_word(token: Token, word: str) -> bool:
    return token.key == word or stem(token.key) == stem(word)


def _rank_gap(position: int, ids_left: list[int], field: Field, paths_left: list[Field]) -> int:
    """Where the word stands among the ids left against where the field stands among the path
    fields left ("acme/api" order): 0 when both are the same, 9 when either is not listed."""
    if position not in ids_left or field not in paths_left:
        return 9
    return abs(ids_left.index(position) - paths_left.index(field))


class WordVectors(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def picker_word_table(folder: Path) -> Path:
    """The retriever's word-piece table the picker beside it was trained with: the one in its
    folder (a run of `apicall train` writes both), else the shipped one."""
    from .embed import TRAINED_TABLE

    beside = folder / TRAINED_TABLE.name
    if beside.is_file():
        return beside
    if TRAINED_TABLE.is_file():
        return TRAINED_TABLE
    raise EmbedderError(f"{TRAINED_TABLE} is missing: reinstall apicall")


@functools.cache
def word_vectors(table: Path) -> WordVectors:
    """A retriever's in-domain word-piece table with all-MiniLM-L6-v2's tokenizer: a word's
    vector is a table lookup."""
    from .embed import StaticEmbedder, default_model_dir, load_trained_table

    return StaticEmbedder(load_trained_table(table), default_model_dir() / "tokenizer.json", "")


def shipped_word_vectors() -> WordVectors:
    return word_vectors(picker_word_table(ARTIFACTS))


class ValuePicker:
    """The trained model and its threshold (artifacts beside each other)."""

    def __init__(self, model_file: Path, words: WordVectors):
        import lightgbm

        self.words = words
        self.counts = WordCounts.load(model_file.parent / PICKER_WORDS_FILE)
        self.booster = lightgbm.Booster(model_file=str(model_file))
        if tuple(self.booster.feature_name()) != PAIR_FEATURES:
            raise ValueError(f"{model_file} was trained on other features: retrain it")
        settings = json.loads((model_file.parent / PICKER_THRESHOLD_FILE).read_text())
        self.threshold = float(settings["threshold"])

    def scores(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(self.booster.predict(rows), dtype=np.float64) if len(rows) else rows

    def pick(
        self, reader: CommentReader, fields: list[Field], found: dict[str, Any]
    ) -> dict[str, Any]:
        """The values of the pairs above the threshold, best first, each word and field once;
        their words are marked taken in `reader`."""
        pairs, rows = candidate_pairs(reader, fields, found, self.words, self.counts)
        return dict(take_best(pairs, self.scores(rows), self.threshold, reader.taken))


def take_best(
    pairs: list[Pair], scores: np.ndarray, threshold: float, taken: set[int]
) -> Iterator[tuple[str, Any]]:
    used_fields: set[str] = set()
    for index in np.argsort(-scores, kind="stable"):
        pair = pairs[int(index)]
        if scores[index] < threshold:
            break
        if pair.position in taken or pair.field.name in used_fields:
            continue
        taken.add(pair.position)
        used_fields.add(pair.field.name)
        yield pair.field.name, pair.value


@functools.cache
def shipped_picker(folder: Path = ARTIFACTS) -> ValuePicker | None:
    """The shipped picker, or None where its files or the word vectors are absent (the
    reader's rules alone, said once in the log)."""
    model_file = folder / PICKER_FILE
    needed = (model_file, folder / PICKER_THRESHOLD_FILE, folder / PICKER_WORDS_FILE)
    if not all(f.is_file() for f in needed):
        LOG.warning("no value picker in %s: the comment reader's rules fill alone", folder)
        return None
    try:
        return ValuePicker(model_file, word_vectors(picker_word_table(folder)))
    except (EmbedderError, ValueError, OSError) as exc:
        LOG.warning(
            "the value picker did not load (%s): the comment reader's rules fill alone", exc
        )
        return None
