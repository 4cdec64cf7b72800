"""Bad input never crashes a command: each defect of the security and reliability review, as a
user meets it through the command line, the loader or the renderer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from apicall.index.arguments import Field, fill_arguments
from apicall.index.comment_values import read_comment_values
from apicall.index.errors import SpecLoadError
from apicall.index.loader import parse_spec_bytes
from apicall.index.records import extract_operations
from apicall.index.render.render import render

from tests.conftest import SPECS
from tests.injection import base_spec
from tests.syntax import ToolMissing, check
from tests.test_cli import apicall

DEEP = 100_000


def deep_yaml(levels: int) -> bytes:
    return b"openapi: 3.0.0\ninfo: {title: Deep, version: '1'}\npaths: {}\nx-deep: " + (
        b"[" * levels + b"]" * levels + b"\n"
    )


@pytest.fixture(scope="module")
def fixture_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("robust") / "idx"
    added = apicall(
        "index", "add", "--quiet", "--index", str(index), str(SPECS / "bookshop_v30.yaml")
    )
    assert added.returncode == 0, added.stderr
    return index


def test_deeply_nested_yaml_is_refused_not_a_crash(tmp_path):
    with pytest.raises(SpecLoadError, match="nested deeper than 200 levels"):
        parse_spec_bytes(deep_yaml(DEEP), "deep.yaml")
    with pytest.raises(SpecLoadError, match="nested"):
        parse_spec_bytes(b'{"openapi": "3.0.0", "x": ' + b"[" * DEEP + b"]" * DEEP + b"}", "d.json")
    spec = tmp_path / "deep.yaml"
    spec.write_bytes(deep_yaml(DEEP))
    good = tmp_path / "good.yaml"
    good.write_bytes((SPECS / "bookshop_v30.yaml").read_bytes())
    added = apicall("index", "add", "--index", str(tmp_path / "idx"), str(spec), str(good))
    assert added.returncode == 0, added.stderr  # no SIGSEGV, and the good spec is indexed
    assert "deep.yaml: YAML nested deeper than 200 levels" in added.stdout
    assert "1 added" in added.stdout
    rendered = apicall("render", "--spec", str(spec), "--operation", "x", "--target", "python")
    assert rendered.returncode == 2 and "nested deeper" in rendered.stderr


def test_non_finite_examples_render_as_text():
    spec = base_spec()
    parameters = spec["paths"]["/items/{itemId}"]["post"]["parameters"]
    parameters[1]["example"] = float("inf")
    body = spec["paths"]["/items/{itemId}"]["post"]["requestBody"]["content"]["application/json"]
    body["schema"]["properties"]["name"]["example"] = float("nan")
    raw = json.dumps(spec).encode()  # writes Infinity and NaN, as a hostile JSON file may
    record = extract_operations(parse_spec_bytes(raw, "inf.json"), "inf.json", "h").records[0]
    for target in ("python", "python_requests", "javascript", "go", "ruby"):
        snippet = render(record, target)
        assert "Infinity" in snippet.code or "inf" not in snippet.code.lower(), target
        try:
            assert check(target, snippet).ok, (target, snippet.code)
        except ToolMissing:
            continue


def test_api_names_starting_with_a_digit_give_identifier_variables():
    spec = base_spec()
    spec["servers"] = [{"url": "https://api.1password.com/v1"}]
    record = extract_operations(spec, "1p.json", "h").records[0]
    for target in ("javascript", "typescript", "shellscript", "python"):
        code = render(record, target).code
        assert "API_1PASSWORD_API_KEY" in code, (target, code)
        assert ".1PASSWORD" not in code and "{1PASSWORD" not in code


def test_c_never_uses_a_spec_string_as_a_format():
    spec = base_spec()
    spec["components"]["securitySchemes"]["keyAuth"]["name"] = "X-%n%s??/"
    record = extract_operations(spec, "c.json", "h").records[0]
    code = render(record, "c").code
    assert 'snprintf(auth_header, sizeof auth_header, "%s%s", "X-%n%s?\\?/: "' in code, code


def test_a_quote_after_a_letter_is_no_value_and_bad_values_are_dropped():
    fields = [
        Field("i", "query", {"type": "string", "maxLength": 48}, False),
        Field("t", "query", {"type": "string", "maxLength": 48}, False),
        Field("plot", "query", {"type": "string", "enum": ["short", "full"]}, False),
    ]
    record = extract_operations(base_spec(), "omdb.json", "h").records[0]
    instruction = "I'm trying to get the full plot of the film 'Heat' as JSON"
    filled = read_comment_values(fields, instruction)
    assert "i" not in filled
    result = fill_arguments(None, record, instruction)  # never raises
    assert all(len(str(v)) <= 48 for v in result.arguments.values())


def test_batch_answers_every_line_under_its_own_id(tmp_path, fixture_index):
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        "{not json\n"
        + json.dumps({"id": "a", "instruction": 42, "lang": "python"})
        + "\n"
        + json.dumps({"id": "b", "instruction": "list the books", "lang": "python"})
        + "\n"
        + json.dumps({"id": "c", "instruction": "list the books", "lang": ["python"]})
        + "\n"
        + "[1, 2]\n"
        + json.dumps(
            {
                "id": "d",
                "instruction": "I'm trying to get the full plot of the film 'Heat' as JSON",
                "lang": "python",
            }
        )
        + "\n"
    )
    done = apicall("suggest", "--batch", str(batch), "--no-fill", "--index", str(fixture_index))
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == 6
    assert answers[0]["error"].startswith("line 1: invalid JSON") and "id" not in answers[0]
    assert answers[1]["id"] == "a" and "line 2" in answers[1]["error"]
    assert answers[2]["id"] == "b" and answers[2]["endpoint"]["path"] == "/books"
    assert answers[3]["id"] == "c" and "'lang' must be a string" in answers[3]["error"]
    assert "line 5" in answers[4]["error"]
    assert answers[5]["id"] == "d" and "error" not in answers[5]
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    done = apicall("suggest", "--batch", str(binary), "--index", str(fixture_index))
    assert done.returncode == 2 and "not UTF-8" in done.stderr and "Traceback" not in done.stderr


def test_a_huge_comment_still_gets_its_call(fixture_index):
    comment = "list the books in the bookshop, limit 5. " + "lorem ipsum dolor sit amet " * 400
    assert len(comment) > 10_000
    done = apicall("suggest", comment, "--lang", "python", "--json", "--index", str(fixture_index))
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["endpoint"]["path"] == "/books" and answer["code"]


def test_bad_index_paths_and_counts_are_one_line(tmp_path, fixture_index):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    for command in (["search", "books"], ["index", "add", str(SPECS / "bookshop_v30.yaml")]):
        done = apicall(*command, "--index", str(a_file))
        assert done.returncode == 2 and "is a file, not an index directory" in done.stderr
        assert "Traceback" not in done.stderr
    missing = tmp_path / "missing"
    done = apicall("search", "books", "--index", str(missing))
    assert done.returncode == 2 and "no index at" in done.stderr and not missing.exists()
    done = apicall("search", "books", "--k", "-1", "--index", str(fixture_index))
    assert done.returncode == 2 and "between 1 and 1000" in done.stderr


def test_a_damaged_index_says_so(tmp_path):
    index = tmp_path / "idx"
    assert apicall("index", "add", "--quiet", "--index", str(index), str(SPECS)).returncode == 0
    for data_file in (index / "operations.lance" / "data").glob("*.lance"):
        data_file.write_bytes(data_file.read_bytes()[:100])
    done = apicall("search", "find a pet", "--index", str(index))
    assert done.returncode == 2, done.stderr
    assert "is damaged" in done.stderr and "Traceback" not in done.stderr


def test_two_writers_at_once_store_a_spec_once(tmp_path):
    index = tmp_path / "idx"
    spec = str(SPECS / "bookshop_v30.yaml")
    command = [sys.executable, "-m", "apicall", "index", "add", "--quiet", "--index"]
    writers = [subprocess.Popen([*command, str(index), spec]) for _ in range(3)]
    assert [w.wait(timeout=300) for w in writers] == [0, 0, 0]
    stats = json.loads(apicall("index", "stats", "--json", "--index", str(index)).stdout)
    single = tmp_path / "single"
    assert apicall("index", "add", "--quiet", "--index", str(single), spec).returncode == 0
    expected = json.loads(apicall("index", "stats", "--json", "--index", str(single)).stdout)
    assert stats["specs"] == 1 and stats["operations"] == expected["operations"]
    found = json.loads(apicall("search", "list books", "--json", "--index", str(index)).stdout)
    ids = [r["id"] for r in found]
    assert len(ids) == len(set(ids))


def test_the_files_extension_picks_the_language(fixture_index):
    args = ["--no-fill", "--json", "--index", str(fixture_index)]
    done = apicall("suggest", "list the books", "--file", "shop/client.go", *args)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["target"] == "go" and "http.NewRequest" in answer["code"]
    unknown = apicall("suggest", "list the books", "--file", "notes.txt", *args)
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == (
        "apicall: notes.txt: no language known for this extension; give --lang"
    )


def test_an_operation_without_a_summary_is_filled_from_the_comment():
    spec = base_spec()
    del spec["paths"]["/items/{itemId}"]["post"]["summary"]
    record = extract_operations(spec, "hostile.json", "h").records[0]
    result = fill_arguments(None, record, "create item abc-1, limit 5")
    assert result.arguments == {"itemId": "abc-1", "limit": "5"}  # limit is a string here
