"""Language-server latency against the real `apicall serve` process and a real index.

    .venv/bin/python bench/lsp.py --index DIR   (an index with the whole catalog: bench/index_catalog.py --keep DIR)

Measures listing code actions, resolving one (with argument filling by the model), completion,
inline completion (compute time, debounce set to 0), and a hover sent while a resolve is
running (typing must never wait on the model). Writes the "lsp" section of docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

from lsprotocol import types
from pytest_lsp import ClientServerConfig, client_capabilities

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _report import latency_row, publish

COMMENTS = [
    "list the repositories of a GitHub user",
    "create a Stripe customer with this email",
    "send an SMS with Twilio",
    "get the current weather for a city",
    "list the members of a Slack channel",
    "search for tracks on Spotify",
    "create a new issue in a GitHub repository",
    "list all invoices of a Stripe customer",
    "get the details of a YouTube video",
    "translate a text with Google Translate",
    "upload a file to Dropbox",
    "list the pull requests of a repository",
    "get the exchange rate between two currencies",
    "create a calendar event in Google Calendar",
    "delete a Stripe subscription",
    "look up a phone number with Twilio",
    "list the projects in a Jira workspace",
    "get the geocode of an address",
    "post a message to a Slack channel",
    "list the followers of a Twitter user",
]
# What the files of the "calls an API" row already call: one host per comment in a round, so
# that each file's first list maps a host no request has mapped before (the second round's
# files ask again with the hosts kept).
CALLED_URLS = [
    "https://api.stripe.com/v1/customers",
    "https://slack.com/api/chat.postMessage",
    "https://api.github.com/repos/acme/web/issues",
    "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json",
    "https://api.openai.com/v1/chat/completions",
    "https://api.spotify.com/v1/me/playlists",
    "https://api.vimeo.com/me/videos",
    "https://api.digitalocean.com/v2/droplets",
    "https://api.trello.com/1/boards/abc/cards",
    "https://api.dropboxapi.com/2/files/list_folder",
]


async def _list_in_calling_file(client, round_: int, number: int) -> float:
    """The code-action list for a comment in a file opened just before, whose code calls an
    API (its URL's spec is mapped when the file opens, and the list asks for it)."""
    url = CALLED_URLS[number % len(CALLED_URLS)]
    uri = f"file:///bench/{round_}_{number}_calls.py"
    _open(client, uri, f'import requests\n\nfound = requests.get("{url}")\n# {COMMENTS[number]}\n')
    ms, _ = await timed(_code_actions(client, uri, line=3))
    return ms


def _open(client, uri: str, text: str) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=text
            )
        )
    )


def _code_actions(client, uri: str, line: int):
    at = types.Position(line=line, character=2)
    return client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=at, end=at),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )


async def timed(coroutine) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = await coroutine
    return (time.perf_counter() - t0) * 1000, result


async def run(index: Path, rounds: int) -> dict[str, list[float]]:
    env = {**os.environ, "APICALL_INDEX": str(index)}
    client = await ClientServerConfig(
        server_command=[sys.executable, "-m", "apicall", "serve"], server_env=env
    ).start()
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            initialization_options={"workspaceSpecs": False, "inlineDebounceMs": 0},
        )
    )
    for _ in range(600):
        status = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="apicall.server.status")
        )
        if status["operations"] and status["model"] in ("ready", "failed"):
            break
        await asyncio.sleep(0.2)
    results: dict[str, list[float]] = {
        k: []
        for k in ("list", "list_calling", "resolve", "completion", "inline", "hover_during_resolve")
    }
    for round_ in range(rounds):
        for number, comment in enumerate(COMMENTS):
            uri = f"file:///bench/{round_}_{number}.py"
            text = f"# {comment}\n\n"
            _open(client, uri, text)
            doc = types.TextDocumentIdentifier(uri=uri)
            ms, actions = await timed(_code_actions(client, uri, line=0))
            results["list"].append(ms)
            results["list_calling"].append(await _list_in_calling_file(client, round_, number))
            if actions:
                resolving = asyncio.ensure_future(
                    timed(client.code_action_resolve_async(actions[0]))
                )
                await asyncio.sleep(0.01)
                client.text_document_did_change(
                    types.DidChangeTextDocumentParams(
                        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                        content_changes=[
                            types.TextDocumentContentChangeWholeDocument(text=text + "x = 1\n")
                        ],
                    )
                )
                ms_hover, _ = await timed(
                    client.text_document_hover_async(
                        types.HoverParams(
                            text_document=doc, position=types.Position(line=2, character=0)
                        )
                    )
                )
                results["hover_during_resolve"].append(ms_hover)
                ms, _ = await resolving
                results["resolve"].append(ms)
                client.text_document_did_change(
                    types.DidChangeTextDocumentParams(
                        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
                        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
                    )
                )
            ms, _ = await timed(
                client.text_document_completion_async(
                    types.CompletionParams(
                        text_document=doc, position=types.Position(line=1, character=0)
                    )
                )
            )
            results["completion"].append(ms)
            ms, _ = await timed(
                client.text_document_inline_completion_async(
                    types.InlineCompletionParams(
                        text_document=doc,
                        position=types.Position(line=1, character=0),
                        context=types.InlineCompletionContext(
                            trigger_kind=types.InlineCompletionTriggerKind.Invoked
                        ),
                    )
                )
            )
            results["inline"].append(ms)
    await client.shutdown_session()
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    results = asyncio.run(run(args.index, args.rounds))
    lines = [
        "## Language server (`bench/lsp.py`)",
        "",
        f"Command: `.venv/bin/python bench/lsp.py --index DIR --rounds {args.rounds}` with the whole "
        "catalog indexed (DIR from `bench/index_catalog.py --keep DIR`); client capabilities of "
        f"VS Code; {len(COMMENTS)} one-line comments in Python files; measured "
        f"{time.strftime('%Y-%m-%d')} on this 2-core machine.",
        "",
        "| request | n | p50 ms | p95 ms | target |",
        "|---|---|---|---|---|",
    ]
    targets = {
        "list": "p95 < 100",
        "list_calling": "p95 < 100",
        "resolve": "p95 < 1000",
        "completion": "p95 < 100",
        "inline": "",
        "hover_during_resolve": "typing never waits on the model",
    }
    names = {
        "list": "code actions: list",
        "list_calling": "code actions: list, in a file that calls an API (opened just before)",
        "resolve": "code action: resolve (argument filling)",
        "completion": "completion list",
        "inline": "inline completion (debounce 0)",
        "hover_during_resolve": "hover sent after didChange while a resolve runs",
    }
    lines += [latency_row(names[k], values, targets[k]) for k, values in results.items()]
    return publish("lsp", lines)


if __name__ == "__main__":
    sys.exit(main())
