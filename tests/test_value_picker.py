"""The learned value picker (index/value_picker.py): the shipped one fills words the reader's
rules leave and leaves words that are no values alone; `apicall train --value-picker` learns
(a short run on part of the train split, the real data the repository carries)."""

from __future__ import annotations

import json

import numpy as np
from apicall.index.arguments import Field, fill_fields
from apicall.index.comment_values import CommentReader
from apicall.index.value_picker import (
    ARTIFACTS,
    MAX_WORDS,
    PAIR_FEATURES,
    PICKER_FILE,
    PICKER_WORDS_FILE,
    Pair,
    ValuePicker,
    WordCounts,
    candidate_pairs,
    picker_word_table,
    shipped_picker,
    shipped_word_vectors,
    take_best,
)

from tests.test_cli import apicall

STRING = {"type": "string", "maxLength": 48}
# Dev split comments (never trained on) that the reader's rules leave unfilled.
LAMBDA_URL = "delete function url config /2021-10-31/functions/{FunctionName}/url"


def lambda_fields() -> list[Field]:
    return [Field("FunctionName", "path", STRING, True), Field("Qualifier", "query", STRING, False)]


def test_the_shipped_picker_fills_what_the_rules_leave_and_says_where_it_came_from():
    asked, comment = lambda_fields(), "delete lambda function url for my-fn"
    assert fill_fields(asked, comment, operation=LAMBDA_URL, picker=False).arguments == {}
    picked = fill_fields(asked, comment, operation=LAMBDA_URL)
    assert picked.arguments == {"FunctionName": "my-fn"}
    assert picked.sources == {"FunctionName": "comment"}
    user = [Field("username", "path", STRING, True)]
    badges = "List badges for a user /user-badges/{username}.json"
    said = fill_fields(user, "discourse: list badges earned by alice", operation=badges)
    assert said.arguments == {"username": "alice"}  # a bare lowercase name
    domain = [Field("name", "query", STRING, True), Field("teamId", "query", STRING, False)]
    status = "Check a Domain Availability /v4/domains/status"
    said = fill_fields(domain, "vercel: is example.com available to buy?", operation=status)
    assert said.arguments == {"name": "example.com"}


def test_words_that_are_no_values_stay_placeholders():
    asked = lambda_fields()
    for comment in ("delete the lambda function url", "remove a function's public url"):
        assert fill_fields(asked, comment, operation=LAMBDA_URL).arguments == {}
    bucket = [Field("Bucket", "path", STRING, True), Field("Key", "path", STRING, True)]
    s3 = "get object /{Bucket}/{Key}"
    assert fill_fields(bucket, "fetch an object out of s3", operation=s3).arguments == {}


def test_a_value_the_rules_gave_one_field_is_not_picked_for_another():
    asked = [Field("email", "body", STRING, False), Field("parent", "path", STRING, True)]
    reader = CommentReader("notify ops@example.com", "create config /v2/{parent}/configs")
    found = reader.values(asked)
    assert found == {"email": "ops@example.com"}
    pairs, rows = candidate_pairs(reader, asked, found, shipped_word_vectors(), WordCounts({}, {}))
    assert all(p.position != 1 for p in pairs) and rows.shape[0] == len(pairs)


def test_pairs_are_taken_best_first_one_word_per_field_and_one_field_per_word():
    a, b = Field("a", "path", STRING, True), Field("b", "path", STRING, True)
    pairs = [Pair(0, a, "x"), Pair(0, b, "x"), Pair(1, a, "y"), Pair(1, b, "y")]
    taken: set[int] = set()
    picked = dict(take_best(pairs, np.array([0.9, 0.8, 0.7, 0.3]), 0.5, taken))
    assert picked == {"a": "x"} and taken == {0}  # "y" for b scores under the threshold
    picked = dict(take_best(pairs, np.array([0.9, 0.8, 0.7, 0.6]), 0.5, set()))
    assert picked == {"a": "x", "b": "y"}


def test_word_counts_leave_out_the_comment_being_learned_from():
    counts = WordCounts.of(
        [("files of acme", {"org": "acme"})] * 3 + [("repos of acme", {})] + [("s3 object", {})] * 3
    )
    said, share = counts.row("acme", None)
    assert round(np.expm1(said)) == 4 and share == (3 + 0.5) / (4 + 1)
    said_without, share_without = counts.row("acme", (frozenset({"acme"}), frozenset({"acme"})))
    assert round(np.expm1(said_without)) == 3 and share_without == (2 + 0.5) / (3 + 1)
    assert counts.row("s3", None)[1] < 0.2 and counts.row("never-said", None) == [0.0, 0.5]
    assert "files" in counts.said and "object" in counts.said  # said 3 times: kept


def test_a_missing_picker_leaves_the_rules_alone(tmp_path):
    assert shipped_picker(tmp_path) is None
    asked = lambda_fields()
    assert (
        fill_fields(
            asked, "delete lambda function url for my-fn", operation=LAMBDA_URL, picker=None
        ).arguments
        == {}
    )


def test_train_value_picker_learns_on_part_of_the_train_split(tmp_path):
    done = apicall("train", "--value-picker", "--train-limit", "1500", "--artifacts", str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "reading fill items" in done.stderr  # the progress bar
    report = json.loads((tmp_path / "value_picker.json").read_text())
    dev = report["dev"]
    assert report["train"]["items"] == 1500 and dev["items"] > 2000
    # The picker fills stated values the rules left on the dev split, at a cost in precision
    # the threshold (chosen on dev) keeps small.
    assert dev["reader_and_picker"]["recall"] > dev["reader"]["recall"] + 2
    assert dev["reader_and_picker"]["precision"] > dev["reader"]["precision"] - 3
    assert (tmp_path / PICKER_FILE).is_file() and (tmp_path / PICKER_WORDS_FILE).is_file()
    picker = ValuePicker(tmp_path / PICKER_FILE, shipped_word_vectors())
    said = fill_fields(
        lambda_fields(), "delete lambda function url for my-fn", operation=LAMBDA_URL, picker=picker
    )
    assert said.arguments == {"FunctionName": "my-fn"}


def test_a_long_comment_weighs_a_bounded_number_of_words():
    asked = lambda_fields()
    prose = " ".join(f"step-{n} of the rollout" for n in range(2000))  # a pasted log, 8,000 words
    reader = CommentReader(f"delete lambda function url for my-fn {prose}", LAMBDA_URL)
    found = reader.values(asked)
    counts = WordCounts({}, {})
    pairs, _ = candidate_pairs(reader, asked, found, shipped_word_vectors(), counts)
    assert len({p.position for p in pairs}) <= MAX_WORDS
    # Among two thousand ids of a log, none is taken for the function's name.
    said = fill_fields(asked, f"delete lambda function url for my-fn {prose}", operation=LAMBDA_URL)
    assert not any(str(v).startswith("step-") for v in said.arguments.values())


def test_the_picker_reads_the_word_table_beside_it_else_the_shipped_one(tmp_path):
    shipped = picker_word_table(ARTIFACTS).resolve()
    assert picker_word_table(tmp_path).resolve() == shipped  # a picker run's --artifacts DIR
    (tmp_path / shipped.name).write_bytes(shipped.read_bytes())  # a whole apicall train's
    assert picker_word_table(tmp_path) == tmp_path / shipped.name


def test_each_feature_is_named_for_what_its_column_holds():
    asked = [
        Field("city", "query", STRING, True),
        Field("limit", "query", {"type": "integer"}, False),
    ]
    reader = CommentReader('weather in "Paris"', "GET /current/weather")
    pairs, rows = candidate_pairs(reader, asked, {}, shipped_word_vectors(), WordCounts({}, {}))
    paris = next(i for i, p in enumerate(pairs) if p.value == "Paris" and p.field.name == "city")
    column = dict(zip(PAIR_FEATURES, rows[paris], strict=True))
    assert column["token_quoted"] == 1 and column["token_caps_first"] == 1
    assert (
        column["field_query"] == 1 and column["field_path"] == 0 and column["field_required"] == 1
    )
    assert column["field_kind_free_text"] == 0 and column["field_string"] == 1
    assert column["item_fields_left"] == 2
