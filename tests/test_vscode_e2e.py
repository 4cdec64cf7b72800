"""A real editor: the packaged extension (.vsix) installed into code-server, VS Code's own
workbench served to Debian's Chromium and driven by Playwright. The extension starts
`apicall serve`; the code action menu lists the server's candidates and choosing one edits the
file; ghost text appears on the line after a comment and Tab accepts it (its imports added);
completion lists the candidates; the status bar reports the index; a missing server gives its
error message and a README that opens offline."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from apicall.index.builder import discover_spec_files, ingest
from apicall.index.open import open_for_write

from tests.conftest import ROOT, SPECS

CODE_SERVER = ROOT / "editors" / "vscode" / "e2e" / "node_modules" / ".bin" / "code-server"
VSIX = ROOT / "editors" / "vscode" / "apicall.vsix"
CHROMIUM = Path("/usr/bin/chromium")
COMMENT = "# list the books in the catalogue\n"


def _require(path: Path, how: str) -> None:
    if path.exists():
        return
    message = f"{path} is missing ({how})"
    if os.environ.get("APICALL_REQUIRE_EDITOR_TESTS") or os.environ.get("CI"):
        pytest.fail(message)  # .ci/run installs it: a missing tool there is a broken set-up
    pytest.skip(message)


@pytest.fixture(scope="module")
def editor_home(tmp_path_factory) -> Path:
    _require(CODE_SERVER, "scripts/install-editor-test-tools.sh installs code-server")
    _require(CHROMIUM, "scripts/install-editor-test-tools.sh installs Debian's chromium")
    _require(VSIX, "make vscode builds the extension")
    home = tmp_path_factory.mktemp("code-server")
    done = subprocess.run(
        [str(CODE_SERVER), *_dirs(home), "--install-extension", str(VSIX)],
        capture_output=True,
        text=True,
        timeout=180,
        env=_env(home),
        check=False,
    )
    assert done.returncode == 0 and "successfully installed" in done.stdout, (
        done.stdout + done.stderr
    )
    return home


def _dirs(home: Path) -> list[str]:
    return ["--extensions-dir", str(home / "extensions"), "--user-data-dir", str(home / "data")]


def _env(home: Path) -> dict[str, str]:
    # code-server writes its config under XDG_CONFIG_HOME: keep it out of the user's home.
    return {**os.environ, "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def code_server(editor_home: Path) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            str(CODE_SERVER),
            *_dirs(editor_home),
            "--auth",
            "none",
            "--bind-addr",
            f"127.0.0.1:{port}",
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(editor_home),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory, isolated_data_dir) -> Path:
    directory = tmp_path_factory.mktemp("index")
    files, _ = discover_spec_files([SPECS / "bookshop_v30.yaml", SPECS / "petstore_v2.json"])
    store, embedder = open_for_write(directory)
    ingest(store, embedder, files, workers=1)
    return directory


def _server_settings(index_dir: Path, **extra: object) -> dict[str, object]:
    """This checkout's apicall on the fixture index, without the model (a faster start)."""
    settings: dict[str, object] = {
        "apicall.server.path": str(Path(sys.executable).parent / "apicall"),
        "apicall.indexDir": str(index_dir),
        "apicall.fillArguments": False,
        "apicall.workspaceSpecs": False,
    }
    settings.update({f"apicall.{key}": value for key, value in extra.items()})
    return settings


def _workspace(root: Path, settings: dict[str, object]) -> Path:
    (root / ".vscode").mkdir(parents=True)
    (root / ".vscode" / "settings.json").write_text(json.dumps(settings, indent=2))
    (root / "app.py").write_text(COMMENT)
    return root


def _open_file(browser, url: str, folder: Path):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{url}/?folder={folder}")
    page.wait_for_selector(".monaco-workbench", timeout=120_000)
    page.get_by_role("treeitem", name="app.py").first.click(timeout=60_000)
    page.wait_for_selector(".monaco-editor .view-lines", timeout=60_000)
    return page


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


def test_code_action_inserts_the_call_in_vscode(code_server, browser, index_dir, tmp_path):
    folder = _workspace(tmp_path / "ws", _server_settings(index_dir))
    page = _open_file(browser, code_server, folder)
    page.click(".monaco-editor .view-line >> nth=0")
    page.keyboard.press("End")
    rows = page.locator(".action-widget .monaco-list-row")
    labels: list[str] = []
    # The server starts and opens its index in the background: ask until it answers.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        page.keyboard.press("Control+.")
        try:
            rows.first.wait_for(timeout=5_000)
        except Exception:
            continue
        labels = rows.all_inner_texts()
        if any(label.startswith("Insert API call") for label in labels):
            break
        page.keyboard.press("Escape")
        time.sleep(1)
    assert "Insert API call: GET /books (Bookshop API)" in labels, labels
    focused = page.locator(".action-widget .monaco-list-row.focused").inner_text()
    assert focused == "Insert API call: GET /books (Bookshop API)"
    page.keyboard.press("Enter")
    _wait_for_editor_text(page, "raise_for_status")
    page.keyboard.press("Control+s")
    saved = folder / "app.py"
    deadline = time.monotonic() + 30
    while "requests.get" not in saved.read_text() and time.monotonic() < deadline:
        time.sleep(0.5)
    text = saved.read_text()
    assert text.startswith("import requests\n"), text
    assert COMMENT in text
    assert '"https://eu.bookshop.example/api/books"' in text
    assert "response.raise_for_status()" in text
    assert "apicall: 7 ops" in _status_ready(page)


def test_a_missing_server_is_reported_in_vscode(code_server, browser, tmp_path):
    folder = _workspace(tmp_path / "ws", {"apicall.server.path": str(tmp_path / "no-apicall")})
    page = _open_file(browser, code_server, folder)
    toast = page.locator(".notifications-toasts .notification-toast", has_text="apicall")
    toast.first.wait_for(timeout=60_000)
    message = toast.first.inner_text()
    assert "apicall.server.path points to a missing file" in message
    assert "Open README" in message
    status = page.locator(".statusbar-item", has_text="apicall: not installed")
    status.first.wait_for(timeout=10_000)
    # The README link opens the README inside the extension: it works with no network.
    toast.first.get_by_role("button", name="Open README").click()
    page.locator(".tab", has_text="Preview README.md").first.wait_for(timeout=30_000)


def test_ghost_text_and_completion_in_vscode(code_server, browser, index_dir, tmp_path):
    folder = _workspace(tmp_path / "ws", _server_settings(index_dir, inlineDebounceMs=0))
    (folder / "other.py").write_text(COMMENT + "\n")
    page = _open_file(browser, code_server, folder)
    # VS Code asks for ghost text once per edit; a request before the server has its index
    # gets nothing, so type once the status bar says the server is ready.
    _status_ready(page)
    # Ghost text: Enter at the end of the comment opens the line it is offered on.
    page.click(".monaco-editor .view-line >> nth=0")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    ghost = page.locator(".monaco-editor [class*='ghost-text']")
    ghost.first.wait_for(timeout=60_000)
    shown = "".join(ghost.all_inner_texts()).replace("\xa0", " ")
    assert "requests.get(" in shown and "https://eu.bookshop.example/api/books" in shown, shown
    page.keyboard.press("Tab")
    _wait_for_editor_text(page, "import requests")
    page.keyboard.press("Control+s")
    _wait_for_text(folder / "app.py", "import requests\n")
    text = (folder / "app.py").read_text()
    assert text.startswith("import requests\n") and COMMENT in text, text
    assert '"https://eu.bookshop.example/api/books"' in text, text

    # Completion on the line after the comment: the candidates as items, the best first.
    page.get_by_role("treeitem", name="other.py").first.click(timeout=60_000)
    page.locator(".tab.active", has_text="other.py").wait_for(timeout=60_000)
    _wait_for_editor_text(page, "list the books")
    page.click(".monaco-editor .view-line >> nth=1")
    page.keyboard.press("Control+Space")
    rows = page.locator(".suggest-widget .monaco-list-row")
    rows.first.wait_for(timeout=60_000)
    labels = rows.all_inner_texts()
    assert labels and labels[0].startswith("GET /books"), labels
    page.keyboard.press("Enter")
    page.keyboard.press("Control+s")
    _wait_for_text(folder / "other.py", "requests.get(")
    text = (folder / "other.py").read_text()
    assert COMMENT in text and '"https://eu.bookshop.example/api/books"' in text, text


def _wait_for_editor_text(page, expected: str) -> None:
    """Wait until the editor shows `expected` (it renders spaces as no-break spaces)."""
    page.wait_for_function(
        "expected => (document.querySelector('.monaco-editor .view-lines')?.innerText ?? '')"
        ".replace(/\\u00a0/g, ' ').includes(expected)",
        arg=expected,
        timeout=60_000,
    )


def _status_ready(page) -> str:
    """Wait for the status bar to report the index; its text."""
    status = page.locator(".statusbar-item").filter(has_text=re.compile(r"apicall: \d+ ops"))
    status.first.wait_for(timeout=120_000)
    return status.first.inner_text()


def _wait_for_text(path: Path, expected: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while expected not in path.read_text() and time.monotonic() < deadline:
        time.sleep(0.5)
