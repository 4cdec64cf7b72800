"""The engine's ranking: one answer per operation that same-named specs repeat, the instruction's
verb, and the hand-written instructions of the evaluation, on real LanceDB indexes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from apicall.index.builder import discover_spec_files, ingest
from apicall.index.engine import Engine, SuggestRequest, rerank
from apicall.index.evaluation.natural import NaturalQuery, load_queries, run_queries
from apicall.index.open import open_for_search, open_for_write
from apicall.index.search import SearchResult

from tests.conftest import SPECS


def _indexed(specs: Path, index_dir: Path) -> Path:
    store, embedder = open_for_write(index_dir)
    files, _ = discover_spec_files([specs])
    ingest(store, embedder, files, workers=1)
    return index_dir


@pytest.fixture(scope="module")
def twin_index(tmp_path_factory, isolated_data_dir) -> Path:
    """The bookshop (a templated server, like a self-hosted edition) and a same-named copy of it
    with a concrete server, plus the petstore as a distractor."""
    specs = tmp_path_factory.mktemp("twin-specs")
    doc = yaml.safe_load((SPECS / "bookshop_v30.yaml").read_text())
    (specs / "bookshop_v30.yaml").write_text(yaml.safe_dump(doc))
    doc["servers"] = [{"url": "https://api.bookshop.example"}]
    (specs / "bookshop_cloud.yaml").write_text(yaml.safe_dump(doc))
    (specs / "petstore_v2.json").write_text((SPECS / "petstore_v2.json").read_text())
    return _indexed(specs, tmp_path_factory.mktemp("twin-index"))


def test_a_repeated_operation_is_one_answer_from_the_spec_with_a_concrete_server(twin_index):
    engine = Engine(open_for_search(twin_index))
    for instruction in ("List the books in the catalogue", "Bookshop API: remove a book by ISBN"):
        ranked = engine.candidates(SuggestRequest(instruction, target="shell_curl", k=5))
        first = ranked[0][0]
        assert first.spec.endswith("bookshop_cloud.yaml"), instruction
        operations = [(h.api_name, h.method, h.path) for h, _ in ranked]
        assert len(operations) == len(set(operations)), "a repeated operation listed twice"
        suggestion = engine.suggest(
            SuggestRequest(instruction, target="shell_curl", fill=False, min_confidence=0)
        )
        assert "https://api.bookshop.example" in (suggestion.code or "")


def test_a_workspace_copy_wins_over_the_concrete_one(twin_index):
    engine = Engine(open_for_search(twin_index))
    searcher = engine.searcher
    templated = next(
        s["spec_key"] for s in searcher.store.specs() if s["spec_key"].endswith("bookshop_v30.yaml")
    )
    request = SuggestRequest(
        "List the books in the catalogue",
        target="shell_curl",
        workspace_specs=frozenset({templated}),
    )
    assert engine.candidates(request)[0][0].spec == templated


@pytest.fixture(scope="module")
def retitled_copy_index(tmp_path_factory, isolated_data_dir) -> Path:
    """The bookshop twice under different titles but served from the same URL (as Spotify's spec
    and its fixed copy are), and once more from another URL."""
    specs = tmp_path_factory.mktemp("retitled-specs")
    doc = yaml.safe_load((SPECS / "bookshop_v30.yaml").read_text())
    doc["servers"] = [{"url": "https://api.bookshop.example/"}]
    (specs / "bookshop.yaml").write_text(yaml.safe_dump(doc))
    doc["info"]["title"] = "Bookshop API with fixes from a fan"
    doc["servers"] = [{"url": "https://api.bookshop.example", "description": "production"}]
    (specs / "bookshop_fixed.yaml").write_text(yaml.safe_dump(doc))
    doc["info"]["title"] = "Bookshop EU"
    doc["servers"] = [{"url": "https://eu.bookshop.example"}]
    (specs / "bookshop_eu.yaml").write_text(yaml.safe_dump(doc))
    return _indexed(specs, tmp_path_factory.mktemp("retitled-index"))


def test_the_same_call_in_a_retitled_copy_is_listed_once(retitled_copy_index):
    engine = Engine(open_for_search(retitled_copy_index))
    ranked = engine.candidates(SuggestRequest("list the books in the catalogue", k=10))
    servers_of_list = [
        json.loads(hit.servers)[0]["url"].rstrip("/")
        for hit, _ in ranked
        if (hit.method, hit.path) == ("GET", "/books")
    ]
    assert sorted(servers_of_list) == [
        "https://api.bookshop.example",
        "https://eu.bookshop.example",
    ]


def _result(method: str, path: str, summary: str, score: float) -> SearchResult:
    return SearchResult(
        id=f"{method} {path}",
        api_name="Calendar API",
        api_provider="calendar.example",
        method=method,
        path=path,
        operation_id="",
        endpoint_name="",
        summary=summary,
        spec="calendar.json",
        score=score,
        servers='[{"url": "https://calendar.example"}]',
    )


def test_an_aws_query_action_listed_by_get_and_post_is_listed_once():
    path = "/#Action=DeleteClientVpnEndpoint"
    get = _result("GET", path, "Deletes the Client VPN endpoint", 0.033)
    post = _result("POST", path, "Deletes the Client VPN endpoint", 0.032)
    other = _result("GET", "/#Action=DescribeClientVpnEndpoints", "Describes endpoints", 0.031)
    listed = rerank([get, post, other], "delete the client vpn endpoint").candidates
    assert [hit.path for hit, _ in listed] == [path, "/#Action=DescribeClientVpnEndpoints"]


def test_the_verb_of_the_instruction_breaks_a_near_tie():
    item = _result("GET", "/calendars/{calendarId}/events/{eventId}", "Returns an event", 0.0330)
    collection = _result("GET", "/calendars/{calendarId}/events", "Returns events", 0.0328)
    create = _result("POST", "/calendars/{calendarId}/events", "Creates an event", 0.0329)
    listed = rerank([item, create, collection], "list the events of a calendar").candidates
    assert listed[0][0] is collection
    created = rerank([item, collection, create], "create an event in a calendar").candidates
    assert created[0][0] is create


def test_hand_written_instructions_are_scored_against_their_spec(twin_index, tmp_path):
    engine = Engine(open_for_search(twin_index))
    queries = [
        NaturalQuery(
            "look up the pets with these tags", "petstore_v2.json", "GET", "/pet/findByTags"
        ),
        NaturalQuery("add a book to the shop", "bookshop_cloud.yaml", "POST", "/books"),
        # Offered from its copy with a concrete server: the same call, as the dev split counts it.
        NaturalQuery("add a book to the shop", "bookshop_v30.yaml", "POST", "/books"),
        NaturalQuery("create a Stripe customer", "stripe.com.json", "POST", "/v1/customers"),
    ]
    outcomes = run_queries(engine, queries)
    assert [o.query.spec for o in outcomes] == [
        "petstore_v2.json",
        "bookshop_cloud.yaml",
        "bookshop_v30.yaml",
    ]
    assert all(o.rank == 1 for o in outcomes), [(o.query.instruction, o.chosen) for o in outcomes]
    assert outcomes[2].chosen.startswith("POST /books (") and "bookshop_cloud" in outcomes[2].chosen


def test_the_bundled_hand_written_set_names_real_operations():
    queries = load_queries()
    assert len(queries) >= 30
    for query in queries:
        assert query.method in {"GET", "POST", "PUT", "PATCH", "DELETE"}
        assert query.path.startswith("/") and query.spec.endswith((".json", ".yaml"))
    assert len({q.instruction for q in queries}) == len(queries)
    json.dumps([q.__dict__ for q in queries])  # plain data, as the report prints it


def test_a_successor_engine_has_the_latest_comments_ranked_already(twin_index):
    engine = Engine(open_for_search(twin_index))
    asked = [f"list the books in the catalogue, page {n}" for n in range(6)]
    for instruction in asked:
        engine.rank(SuggestRequest(instruction, k=5))
    engine.rank(SuggestRequest(asked[0], k=5))  # asked again: the latest once more
    engine.operation_at("https://api.bookshop.example/books")
    workspace = frozenset({"a-new-workspace-spec"})
    successor = engine.successor(open_for_search(twin_index), workspace)
    handed_on = successor._rankings.cache_info()
    assert handed_on.currsize == 2  # the 2 latest, each once; the older ones are not ranked
    assert successor._url_matches.cache_info().currsize == 1
    for instruction in [asked[5], asked[0]]:  # already ranked: a lookup, the same answer
        again = successor.rank(SuggestRequest(instruction, k=5, workspace_specs=workspace))
        assert again.candidates == engine.rank(SuggestRequest(instruction, k=5)).candidates
    assert successor._rankings.cache_info().misses == handed_on.misses
    successor.rank(SuggestRequest(asked[1], k=5, workspace_specs=workspace))
    assert successor._rankings.cache_info().misses == handed_on.misses + 1
    assert successor.operation_at("https://api.bookshop.example/books") is not None
    assert successor._url_matches.cache_info().misses == 1  # the handing on, not the hover

    # With the catalog off, the successor answers from the new workspace specs only.
    only = engine.successor(open_for_search(twin_index), workspace, only_specs=workspace)
    request = SuggestRequest(asked[0], k=5, workspace_specs=workspace, only_specs=workspace)
    assert only.rank(request).candidates == []  # no indexed spec is that workspace spec
    assert only._rankings.cache_info().misses == 2
