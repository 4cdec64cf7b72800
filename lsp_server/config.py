"""Typed server settings: initializationOptions and workspace/configuration (section "apicall").

Invalid values are reported in one message and replaced by the defaults, field by field.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field, fields
from typing import Any

import cattrs
from apicall.index.render.render import list_targets

CONFIG_SECTION = "apicall"
# Settings that belong to an editor client, not to the server: how to start the server, and
# vscode-languageclient's `apicall.trace.server` (the protocol trace in the output channel).
CLIENT_ONLY = {"server", "trace"}


@dataclass
class ServerConfig:
    index_dir: str | None = None  # else $APICALL_INDEX, else the user data directory
    catalog: bool = True  # offer catalog APIs, not only the workspace's own specs
    model_path: str | None = None  # a GGUF file; None: the bundled SmolLM2-135M
    n_gpu_layers: int | None = None  # None: automatic
    targets: dict[str, str] = field(default_factory=dict)  # languageId -> target name
    candidates: int = 3
    fill_arguments: bool = True
    inline_completion: bool = True
    inline_debounce_ms: int = 250
    completion_trigger: str = ""  # a typed prefix that also triggers completion, e.g. "api:"
    workspace_specs: bool = True  # find and index OpenAPI files in the workspace
    # How often (seconds) the server looks for a newer version of the index (a team's shared
    # index that CI rebuilds); 0: never.
    index_refresh_seconds: int = 60
    # A local copy (`apicall index sync --to DIR`) answered from when the index is unreachable.
    index_snapshot: str | None = None


def setting_name(field_name: str) -> str:
    """The name clients use: camelCase, as VS Code and most clients send settings."""
    head, *rest = field_name.split("_")
    return head + "".join(part.title() for part in rest)


# One converter per field, with the client's name: each invalid field is reported on its own.
_converter = cattrs.Converter(forbid_extra_keys=False)
SETTINGS = {setting_name(f.name): f.name for f in fields(ServerConfig)}


def parse_config(raw: Any, base: ServerConfig | None = None) -> tuple[ServerConfig, list[str]]:
    """Settings from a client's JSON; each invalid field keeps its default and is reported."""
    config = ServerConfig() if base is None else ServerConfig(**base.__dict__)
    if raw is None:
        return config, []
    if not isinstance(raw, dict):
        return config, [f"apicall settings must be an object, not {type(raw).__name__}"]
    if isinstance(raw.get(CONFIG_SECTION), dict):
        raw = raw[CONFIG_SECTION]
    errors: list[str] = []
    hints = typing.get_type_hints(ServerConfig)
    known = {f.name: f for f in fields(ServerConfig)}
    for key, value in raw.items():
        if key in CLIENT_ONLY:
            continue
        name = SETTINGS.get(key, key if key in known else "")
        if name not in known:
            errors.append(f"unknown setting {key!r}")
            continue
        try:
            converted = _converter.structure(value, hints[name])
        except (cattrs.BaseValidationError, TypeError, ValueError):
            errors.append(f"invalid value for {key!r}: {value!r}")
            continue
        problem = _check(name, converted)
        if problem:
            errors.append(problem)
            continue
        setattr(config, name, converted)
    return config, errors


def _check(name: str, value: Any) -> str:
    if name == "candidates" and not 1 <= value <= 10:
        return f"candidates must be between 1 and 10, not {value}"
    if name == "inline_debounce_ms" and not 0 <= value <= 5000:
        return f"inlineDebounceMs must be between 0 and 5000, not {value}"
    if name == "targets":
        names = {t.name for t in list_targets()}
        wrong = [f"{lang}={t}" for lang, t in value.items() if t not in names]
        if wrong:
            return f"unknown targets: {', '.join(wrong)} (see `apicall targets`)"
    return ""
