"""Server settings: typed, with camelCase aliases; a client's own settings are not the server's."""

from __future__ import annotations

from lsp_server.config import parse_config


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
