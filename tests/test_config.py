"""Server settings: typed, with camelCase aliases; a client's own settings are not the server's."""

from __future__ import annotations

from apicall.lsp_server.config import parse_config


def test_a_vscode_configuration_section_parses_without_errors():
    # What VS Code sends for the `apicall` section: the server's settings plus the extension's
    # own (`server.path`) and vscode-languageclient's `trace.server`.
    section = {
        "server": {"path": "/usr/bin/apicall", "pythonPath": None},
        "trace": {"server": "verbose"},
        "indexDir": "/tmp/index",
        "fillArguments": False,
        "candidates": 5,
    }
    config, errors = parse_config({"apicall": section})
    assert errors == []
    assert config.index_dir == "/tmp/index" and not config.fill_arguments and config.candidates == 5


def test_unknown_and_invalid_settings_are_reported_and_keep_defaults():
    config, errors = parse_config({"candidates": "lots", "colour": "blue"})
    assert config.candidates == 3
    assert any("candidates" in e for e in errors) and any("colour" in e for e in errors)


def test_every_place_that_lists_the_settings_agrees_with_the_dataclass():
    import json
    import re

    from apicall.lsp_server.config import CLIENT_ONLY, SETTINGS

    from tests.conftest import ROOT

    package = json.loads((ROOT / "editors/vscode/package.json").read_text())
    contributed = {
        key.removeprefix("apicall.")
        for key in package["contributes"]["configuration"]["properties"]
        if key.split(".")[1] not in CLIENT_ONLY
    }
    settings_ts = (ROOT / "editors/vscode/src/settings.ts").read_text()
    listed = settings_ts.split("SERVER_OPTIONS = [", 1)[1].split("]", 1)[0]
    readme = (ROOT / "README.md").read_text()
    paragraph = readme.split("Server settings (", 1)[1].split("\n\n", 1)[0]
    assert contributed == set(SETTINGS)
    assert set(re.findall(r'"(\w+)"', listed)) == set(SETTINGS)
    assert set(re.findall(r"`(\w+)`", paragraph)) - {"apicall"} == set(SETTINGS)
