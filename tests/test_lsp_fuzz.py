"""The language server survives every input: malformed frames, forged data, cancel storms, and
protocol errors answered as the LSP specification says. Raw JSON-RPC over the real process."""

from __future__ import annotations

import json
import queue
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SPECS, index_env


def frame(message: Any) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawClient:
    """A JSON-RPC peer that writes whatever bytes it is given and reads framed answers."""

    def __init__(self, command: list[str], env: dict[str, str]):
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self.answers: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                if line in (b"\r\n", b"\n") and length is not None:
                    break
            self.answers.put(json.loads(stream.read(length)))

    def send(self, message: Any) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(message if isinstance(message, bytes) else frame(message))
        self.process.stdin.flush()

    def answer(self, msg_id: int, timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                message = self.answers.get(timeout=0.5)
            except queue.Empty:
                assert self.process.poll() is None, "the server exited"
                continue
            if message.get("id") == msg_id and "method" not in message:
                return message
            if "method" in message and "id" in message:  # a request from the server
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
        raise AssertionError(f"no answer to request {msg_id}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def server_env(tmp_path_factory: pytest.TempPathFactory, isolated_data_dir: Path) -> dict[str, str]:
    specs = [SPECS / "petstore_v2.json", SPECS / "bookshop_v30.yaml"]
    return index_env(tmp_path_factory.mktemp("fuzz-index"), isolated_data_dir, specs)


@pytest.fixture
def raw_client(server_env, tmp_path):
    client = RawClient([sys.executable, "-m", "apicall", "serve"], server_env)
    yield client
    client.close()


def initialize(client: RawClient, root: Path, msg_id: int = 1) -> None:
    client.send(
        {
            "jsonrpc": "2.0",
            "id": msg_id,
            "method": "initialize",
            "params": {
                "capabilities": {},
                "rootUri": root.as_uri(),
                "initializationOptions": {"fillArguments": False, "workspaceSpecs": False},
            },
        }
    )
    assert "result" in client.answer(msg_id)
    client.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})


def open_comment(client: RawClient, root: Path) -> str:
    uri = (root / "app.py").as_uri()
    client.send(
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {
                    "uri": uri,
                    "languageId": "python",
                    "version": 1,
                    "text": "# list the books in the bookshop\n",
                }
            },
        }
    )
    return uri


def code_action(uri: str, msg_id: int) -> dict[str, Any]:
    position = {"line": 0, "character": 3}
    return {
        "jsonrpc": "2.0",
        "id": msg_id,
        "method": "textDocument/codeAction",
        "params": {
            "textDocument": {"uri": uri},
            "range": {"start": position, "end": position},
            "context": {"diagnostics": []},
        },
    }


def test_protocol_errors_are_answered(raw_client, tmp_path):
    hover = {
        "textDocument": {"uri": (tmp_path / "x.py").as_uri()},
        "position": {"line": 0, "character": 0},
    }
    raw_client.send({"jsonrpc": "2.0", "id": 100, "method": "textDocument/hover", "params": hover})
    assert raw_client.answer(100)["error"]["code"] == -32002
    initialize(raw_client, tmp_path)
    raw_client.send(
        {"jsonrpc": "2.0", "id": 101, "method": "textDocument/codeAction", "params": {"x": 5}}
    )
    assert raw_client.answer(101)["error"]["code"] == -32602
    raw_client.send(
        {
            "jsonrpc": "2.0",
            "id": 102,
            "method": "workspace/executeCommand",
            "params": {"command": "apicall.server.nope", "arguments": [1]},
        }
    )
    error = raw_client.answer(102)["error"]
    assert "Traceback" not in error["message"] and "\n" not in error["message"]
    assert "data" not in error or error["data"] is None
    raw_client.send({"jsonrpc": "2.0", "id": 103, "method": "shutdown"})
    assert "error" not in raw_client.answer(103)
    raw_client.send({"jsonrpc": "2.0", "id": 104, "method": "textDocument/hover", "params": hover})
    assert raw_client.answer(104)["error"]["code"] == -32600


def _garbage(rng: random.Random, uri: str) -> list[bytes | dict[str, Any]]:
    position = {"line": rng.randint(-5, 5), "character": rng.randint(-5, 500)}
    forged = {
        "title": "Insert API call",
        "data": rng.choice(
            [
                None,
                {"id": "nope"},
                {"uri": uri, "id": "x" * 5000, "line": -1},
                {"uri": 5, "target": ["python"], "record": {"a": 1}},
                "string",
                [1, 2, 3],
            ]
        ),
    }
    return [
        bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 200))),
        b'{"jsonrpc": "2.0", "id": 7, "method": "textDocument/codeAc',
        b"null",
        b"[]",
        {
            "jsonrpc": "2.0",
            "id": rng.randint(1000, 2000),
            "method": "codeAction/resolve",
            "params": forged,
        },
        {
            "jsonrpc": "2.0",
            "id": rng.randint(2000, 3000),
            "method": "completionItem/resolve",
            "params": {"label": "x", "data": forged["data"]},
        },
        {
            "jsonrpc": "2.0",
            "id": rng.randint(3000, 4000),
            "method": "textDocument/codeAction",
            "params": {
                "textDocument": {"uri": uri},
                "range": {"start": position, "end": position},
                "context": {"diagnostics": []},
            },
        },
        {"jsonrpc": "2.0", "id": rng.randint(4000, 5000), "method": "no/such/method", "params": {}},
        {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": rng.randint(0, 6000)}},
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didChange",
            "params": {
                "textDocument": {"uri": uri, "version": 2},
                "contentChanges": [
                    {"range": {"start": position, "end": position}, "text": "\u202e\x00"}
                ],
            },
        },
        {"jsonrpc": "1.0", "id": 9, "method": "initialize"},
        {"jsonrpc": "2.0", "id": {"nested": True}, "method": "shutdown"},
    ]


def test_server_answers_a_code_action_after_a_storm_of_bad_input(raw_client, tmp_path):
    initialize(raw_client, tmp_path)
    uri = open_comment(raw_client, tmp_path)
    raw_client.send(code_action(uri, 10))
    assert raw_client.answer(10)["result"], "no action before the storm"
    rng = random.Random(1234)
    for _ in range(40):
        for message in _garbage(rng, uri):
            raw_client.send(message if isinstance(message, dict) else frame(message))
    for cancel in range(500):  # a cancel storm, for ids in flight and not
        raw_client.send({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": cancel}})
    # The document text was changed by the storm; open it again as the user has it.
    raw_client.send(
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didClose",
            "params": {"textDocument": {"uri": uri}},
        }
    )
    uri = open_comment(raw_client, tmp_path)
    raw_client.send(code_action(uri, 99999))
    answer = raw_client.answer(99999)
    assert raw_client.process.poll() is None
    titles = [action["title"] for action in answer["result"]]
    assert any("/books" in title for title in titles), titles


def test_serve_index_flag_holds_when_the_client_names_no_index(server_env, tmp_path):
    env = dict(server_env)
    index_dir = env.pop("APICALL_INDEX")
    client = RawClient([sys.executable, "-m", "apicall", "serve", "--index", index_dir], env)
    try:
        initialize(client, tmp_path)
        client.send(
            {
                "jsonrpc": "2.0",
                "id": 2,
                "method": "workspace/executeCommand",
                "params": {"command": "apicall.server.status", "arguments": [{"quiet": True}]},
            }
        )
        status = client.answer(2)["result"]
        assert status["index"] == index_dir and status["operations"] > 0
    finally:
        client.close()
