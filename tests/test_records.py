from __future__ import annotations

import socket

import pytest
from apicall.index.loader import parse_spec_bytes
from apicall.index.records import endpoint_name_from, extract_operations
from apicall.index.refs import UNRESOLVED, UNRESOLVED_TYPE, RefResolver
from apicall.index.validate import validate_document

from tests.conftest import SPECS


def load(name: str) -> dict:
    return parse_spec_bytes((SPECS / name).read_bytes(), name)


def by_endpoint(records):
    return {(r.method, r.path): r for r in records}


def test_swagger2_is_normalised_to_the_openapi3_shape():
    records = by_endpoint(extract_operations(load("petstore_v2.json"), "k", "h").records)
    add = records[("POST", "/pet")]
    assert add.api_name == "Swagger Petstore"
    assert add.endpoint_name == "addPet"
    assert add.servers == [
        {"url": "https://petstore.example.com/v2"},
        {"url": "http://petstore.example.com/v2"},
    ]
    body_schema = add.request_body["content"]["application/json"]["schema"]
    assert body_schema["properties"]["name"]["example"] == "doggie"
    assert body_schema["properties"]["tags"]["items"]["properties"]["name"]["type"] == "string"
    assert add.security == [{"api_key": []}]
    assert add.security_schemes == {
        "api_key": {"type": "apiKey", "name": "api_key", "in": "header"}
    }

    form = records[("POST", "/pet/{petId}")]
    assert form.request_content_types == ["application/x-www-form-urlencoded"]
    assert form.security_schemes == {"basic": {"type": "http", "scheme": "basic"}}
    assert form.endpoint_name == "post_pet_by_petId"
    assert [p["name"] for p in form.parameters] == ["petId"]
    assert form.parameters[0]["schema"] == {"type": "integer", "format": "int64"}

    tags = records[("GET", "/pet/findByTags")]
    assert tags.deprecated is True
    assert tags.parameters[0]["style"] == "form" and tags.parameters[0]["explode"] is True


def test_openapi3_fields():
    result = extract_operations(load("bookshop_v30.yaml"), "key", "hash")
    records = by_endpoint(result.records)
    assert len(records) == 3
    listing = records[("GET", "/books")]
    assert listing.api_provider == "bookshop.example"
    assert listing.functionality == "List the books in the catalogue"
    assert listing.tags == ["books"]
    assert listing.parameters[0]["name"] == "limit"  # resolved from components
    assert listing.servers[0]["variables"]["region"]["default"] == "eu"
    create = records[("POST", "/books")]
    assert create.request_body["required"] is True
    assert create.request_body["content"]["application/json"]["schema"]["required"] == ["title"]
    assert create.security_schemes == {"bearer": {"type": "http", "scheme": "bearer"}}
    assert records[("DELETE", "/books/{isbn}")].endpoint_name == "delete_books_by_isbn"
    assert listing.spec_key == "key" and listing.spec_hash == "hash"
    assert "Bookshop API" in listing.embedding_text and "GET /books" in listing.embedding_text


def test_openapi31_type_arrays_are_kept():
    record = extract_operations(load("weather_v31.yaml"), "k", "h").records[0]
    days = next(p for p in record.parameters if p["name"] == "days")
    assert days["schema"]["type"] == ["integer", "null"]


def test_ref_cycle_is_cut_with_a_marker():
    record = extract_operations(load("ref_cycle.yaml"), "k", "h").records[0]
    schema = record.request_body["content"]["application/json"]["schema"]
    inner = schema["properties"]["children"]["items"]
    assert inner == {
        "$ref": "#/components/schemas/Node",
        UNRESOLVED: "cycle",
        UNRESOLVED_TYPE: "object",  # so that samplers still give {} for it
    }


def test_depth_and_size_limits_keep_resolution_finite():
    chain = {
        "components": {
            "schemas": {f"S{i}": {"$ref": f"#/components/schemas/S{i + 1}"} for i in range(50)}
        }
    }
    resolver = RefResolver(chain, max_depth=8)
    result = resolver.resolve({"$ref": "#/components/schemas/S0"})
    assert result[UNRESOLVED] == "depth"
    wide = {
        "components": {
            "schemas": {
                "W": {
                    "type": "object",
                    "properties": {f"p{i}": {"type": "string"} for i in range(1000)},
                }
            }
        }
    }
    resolved = RefResolver(wide).resolve({"$ref": "#/components/schemas/W"}, budget=100)
    assert sum(1 for v in resolved["properties"].values() if v == {UNRESOLVED: "size"}) > 800


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("apicall tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_remote_ref_is_never_fetched(no_network):
    doc = load("remote_ref.yaml")
    result = extract_operations(doc, "k", "h")
    schema = result.records[0].request_body["content"]["application/json"]["schema"]
    assert schema[UNRESOLVED] == "remote"
    assert result.warnings == [
        "remote $ref left unresolved: https://schemas.example.com/item.json#/Item"
    ]
    # The validator does not follow it either (the no_network fixture fails any connection);
    # if it ever tries, the offline handler turns that into an error line.
    errors = validate_document(doc)
    assert all("remote $ref not fetched" in e for e in errors)


def test_validation_errors_are_reported_as_lines():
    assert validate_document(load("bookshop_v30.yaml")) == []
    errors = validate_document(load("invalid_but_readable.json"))
    assert errors and "version" in errors[0]


def test_endpoint_names_are_stable():
    assert endpoint_name_from("get", "/users/{username}/repos") == "get_users_by_username_repos"
    assert endpoint_name_from("POST", "/") == "post_root"
