"""The one table of languages (index/languages.py) agrees with the renderer and the editors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from apicall.index.languages import (
    LANGUAGES,
    UnknownLanguage,
    language,
    language_of_path,
    nvim_language_ids,
    target_of,
)
from apicall.index.render.render import list_targets

ROOT = Path(__file__).resolve().parents[1]
NVIM_PLUGIN = ROOT / "editors" / "nvim" / "lua" / "apicall" / "init.lua"


def test_every_languages_targets_exist_and_write_that_language():
    targets = {t.name: t for t in list_targets()}
    for spoken in LANGUAGES.values():
        for target in filter(None, [spoken.target, *(t for _, t in spoken.client_targets)]):
            assert target in targets, (spoken.id, target)
            assert targets[target].kind == "idiomatic"
            assert language(targets[target].language).target == targets[target].language


def test_every_target_language_is_in_the_table():
    for target in list_targets():
        assert target_of(target.language) == target.language


def test_a_language_without_a_target_is_one_clear_error():
    with pytest.raises(UnknownLanguage, match="no target for language 'cobol': one of c, csharp"):
        target_of("cobol")
    with pytest.raises(UnknownLanguage, match="'yaml'"):
        target_of("yaml")


def test_files_by_extension():
    assert language_of_path("src/app.tsx").id == "typescriptreact"
    assert language_of_path("deploy.SH").id == "shellscript"
    assert language_of_path("notes.txt") is None
    extensions = [e for spoken in LANGUAGES.values() for e in spoken.extensions]
    assert len(extensions) == len(set(extensions))


def _lua_strings(block: str) -> list[str]:
    return re.findall(r'"([^"]+)"', block)


def test_the_neovim_plugin_starts_on_the_tables_filetypes():
    source = NVIM_PLUGIN.read_text()
    filetypes = re.search(r"filetypes = \{(.*?)\}", source, re.S)
    assert filetypes is not None
    wanted = nvim_language_ids()
    assert sorted(_lua_strings(filetypes.group(1))) == sorted(wanted)
    ids = re.search(r"local language_ids = \{(.*?)\}", source, re.S)
    assert ids is not None
    renamed = dict(re.findall(r'(\w+) = "([^"]+)"', ids.group(1)))
    assert renamed == {ft: lsp_id for ft, lsp_id in wanted.items() if ft != lsp_id}
