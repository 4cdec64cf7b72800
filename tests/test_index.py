"""The real LanceDB index with the real (distilled) embedder: incremental behaviour and search."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from apicall.index.builder import discover_spec_files, ingest, remove_spec
from apicall.index.engine import RETRIEVE_DEPTH, Engine, SuggestRequest
from apicall.index.open import open_for_search, open_for_write

from tests.conftest import BROKEN, ROOT, corpus_specs


def build(index_dir: Path, *paths: Path):
    files, missing = discover_spec_files(paths)
    store, embedder = open_for_write(index_dir)
    report = ingest(store, embedder, files, workers=1)
    report.outcomes[:0] = missing
    return store, report


def test_fixture_specs_are_indexed_with_errors_recorded(tmp_path, spec_dir):
    store, report = build(tmp_path / "idx", spec_dir)
    assert report.count("added") == 6
    assert report.skipped == []
    assert store.count_operations() == 4 + 3 + 1 + 1 + 1 + 1
    specs = {Path(s["spec_key"]).name: s for s in store.specs()}
    assert specs["invalid_but_readable.json"]["validation_errors"]
    assert specs["bookshop_v30.yaml"]["validation_errors"] == []
    assert any("remote $ref" in w for w in specs["remote_ref.yaml"]["warnings"])


def test_bad_files_are_skipped_one_line_each_and_never_stop_the_batch(tmp_path, spec_dir):
    _, report = build(tmp_path / "idx", BROKEN, spec_dir / "bookshop_v30.yaml", tmp_path / "nope")
    assert report.count("added") == 1
    reasons = sorted(o.reason for o in report.skipped)
    assert len(reasons) == 5
    for name in ("binary.json", "not_openapi.json", "syntax_error.yaml", "yaml_bomb.yaml", "nope"):
        assert any(name in r for r in reasons), name
    assert all("\n" not in r for r in reasons)


def test_incremental_unchanged_changed_removed(tmp_path, spec_dir):
    index_dir = tmp_path / "idx"
    store, _ = build(index_dir, spec_dir)
    before = store.count_operations()

    _, again = build(index_dir, spec_dir)
    assert again.count("unchanged") == 6 and again.operations == 0

    bookshop = spec_dir / "bookshop_v30.yaml"
    bookshop.write_text(bookshop.read_text().replace("Remove a book by ISBN", "Withdraw a title"))
    store, changed = build(index_dir, spec_dir)
    assert changed.count("replaced") == 1 and changed.count("unchanged") == 5
    assert store.count_operations() == before
    rows = store.operations_of_spec(str(bookshop.resolve()))
    summaries = sorted(r["functionality"] for r in rows)
    assert "Withdraw a title" in summaries and "Remove a book by ISBN" not in summaries

    assert remove_spec(store, str(bookshop)) == str(bookshop.resolve())
    assert store.count_operations() == before - 3
    assert str(bookshop.resolve()) not in store.spec_hashes()
    assert remove_spec(store, "no-such-spec") is None


def test_a_build_killed_midway_leaves_the_previous_index_readable(tmp_path, spec_dir):
    index_dir = tmp_path / "idx"
    store, _ = build(index_dir, spec_dir / "bookshop_v30.yaml")
    (spec_dir / "bookshop_v30.yaml").write_text(
        (spec_dir / "bookshop_v30.yaml").read_text().replace("catalogue", "shop")
    )
    # A real process, killed (os._exit, no clean-up) right after its first commit of new rows.
    script = f"""
import os, sys
sys.path.insert(0, {str(ROOT)!r})
from apicall.index import store as store_module
original = store_module.IndexStore.add_operations
def add_then_die(self, rows, vectors):
    original(self, rows, vectors)
    os._exit(9)
store_module.IndexStore.add_operations = add_then_die
from apicall.lsp_server.cli import main
main(["index", "add", "--quiet", "--index", {str(index_dir)!r}, {str(spec_dir)!r}])
"""
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert killed.returncode == 9, killed.stderr

    searcher = open_for_search(index_dir)  # still readable
    assert searcher.search("books", k=3)
    store, report = build(index_dir, spec_dir)
    assert report.count("replaced") == 1 and report.count("added") == 5
    rows = store.operations_of_spec(str((spec_dir / "bookshop_v30.yaml").resolve()))
    assert len(rows) == 3  # no duplicates left by the killed run
    assert {r["functionality"] for r in rows} >= {"List the books in the shop"}
    assert len({r["id"] for r in store.table("operations").to_arrow().to_pylist()}) == (
        store.count_operations()
    )


def test_hybrid_search_on_fixtures(tmp_path, spec_dir):
    build(tmp_path / "idx", spec_dir)
    searcher = open_for_search(tmp_path / "idx")
    top = searcher.search("weather forecast for a city", k=3)
    assert (top[0].method, top[0].path) == ("GET", "/forecast/{city}")
    by_id = searcher.search("getPetById", k=3, mode="keyword")
    assert by_id[0].operation_id == "getPetById"
    assert searcher.search("add a book to the catalogue", k=1)[0].operation_id == "createBook"


def test_an_index_keeps_its_embedder(tmp_path, spec_dir):
    build(tmp_path / "idx", spec_dir / "weather_v31.yaml")
    meta = json.loads((tmp_path / "idx" / "apicall-index.json").read_text())
    assert meta["embedder"]["kind"] == "static"
    with pytest.raises(Exception, match="was built with the static embedder"):
        open_for_write(tmp_path / "idx", "transformer")


@pytest.mark.corpus
def test_hybrid_ranking_on_real_catalog_specs(tmp_path):
    folder = corpus_specs(
        tmp_path,
        [
            "github.com/api.github.com.json",
            "stripe.com.json",
            "twilio.com/api.json",
            "slack.com.json",
            "spotify.com.json",
        ],
    )
    build(tmp_path / "idx", folder)
    searcher = open_for_search(tmp_path / "idx")

    top3 = searcher.search("list the repositories of a GitHub user", k=3)
    assert ("GET", "/users/{username}/repos") in [(r.method, r.path) for r in top3]

    # Exact identifiers and paths are found by the keyword side even where embeddings blur.
    assert searcher.search("repos/list-for-user", k=1)[0].path == "/users/{username}/repos"
    # Retrieval feeds the reranker its top 100; the engine's ranking is what users see.
    customers = searcher.search("Stripe create a customer", k=RETRIEVE_DEPTH)
    assert ("POST", "/v1/customers") in [(r.method, r.path) for r in customers]
    best = Engine(searcher).candidates(SuggestRequest("Stripe create a customer"))[0][0]
    assert (best.method, best.path) == ("POST", "/v1/customers")
    sms = searcher.search("send an SMS message with Twilio", k=5)
    assert any("Messages" in r.path and r.method == "POST" for r in sms)
