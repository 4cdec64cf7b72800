"""`apicall suggest`: one instruction, or a batch of them, to API calls."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from apicall.index.engine import Engine, Suggestion, SuggestRequest
from apicall.index.errors import ApicallError
from apicall.index.languages import language_of_path
from apicall.index.open import open_for_search
from apicall.index.settings import resolve_index_dir
from apicall.index.urlmatch import urls_in
from apicall.model_runtime.call_model import LlamaCallModel
from apicall.model_runtime.config import ModelConfig
from apicall.model_runtime.runtime import ModelRuntime

from .cli_args import result_count


@contextmanager
def _engine(args: argparse.Namespace, needs_model: bool) -> Iterator[Engine]:
    searcher = open_for_search(resolve_index_dir(args.index))
    if not needs_model:
        yield Engine(searcher)
        return
    runtime = ModelRuntime(ModelConfig(model_path=args.model))
    runtime.start_loading()  # overlaps with the first retrieval
    try:
        yield Engine(searcher, LlamaCallModel(runtime))
    finally:
        runtime.close()


def _request(
    args: argparse.Namespace,
    instruction: str,
    lang: str | None,
    target: str | None,
    file_urls: tuple[str, ...] = (),
) -> SuggestRequest:
    return SuggestRequest(
        instruction=instruction,
        target=target,
        language=lang,
        k=args.k,
        fill=not args.no_fill,
        mode=args.mode,
        model_rerank=args.model_rerank,
        file_urls=file_urls,
    )


def _urls_of(path: Path) -> tuple[str, ...]:
    """The URLs the file the call goes into already calls; none for a file not written yet."""
    try:
        return urls_in(path.read_text(encoding="utf-8", errors="replace"))
    except FileNotFoundError:
        return ()
    except OSError as exc:
        raise ApicallError(f"{path}: cannot read ({exc.strerror})") from None


def cmd_suggest(args: argparse.Namespace) -> int:
    needs_model = (not args.no_fill) or args.mode == "generate" or args.model_rerank
    if args.batch:
        return _batch(args, needs_model)
    if not args.instruction:
        raise ApicallError("give an INSTRUCTION or --batch FILE.jsonl")
    file_urls: tuple[str, ...] = ()
    if args.file:
        spoken = language_of_path(args.file)
        if spoken is None:
            raise ApicallError(f"{args.file}: no language known for this extension; give --lang")
        args.lang = spoken.id
        file_urls = _urls_of(Path(args.file))
    if not (args.lang or args.target):
        raise ApicallError("give --lang LANGUAGE_ID, --file PATH or --target TARGET")
    with _engine(args, needs_model) as engine:
        request = _request(args, args.instruction, args.lang, args.target, file_urls)
        suggestion = engine.suggest(request)
    _print(suggestion, args.json)
    return 0 if suggestion.endpoint is not None or suggestion.generated else 3


def _batch(args: argparse.Namespace, needs_model: bool) -> int:
    path = Path(args.batch)
    try:
        lines = path.read_bytes().decode("utf-8-sig").splitlines()
    except OSError as exc:
        raise ApicallError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ApicallError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    with _engine(args, needs_model) as engine:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                print(json.dumps(_batch_line(args, engine, number, line), ensure_ascii=False))
                sys.stdout.flush()
    return 0


def _batch_line(args: argparse.Namespace, engine: Engine, number: int, line: str) -> dict[str, Any]:
    """One answer per line: the suggestion, or an error object under that line's own id."""
    item: Any = None
    try:
        item = json.loads(line)
        if not isinstance(item, dict):
            raise ValueError("each line needs a JSON object with an 'instruction'")
        instruction, lang, target = (item.get(key) for key in ("instruction", "lang", "target"))
        if not isinstance(instruction, str) or not instruction.strip():
            raise ValueError("'instruction' must be a non-empty string")
        for key, value in (("lang", lang), ("target", target)):
            if value is not None and not isinstance(value, str):
                raise ValueError(f"'{key}' must be a string")
        result: dict[str, Any] = engine.suggest(_request(args, instruction, lang, target)).to_json()
    except json.JSONDecodeError as exc:
        result = {"instruction": None, "error": f"line {number}: invalid JSON ({exc.msg})"}
    except (ValueError, ApicallError) as exc:
        result = {"instruction": None, "error": f"line {number}: {exc}"}
    except Exception as exc:  # one broken line must not lose the rest of the batch
        result = {"instruction": None, "error": f"line {number}: internal error: {exc!r}"}
    if isinstance(item, dict) and "id" in item:
        result = {"id": item["id"], **result}
    return result


def _print(suggestion: Suggestion, as_json: bool) -> None:
    if as_json:
        print(json.dumps(suggestion.to_json(), indent=2, ensure_ascii=False))
        return
    if suggestion.endpoint is None and not suggestion.generated:
        print(f"no match: {suggestion.message}")
        for alt in suggestion.alternatives:
            print(f"  closest: {alt.endpoint.api_name} {alt.endpoint.method} {alt.endpoint.path}")
        return
    if suggestion.endpoint is not None:
        e = suggestion.endpoint
        print(f"# {e.api_name}: {e.method} {e.path} (confidence {suggestion.confidence:.2f})")
    print(suggestion.code)


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    suggest = sub.add_parser(
        "suggest", parents=[common], help="write the API call for an instruction"
    )
    suggest.add_argument("instruction", nargs="?")
    choice = suggest.add_mutually_exclusive_group()
    choice.add_argument("--lang", help="an LSP language id (picks its idiomatic target)")
    choice.add_argument("--target", help="a target name (see `apicall targets`)")
    choice.add_argument(
        "--file",
        help="the file the call goes into: its extension is the language, and the APIs its URLs "
        "call rank first",
    )
    suggest.add_argument("--k", type=result_count, default=3, help="alternatives to return")
    suggest.add_argument("--no-fill", action="store_true", help="leave arguments as placeholders")
    suggest.add_argument("--mode", choices=["render", "generate"], default="render")
    suggest.add_argument(
        "--model-rerank", action="store_true", help="let the model pick among the top candidates"
    )
    suggest.add_argument("--model", help="a GGUF file (default: the bundled SmolLM2-135M)")
    suggest.add_argument("--batch", help="a JSONL file of {instruction, lang|target, id?}")
    suggest.add_argument("--json", action="store_true")
    suggest.set_defaults(func=cmd_suggest)
