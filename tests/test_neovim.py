"""A real editor: headless Neovim (Debian's 0.7.2 here) loads the plugin through setup(), attaches
to `apicall serve`, runs a code action through the plugin and the buffer gets the call."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from apicall.index.builder import discover_spec_files, ingest
from apicall.index.open import open_for_write

from tests.conftest import ROOT, SPECS

LUA_TEST = r"""
local apicall = require("apicall")
apicall.setup({
  cmd = { vim.env.APICALL_PYTHON, "-m", "apicall", "serve" },
  settings = { workspaceSpecs = false, fillArguments = true },
})
vim.cmd("edit " .. vim.env.APICALL_FILE)
local attached = vim.wait(60000, function() local c = apicall.client(); return c ~= nil and c.server_capabilities ~= nil end, 100)
if not attached then
  vim.api.nvim_err_writeln("apicall did not attach")
  vim.cmd("cquit 2")
end
vim.api.nvim_win_set_cursor(0, { 2, 6 })
local ok, message
for _ = 1, 60 do
  ok, message = apicall.insert_call(1, 60000)
  if ok then break end
  vim.wait(500)
end
if not ok then
  vim.api.nvim_err_writeln("insert failed: " .. tostring(message))
  vim.cmd("cquit 3")
end
vim.cmd("write")
vim.cmd("qall!")
"""


@pytest.fixture(scope="module")
def nvim() -> str:
    path = shutil.which("nvim")
    if path is None:
        pytest.skip(
            "nvim is not installed (scripts/install-syntax-tools.sh installs Debian's neovim)"
        )
    return path


def test_headless_neovim_inserts_an_api_call(nvim, tmp_path, isolated_data_dir):
    index_dir = tmp_path / "index"
    files, _ = discover_spec_files([SPECS / "bookshop_v30.yaml", SPECS / "petstore_v2.json"])
    store, embedder = open_for_write(index_dir)
    ingest(store, embedder, files, workers=1)

    source = tmp_path / "shop.py"
    source.write_text("def main():\n    # list the books in the catalogue, limit 5\n    pass\n")
    script = tmp_path / "test.lua"
    script.write_text(LUA_TEST)
    env = {
        **os.environ,
        "APICALL_INDEX": str(index_dir),
        "APICALL_DATA_DIR": str(isolated_data_dir),
        "APICALL_PYTHON": sys.executable,
        "APICALL_FILE": str(source),
        "PYTHONPATH": str(ROOT),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    done = subprocess.run(
        [
            nvim,
            "--headless",
            "-u",
            "NONE",
            "-i",
            "NONE",
            "--cmd",
            f"set rtp+={ROOT / 'editors' / 'nvim'}",
            "--cmd",
            "filetype on",
            "-c",
            f"luafile {script}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    text = source.read_text()
    assert text.startswith("import requests\n")
    assert "    # list the books in the catalogue, limit 5\n    response = requests.get(\n" in text
    assert '"https://eu.bookshop.example/api/books"' in text
    compile(text, "shop.py", "exec")
