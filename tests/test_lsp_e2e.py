"""End-to-end: the real `apicall serve` process, a real LanceDB index built from fixture specs,
the real default model, driven by pytest-lsp with VS Code's and Neovim's client capabilities."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import FIXTURES, SPECS, index_env

CLIENTS = ["visual-studio-code", "neovim"]


@pytest.fixture(scope="module")
def lsp_env(tmp_path_factory: pytest.TempPathFactory, isolated_data_dir: Path) -> dict[str, str]:
    specs = [SPECS / "petstore_v2.json", SPECS / "bookshop_v30.yaml", SPECS / "weather_v31.yaml"]
    return index_env(tmp_path_factory.mktemp("lsp-index"), isolated_data_dir, specs)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "workspace", root)
    return root


async def start(lsp_env, workspace, client_name, options=None, resolve=True) -> LanguageClient:
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "apicall", "serve"], server_env=lsp_env
    )
    client = await config.start()
    capabilities = client_capabilities(client_name)
    if not resolve and capabilities.text_document and capabilities.text_document.code_action:
        capabilities.text_document.code_action.resolve_support = None
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            initialization_options=options or {},
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="project")],
            root_uri=workspace.as_uri(),
        )
    )
    return client


@pytest_asyncio.fixture(params=CLIENTS)
async def client(request, lsp_env, workspace):
    started = await start(lsp_env, workspace, request.param)
    await wait_for(lambda: any("workspace specs:" in m.message for m in started.log_messages))
    yield started
    await started.shutdown_session()


async def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


def open_doc(client: LanguageClient, workspace: Path, name: str, language: str, text: str) -> str:
    path = workspace / name
    path.write_text(text)
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=1, text=text
            )
        )
    )
    return uri


def apply(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(position: types.Position) -> int:
        return offsets[min(position.line, len(lines))] + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def actions_at(client, uri, line):
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=line, character=2),
                end=types.Position(line=line, character=2),
            ),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )


async def insert_first(client, uri, text, line) -> tuple[str, list[str]]:
    actions = await actions_at(client, uri, line)
    titles = [a.title for a in actions]
    action = actions[0]
    if action.edit is None:
        action = await client.code_action_resolve_async(action)
    return apply(text, action.edit.changes[uri]), titles


@pytest.mark.asyncio
async def test_code_action_in_python(client, workspace):
    text = '"""Shop tools."""\n\n\ndef main():\n    # list the books in the catalogue, limit 5\n    pass\n'
    uri = open_doc(client, workspace, "shop.py", "python", text)
    result, titles = await insert_first(client, uri, text, 4)
    assert titles[0] == "Insert API call: GET /books (Bookshop API)"
    assert len(titles) == 3 and all(t.startswith("Insert API call: ") for t in titles)
    assert (
        '    response = requests.get(\n        "https://eu.bookshop.example/api/books",' in result
    )
    assert (
        'params={"limit": "5"}' in result
        or "params={'limit': 5}" in result
        or '"limit": 5' in result
    )
    assert result.startswith('"""Shop tools."""\nimport requests\n')  # import added at the top
    compile(result, "shop.py", "exec")


@pytest.mark.asyncio
async def test_a_comment_that_names_no_api_asks_for_the_one_its_file_calls(client, workspace):
    """ "add a new entry" fits the petstore's and the bookshop's create alike; the file's code
    already calls one of them, and that one is offered first."""
    calls = {
        "pets.py": (
            "https://petstore.example.com/v2/pet/findByTags",
            "POST /pet (Swagger Petstore)",
        ),
        "books.py": ("https://eu.bookshop.example/api/books", "POST /books (Bookshop API)"),
    }
    for name, (url, expected) in calls.items():
        text = f'import requests\n\nfound = requests.get("{url}")\n# add a new entry\n'
        uri = open_doc(client, workspace, name, "python", text)
        titles = [a.title for a in await actions_at(client, uri, 3)]
        assert titles[0] == f"Insert API call: {expected}", titles
    # Opening each file read its APIs in the background (features/file_apis.py) without a fault.
    assert not [m.message for m in client.log_messages if "failed" in m.message]


@pytest.mark.asyncio
async def test_a_new_file_asks_for_the_api_the_workspace_calls(lsp_env, workspace):
    """The workspace's code calls the bookshop; in a new file that calls nothing, "add a new
    entry" (the petstore's create in this workspace when nothing else is known) is the
    bookshop's."""
    (workspace / "client.py").write_text(
        'import requests\n\nBOOKS = "https://eu.bookshop.example/api/books"\n'
    )
    client = await start(lsp_env, workspace, "neovim")
    try:
        await wait_for(lambda: any("APIs' hosts" in m.message for m in client.log_messages))
        text = "# add a new entry\n"
        uri = open_doc(client, workspace, "new.py", "python", text)
        titles = [a.title for a in await actions_at(client, uri, 0)]
        assert titles[0] == "Insert API call: POST /books (Bookshop API)", titles
    finally:
        await client.shutdown_session()


TICKETS_SPEC = """openapi: 3.0.3
info: {title: Helpdesk Tickets API, version: "1.0"}
servers: [{url: "https://helpdesk.example/api"}]
paths:
  /tickets:
    post:
      operationId: openTicket
      summary: Open a support ticket
      responses: {"201": {description: opened}}
"""


@pytest.mark.asyncio
async def test_a_workspace_folder_added_later_is_read(lsp_env, workspace, tmp_path):
    """A folder added after start (VS Code's "Add Folder to Workspace") counts like the first
    ones: the APIs its code calls and the specs it holds; the first folder's specs stay."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "client.py").write_text('BOOKS = "https://eu.bookshop.example/api/books"\n')
    (other / "helpdesk-openapi.yaml").write_text(TICKETS_SPEC)
    client = await start(lsp_env, workspace, "visual-studio-code")
    try:
        await wait_for(lambda: any("workspace specs:" in m.message for m in client.log_messages))
        comments = {
            "add a new entry": "POST /books (Bookshop API)",  # the new folder's code calls it
            "open a support ticket": "POST /tickets (Helpdesk Tickets API)",  # its spec
            "get the stock level of sku ABC-1": "GET /stock/{sku} (Warehouse Inventory API)",
        }
        # Comments apart (code between them), not one comment of three lines.
        text = "".join(f"# {c}\nx = 1\n" for c in comments)
        uri = open_doc(client, workspace, "new.py", "python", text)
        titles = [a.title for a in await actions_at(client, uri, 0)]
        assert titles[0] == "Insert API call: POST /pet (Swagger Petstore)", titles
        client.workspace_did_change_workspace_folders(
            types.DidChangeWorkspaceFoldersParams(
                event=types.WorkspaceFoldersChangeEvent(
                    added=[types.WorkspaceFolder(uri=other.as_uri(), name="other")], removed=[]
                )
            )
        )
        await wait_for(lambda: any("APIs' hosts" in m.message for m in client.log_messages))
        await wait_for(
            lambda: sum("workspace specs:" in m.message for m in client.log_messages) >= 2
        )
        for line, expected in enumerate(comments.values()):
            titles = [a.title for a in await actions_at(client, uri, 2 * line)]
            assert titles and titles[0] == f"Insert API call: {expected}", titles
    finally:
        await client.shutdown_session()


@pytest.mark.asyncio
async def test_code_action_in_javascript_go_and_shell(client, workspace):
    js = "// add a book titled 'Dune' to the catalogue\n"
    uri = open_doc(client, workspace, "shop.js", "javascript", js)
    result, _ = await insert_first(client, uri, js, 0)
    assert 'const response = await fetch(url, {\n  method: "POST",' in result
    assert '"title": "Dune"' in result

    go = "package main\n\nfunc main() {\n\t// remove the book with isbn 978-0441013593\n}\n"
    uri = open_doc(client, workspace, "main.go", "go", go)
    result, titles = await insert_first(client, uri, go, 3)
    assert titles[0].startswith("Insert API call: DELETE /books/{isbn}")
    assert 'import (\n\t"fmt"\n' in result and '\t"net/http"\n' in result
    assert (
        '\treq, err := http.NewRequest("DELETE", "https://eu.bookshop.example/api/books/978-0441013593", nil)'
        in result
    )

    sh = "#!/bin/sh\n# get the weather forecast for a city\n"
    uri = open_doc(client, workspace, "weather.sh", "shellscript", sh)
    result, _ = await insert_first(client, uri, sh, 1)
    assert (
        "curl --request GET \\\n  --url 'https://api.weather.example/v1/forecast/{city}" in result
    )


@pytest.mark.asyncio
async def test_clients_without_resolve_get_the_edit_directly(lsp_env, workspace):
    started = await start(lsp_env, workspace, "neovim", resolve=False)
    try:
        text = "# list the books in the catalogue\n"
        uri = open_doc(started, workspace, "a.py", "python", text)
        actions = await actions_at(started, uri, 0)
        assert actions and all(a.edit is not None for a in actions)
    finally:
        await started.shutdown_session()


@pytest.mark.asyncio
async def test_completion_and_resolve(client, workspace):
    text = "# find a pet by its id\n\n"
    uri = open_doc(client, workspace, "pets.py", "python", text)
    completions = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=1, character=0),
        )
    )
    items = completions.items if isinstance(completions, types.CompletionList) else completions
    assert items[0].label == "GET /pet/{petId}"
    assert items[0].detail == "Swagger Petstore: Find a pet by its id"
    resolved = await client.completion_item_resolve_async(items[0])
    assert "requests.get(" in resolved.text_edit.new_text
    assert "PETSTORE_API_KEY" in resolved.text_edit.new_text
    assert resolved.additional_text_edits[0].new_text.startswith("import os")


@pytest.mark.asyncio
async def test_inline_completion(client, workspace):
    text = "// get the weather forecast for a city\n\n"
    uri = open_doc(client, workspace, "weather.ts", "typescript", text)
    result = await client.text_document_inline_completion_async(
        types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=1, character=0),
            context=types.InlineCompletionContext(
                trigger_kind=types.InlineCompletionTriggerKind.Automatic
            ),
        )
    )
    assert result.items[0].insert_text.startswith(
        'const url = "https://api.weather.example/v1/forecast/'
    )


@pytest.mark.asyncio
async def test_hover_on_a_url(client, workspace):
    text = 'url = "https://api.weather.example/v1/forecast/paris"\n'
    uri = open_doc(client, workspace, "h.py", "python", text)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=20),
        )
    )
    assert "**GET /forecast/{city}** (Weather Service)" in hover.contents.value
    assert "| `city` | path | string | yes |" in hover.contents.value


@pytest.mark.asyncio
async def test_a_slow_request_is_cancelled(client, workspace):
    text = "# get the weather forecast for a city\n\n"
    uri = open_doc(client, workspace, "slow.py", "python", text)
    params = types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=1, character=0),
        context=types.InlineCompletionContext(
            trigger_kind=types.InlineCompletionTriggerKind.Automatic
        ),
    )
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"apicall": {"inlineDebounceMs": 3000}})
    )
    await wait_for(lambda: any("settings applied" in m.message for m in client.log_messages))
    pending = asyncio.ensure_future(
        client.protocol.send_request_async(
            types.TEXT_DOCUMENT_INLINE_COMPLETION, params, msg_id="slow-request"
        )
    )
    await asyncio.sleep(0.5)  # the server holds it in its 3 s debounce
    started = asyncio.get_running_loop().time()
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="slow-request"))
    with pytest.raises(Exception, match=r"(?i)cancel"):
        await pending
    assert asyncio.get_running_loop().time() - started < 1.0
    # The server answers the next request as usual.
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=0),
        )
    )
    assert hover is None
    assert client.error is None


@pytest.mark.asyncio
async def test_workspace_specs_are_indexed_and_a_broken_one_reported(client, workspace):
    assert any(
        "could not index" in m.message and "broken-openapi.yaml" in m.message
        for m in client.messages
    )
    tokens = [t for t in client.progress_reports if str(t).startswith("apicall-index")]
    assert tokens
    reports = client.progress_reports[tokens[0]]
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)
    text = "# get the stock level of a product by sku ABC-123\n"
    uri = open_doc(client, workspace, "stock.py", "python", text)
    actions = await actions_at(client, uri, 0)
    assert actions[0].title == "Insert API call: GET /stock/{sku} (Warehouse Inventory API)"


@pytest.mark.asyncio
async def test_configuration_change_is_applied(client, workspace):
    # A comment that a workspace spec answers: with the catalog off, only that spec is offered
    # (a comment that no workspace spec answers gets no offer at all: relevance).
    text = "# how many units of this SKU are in the warehouse\n"
    uri = open_doc(client, workspace, "cfg.py", "python", text)
    assert len(await actions_at(client, uri, 0)) == 3
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"apicall": {"candidates": 1, "catalog": False}}
        )
    )
    await wait_for(lambda: any("settings applied" in m.message for m in client.log_messages))
    # With the catalog off only workspace specs are offered: the bookshop is not one.
    titles = [a.title for a in await actions_at(client, uri, 0)]
    assert titles == ["Insert API call: GET /stock/{sku} (Warehouse Inventory API)"], [
        m.message for m in client.log_messages
    ]
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"apicall": {"catalog": True}})
    )
    await wait_for(lambda: sum("settings applied" in m.message for m in client.log_messages) >= 2)
    assert len(await actions_at(client, uri, 0)) == 1


@pytest.mark.asyncio
async def test_invalid_settings_are_reported_and_defaults_used(lsp_env, workspace):
    started = await start(
        lsp_env,
        workspace,
        "visual-studio-code",
        options={"candidates": "lots", "targets": {"python": "cobol"}},
    )
    try:
        await wait_for(lambda: bool(started.messages))
        assert "invalid settings" in started.messages[0].message
        assert "candidates" in started.messages[0].message
        text = "# list the books in the catalogue\n"
        uri = open_doc(started, workspace, "d.py", "python", text)
        assert len(await actions_at(started, uri, 0)) == 3
        status = await started.workspace_execute_command_async(
            types.ExecuteCommandParams(command="apicall.server.status")
        )
        assert status["operations"] > 0 and status["model"] in ("ready", "loading")
        # VS Code sends an empty argument list; pygls then reads the handler's annotations.
        with_arguments = await started.workspace_execute_command_async(
            types.ExecuteCommandParams(command="apicall.server.status", arguments=[])
        )
        assert with_arguments["operations"] == status["operations"]
    finally:
        await started.shutdown_session()


PARCELS_SPEC = """openapi: 3.0.3
info: {title: Parcel Tracking API, version: "1.0"}
servers: [{url: "https://parcels.example.com/v1"}]
paths:
  /parcels/{trackingNumber}/whereabouts:
    get:
      operationId: trackParcel
      summary: Track a parcel by its tracking number
      parameters:
        - {name: trackingNumber, in: path, required: true, schema: {type: string}}
      responses: {"200": {description: where the parcel is}}
"""


def _files_and_times(folder: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime for p in folder.rglob("*") if p.is_file()}


@pytest.mark.asyncio
async def test_a_saved_spec_is_offered_from_the_overlay_and_the_catalog_is_not_written(
    client, lsp_env, workspace
):
    catalog = Path(lsp_env["APICALL_INDEX"])
    before = _files_and_times(catalog)
    tokens = [t for t in client.progress_reports if str(t).startswith("apicall-index")]
    begin = client.progress_reports[tokens[0]][0]
    assert isinstance(begin, types.WorkDoneProgressBegin) and begin.cancellable
    runs = sum("workspace specs:" in m.message for m in client.log_messages)

    spec = workspace / "parcels-openapi.yaml"
    spec.write_text(PARCELS_SPEC)
    # VS Code sends both for one save: they are one write of the overlay.
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(spec.as_uri()))
    )
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=spec.as_uri(), type=types.FileChangeType.Changed)]
        )
    )

    def indexing_logs() -> list[str]:
        return [m.message for m in client.log_messages if "workspace specs:" in m.message]

    await wait_for(lambda: len(indexing_logs()) > runs)
    await asyncio.sleep(0.5)
    assert len(indexing_logs()) == runs + 1 and "1 added" in indexing_logs()[-1]

    text = "# where is my parcel right now, tracking number 1Z999\n"
    uri = open_doc(client, workspace, "track.py", "python", text)
    actions = await actions_at(client, uri, 0)
    assert actions[0].title.startswith("Insert API call: GET /parcels/{trackingNumber}/whereabouts")
    assert _files_and_times(catalog) == before

    spec.unlink()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=spec.as_uri(), type=types.FileChangeType.Deleted)]
        )
    )
    await wait_for(lambda: len(indexing_logs()) > runs + 1)
    actions = await actions_at(client, uri, 0)
    assert not any("/parcels/" in a.title for a in actions)
