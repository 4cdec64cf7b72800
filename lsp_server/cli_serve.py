"""`apicall serve`: the language server over stdio (or TCP for debugging)."""

from __future__ import annotations

import argparse
import logging

from apicall.index.errors import ApicallError


def cmd_serve(args: argparse.Namespace) -> int:
    from .config import ServerConfig
    from .server import create_server

    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s apicall %(levelname)s %(message)s"
    )
    server = create_server()
    if args.index:
        server.defaults = ServerConfig(index_dir=args.index)
        server.config = ServerConfig(index_dir=args.index)
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not port.isdigit():
            raise ApicallError("--tcp takes HOST:PORT, for example 127.0.0.1:2087")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    return 0


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    serve = sub.add_parser("serve", parents=[common], help="run the language server")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    serve.set_defaults(func=cmd_serve)
