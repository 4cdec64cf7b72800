from __future__ import annotations

import pytest
from apicall.index.errors import SpecLoadError
from apicall.index.loader import parse_spec_bytes

from tests.conftest import BROKEN, SPECS


def test_reads_json_and_yaml_specs():
    v2 = parse_spec_bytes((SPECS / "petstore_v2.json").read_bytes(), "petstore_v2.json")
    v3 = parse_spec_bytes((SPECS / "bookshop_v30.yaml").read_bytes(), "bookshop_v30.yaml")
    assert v2["swagger"] == "2.0"
    assert v3["openapi"] == "3.0.3"
    # YAML keys that look like numbers stay strings, as in JSON.
    assert "201" in v3["paths"]["/books"]["post"]["responses"]


def test_yaml_bomb_is_refused_with_a_reason():
    with pytest.raises(SpecLoadError, match=r"yaml_bomb.yaml: YAML expands to more than"):
        parse_spec_bytes((BROKEN / "yaml_bomb.yaml").read_bytes(), "yaml_bomb.yaml")


def test_syntax_error_names_the_file_and_line():
    with pytest.raises(SpecLoadError, match=r"syntax_error.yaml: invalid YAML at line \d+"):
        parse_spec_bytes((BROKEN / "syntax_error.yaml").read_bytes(), "syntax_error.yaml")


def test_size_limit():
    with pytest.raises(SpecLoadError, match=r"big.json: file is .* over the 0 MiB limit"):
        parse_spec_bytes(b"{" + b" " * 2048 + b"}", "big.json", max_bytes=1024)


def test_not_openapi_and_not_text():
    with pytest.raises(SpecLoadError, match="not an OpenAPI or Swagger document"):
        parse_spec_bytes((BROKEN / "not_openapi.json").read_bytes(), "not_openapi.json")
    with pytest.raises(SpecLoadError, match="not UTF-8"):
        parse_spec_bytes((BROKEN / "binary.json").read_bytes(), "binary.json")


def test_unsafe_yaml_tags_are_not_executed():
    doc = b"openapi: 3.0.0\nx: !!python/object/apply:os.system ['echo pwned']\npaths: {}\n"
    with pytest.raises(SpecLoadError, match="invalid YAML"):
        parse_spec_bytes(doc, "evil.yaml")
