"""The `apicall` command line."""

from __future__ import annotations

import argparse
import sys

from apicall.index.errors import ApicallError

from . import (
    cli_doctor,
    cli_eval,
    cli_index,
    cli_render,
    cli_serve,
    cli_suggest,
    cli_train,
)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--index",
        metavar="DIR",
        help="index directory (default: $APICALL_INDEX, else the user data directory)",
    )
    parser = argparse.ArgumentParser(
        prog="apicall", description="Offline API calls from comments, from a local OpenAPI index."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    cli_index.add_parsers(sub, common)
    cli_render.add_parsers(sub, common)
    cli_doctor.add_parsers(sub, common)
    cli_suggest.add_parsers(sub, common)
    cli_serve.add_parsers(sub, common)
    cli_eval.add_parsers(sub, common)
    cli_train.add_parsers(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ApicallError as exc:
        print(f"apicall: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (`apicall targets | head`)
        return 0
    except KeyboardInterrupt:
        print("apicall: interrupted; the index keeps its last complete commit", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
