"""The learned ranking: the data split is honest, and the whole training loop learns (a toy run
in seconds over the fixture specs; the real run is `apicall train`, docs/TRAINING.md)."""

from __future__ import annotations

import dataclasses
import json
import pickle
import shutil
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from apicall.index.embed import install_static_table
from apicall.index.engine import Engine
from apicall.index.learning import data as training_data
from apicall.index.learning.evaluate import evaluate_ranking
from apicall.index.learning.reranker import is_answer
from apicall.index.learning.train import fold_of, hard_negative_triples
from apicall.index.open import open_for_search
from apicall.index.search import SearchResult
from apicall.index.settings import data_dir

from tests.conftest import FIXTURES, SPECS
from tests.test_cli import apicall

TOY_DATA = FIXTURES / "training"


def test_the_split_keeps_operations_and_unseen_apis_on_one_side():
    data = training_data.load()
    sides: dict[str, set[str]] = defaultdict(set)
    for comment in data.comments:
        sides[comment.op].add(data.split_of(comment.op))
    assert all(len(s) == 1 for s in sides.values()), "an operation's comments were split"
    train_specs = {o.spec for o in data.operations.values() if data.split_of(o.op) == "train"}
    dev = data.comments_in("dev")
    unseen = [c for c in dev if not data.seen_api(c.op)]
    assert unseen and all(data.operations[c.op].spec not in train_specs for c in unseen)
    assert 0.15 < len(dev) / len(data.comments) < 0.3
    assert data.negatives_in("dev") and data.negatives_in("train")
    folds = {fold_of(c.op, 2) for c in data.comments_in("train")}
    assert folds == {0, 1}


def test_held_out_wordings_of_trained_operations_are_never_trained_on():
    data = training_data.load()
    held = data.held_twins()
    train = data.comments_in("train")
    trained_ops = {c.op for c in train}
    assert held and {c.comment for c in held}.isdisjoint({c.comment for c in train})
    # Their operations were taught by their other comment, and nothing of dev is among them.
    assert all(c.op in trained_ops and data.split_of(c.op) == "train" for c in held)
    assert 0.02 < len(held) / len(train) < 0.08


def test_the_same_call_in_a_copy_of_the_spec_is_the_answer():
    operation = training_data.Operation(
        "op", "spotify.com/sonallux.json", "Spotify (fixed)", "PUT", "/me/albums", "", "", ""
    )
    ours = '[{"url": "https://api.spotify.com/v1"}]'

    def copy(spec: str, api: str, servers: str, path: str = "/me/albums") -> SearchResult:
        return SearchResult(
            "x", api, "spotify.com", "PUT", path, "", "", "", spec, 1.0, "", servers
        )

    same_server = copy(
        "dir/spotify.com.json", "Spotify", '[{"url": "https://api.spotify.com/v1/"}]'
    )
    assert is_answer(same_server, operation, ours)
    assert not is_answer(same_server, operation)  # the servers unknown: only by spec or name
    assert not is_answer(
        copy("dir/x.json", "Other", '[{"url": "https://other.example"}]'), operation, ours
    )
    assert not is_answer(
        copy("dir/x.json", "Other", '[{"url": "{host}/v1"}]'), operation, '[{"url": "{host}/v1"}]'
    )
    assert not is_answer(
        copy("dir/spotify.com.json", "Spotify", ours, "/me/shows"), operation, ours
    )
    assert is_answer(copy("dir/spotify.com/sonallux.json", "?", ""), operation)


def test_out_of_fold_retrievers_leave_out_their_fold(tmp_path):
    data = training_data.load()
    comments = data.comments_in("train")[:400]
    inside = [c for c in comments if fold_of(c.op, 2) == 0]
    triples = hard_negative_triples(data, comments=[c for c in comments if fold_of(c.op, 2) == 1])
    assert inside and {t.query for t in triples}.isdisjoint({c.comment for c in inside})


def test_toy_training_learns(tmp_path):
    artifacts, index = tmp_path / "artifacts", tmp_path / "index"
    done = apicall(
        "train",
        "--specs",
        str(SPECS),
        "--data",
        str(TOY_DATA),
        "--artifacts",
        str(artifacts),
        "--index",
        str(index),
        "--epochs",
        "30",
        "--rounds",
        "30",
        "--folds",
        "1",  # eight train operations are too few to split into folds
        "--keep-lists",
        str(tmp_path / "lists.pkl"),
        *("--cross-encoder-epochs", "8"),
        *("--docs", str(tmp_path / "docs" / "new")),  # a folder that is not there yet
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "docs" / "new" / "training.png").is_file()
    assert "retriever" in done.stderr and "reranker" not in done.stdout  # progress on stderr
    # The toy comments state no values: the value picker is left out, in one line, not a failure.
    assert "apicall: the value picker was not trained: no split states a value" in done.stderr
    report = json.loads((artifacts / "manifest.json").read_text())
    assert report["retriever"]["last_loss"] < report["retriever"]["first_loss"]
    trained_top1 = report["dev"]["groups"]["all"]["top1"]
    assert (artifacts / "reranker.lgb.txt").is_file() and (artifacts / "retriever.npz").is_file()
    # The cross-encoder learned on the reranker's lists; its blend was chosen on dev.
    cross = report["cross_encoder"]
    assert (artifacts / "cross_encoder.npz").is_file() and cross["steps"] >= 8
    assert cross["last_loss"] < cross["first_loss"], cross
    assert cross["blend_chosen_on"] == "dev" and cross["dev_lists_top1_top3"]

    # The reranker again from the kept lists, without ranking anything again; the manifest keeps
    # the record of the run that trained the retriever it keeps.
    shutil.copytree(artifacts, tmp_path / "again")
    again = apicall(
        "train",
        *("--data", str(TOY_DATA), "--artifacts", str(tmp_path / "again")),
        *("--index", str(index), "--rounds", "30", "--from-lists", str(tmp_path / "lists.pkl")),
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert "candidates" not in again.stderr
    kept = json.loads((tmp_path / "again" / "manifest.json").read_text())
    assert kept["dev"]["groups"]
    assert kept["retriever"]["trained"]["steps"] == report["retriever"]["steps"]

    # The relevance threshold chosen again over an index: the weights stay as they were.
    fitted = json.loads((tmp_path / "again" / "relevance.json").read_text())
    chosen = apicall(
        "train",
        *("--data", str(TOY_DATA), "--artifacts", str(tmp_path / "again")),
        *("--index", str(index), "--threshold-only"),
    )
    assert chosen.returncode == 0, chosen.stderr[-2000:]
    relevance = json.loads((tmp_path / "again" / "relevance.json").read_text())
    assert relevance["weights"] == fitted["weights"] and relevance["bias"] == fitted["bias"]
    manifest = json.loads((tmp_path / "again" / "manifest.json").read_text())
    assert manifest["relevance"]["dev_negatives_suggested_pct"] <= 5.0

    # The cross-encoder alone, over the kept reranker and the kept lists.
    (tmp_path / "again" / "cross_encoder.npz").unlink()
    alone = ("--cross-encoder-only", "--cross-encoder-epochs", "2")
    crossed = apicall(
        "train",
        *("--data", str(TOY_DATA), "--artifacts", str(tmp_path / "again")),
        *("--from-lists", str(tmp_path / "lists.pkl"), *alone),
    )
    assert crossed.returncode == 0, crossed.stderr[-2000:]
    assert (tmp_path / "again" / "cross_encoder.npz").is_file()
    assert json.loads(crossed.stdout)["blend"]["depth"] in (4, 6, 8)
    # Lists kept before the candidates' texts were: one line saying to rank them again.
    with (tmp_path / "lists.pkl").open("rb") as handle:
        names, train_lists, dev_lists = pickle.load(handle)
    del train_lists.texts
    with (tmp_path / "old-lists.pkl").open("wb") as handle:
        pickle.dump((names, train_lists, dev_lists), handle)
    refused = apicall(
        "train",
        *("--data", str(TOY_DATA), "--artifacts", str(tmp_path / "again")),
        *("--from-lists", str(tmp_path / "old-lists.pkl"), *alone),
    )
    assert refused.returncode != 0
    assert "lack the candidates' texts: rank them again" in refused.stderr
    assert "Traceback" not in refused.stderr

    # The same dev comments with the untrained parts: the distilled table, hand-set rerank.
    untrained = tmp_path / "untrained"
    base = np.load(data_dir() / "embedders" / "train-base.npy")
    install_static_table(untrained, base, "untrained")
    assert apicall("index", "add", "--quiet", "--index", str(untrained), str(SPECS)).returncode == 0
    data = training_data.load(TOY_DATA)
    engine = Engine(open_for_search(untrained))
    engine.reranker = None
    before = evaluate_ranking(engine, data, data.comments_in("dev"))
    untrained_top1 = before.groups["all"].as_row()["top1"]
    assert trained_top1 > untrained_top1, (trained_top1, untrained_top1)


@pytest.fixture(autouse=True)
def _data_dir_is_shared(isolated_data_dir: Path) -> None:
    """The subprocess and this process read the same distilled base table."""


def test_loss_curves_show_the_retriever_only_when_this_run_trained_it():
    from apicall.index.learning.train import loss_curves

    both = loss_curves([2.0, 1.5, 1.0], [0.5, 0.6], [0.4, 0.45])
    assert [a.get_title() for a in both.axes] == [
        "retriever: MultipleNegativesRankingLoss",
        "reranker: NDCG@1",
    ]
    reranker_only = loss_curves([], [0.5, 0.6], [0.4, 0.45])
    assert [a.get_title() for a in reranker_only.axes] == ["reranker: NDCG@1"]


def test_an_aws_query_action_by_get_or_post_is_one_call():
    path = "/#Action=CreateVerifiedAccessInstance"
    operation = training_data.Operation(
        "op", "amazonaws.com/ec2.json", "Amazon EC2", "GET", path, "", "", ""
    )
    post = SearchResult(
        "x",
        "Amazon EC2",
        "amazonaws.com",
        "POST",
        path,
        "",
        "",
        "",
        "d/amazonaws.com/ec2.json",
        1.0,
    )
    assert is_answer(post, operation)
    assert not is_answer(dataclasses.replace(post, method="DELETE"), operation)
    rest = dataclasses.replace(operation, path="/instances")
    assert not is_answer(dataclasses.replace(post, path="/instances"), rest)
