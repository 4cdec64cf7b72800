"""`apicall render` and `apicall targets`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from apicall.index.errors import ApicallError
from apicall.index.loader import parse_spec_bytes
from apicall.index.records import OperationRecord, content_hash, extract_operations
from apicall.index.render.render import list_targets, render_all

# Rendering from a spec file keeps whole request bodies; the index caps them to stay small.
SPEC_FILE_BODY_BUDGET = 200_000
SPEC_FILE_REF_DEPTH = 16


class OperationNotFound(ApicallError):
    pass


def find_operation(records: list[OperationRecord], wanted: str) -> OperationRecord:
    """By "METHOD /path" or by operationId (or the derived endpoint name)."""
    parts = wanted.split(None, 1)
    if len(parts) == 2 and parts[1].startswith("/"):
        method, path = parts[0].upper(), parts[1]
        for record in records:
            if record.method == method and record.path == path:
                return record
    for record in records:
        if wanted in (record.operation_id, record.endpoint_name):
            return record
    raise OperationNotFound(f"no operation {wanted!r} in the spec (use 'METHOD /path' or an id)")


def cmd_render(args: argparse.Namespace) -> int:
    path = Path(args.spec)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ApicallError(f"{path}: cannot read ({exc.strerror})") from None
    doc = parse_spec_bytes(data, str(path))
    records = extract_operations(
        doc,
        str(path.resolve()),
        content_hash(data),
        body_budget=SPEC_FILE_BODY_BUDGET,
        max_ref_depth=SPEC_FILE_REF_DEPTH,
    ).records
    record = find_operation(records, args.operation)
    arguments = None
    if args.args:
        try:
            arguments = json.loads(args.args)
        except ValueError as exc:
            raise ApicallError(f"--args is not JSON: {exc}") from None
        if not isinstance(arguments, dict):
            raise ApicallError("--args must be a JSON object of parameter names to values")
    snippets = render_all(record, args.target, arguments)
    print("\n\n".join(s.code for s in snippets))
    for note in snippets[0].notes:
        print(f"apicall: note: {note}", file=sys.stderr)
    return 0


def cmd_targets(args: argparse.Namespace) -> int:
    targets = list_targets()
    if args.json:
        print(json.dumps([t.__dict__ for t in targets], indent=2))
        return 0
    for t in targets:
        print(f"{t.name:20s} {t.language:12s} {t.library:16s} {t.kind}")
    return 0


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    render = sub.add_parser("render", parents=[common], help="print the code for one operation")
    render.add_argument("--spec", required=True, help="an OpenAPI or Swagger file")
    render.add_argument("--operation", required=True, help='"METHOD /path" or an operationId')
    render.add_argument("--target", required=True, help="a target name (see `apicall targets`)")
    render.add_argument("--args", help="JSON object of argument values by parameter name")
    render.set_defaults(func=cmd_render)
    targets = sub.add_parser("targets", parents=[common], help="list targets and their language")
    targets.add_argument("--json", action="store_true")
    targets.set_defaults(func=cmd_targets)
