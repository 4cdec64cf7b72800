"""Where the index lives and which embedder builds it."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from .location import IndexLocation, parse_location

INDEX_ENV = "APICALL_INDEX"
EMBEDDER_ENV = "APICALL_EMBEDDER"
EMBEDDER_MODEL_ENV = "APICALL_EMBEDDER_MODEL"
DEFAULT_EMBEDDER = "static"


DATA_ENV = "APICALL_DATA_DIR"


def data_dir() -> Path:
    """$APICALL_DATA_DIR, else the platform's user data directory (~/.local/share/apicall)."""
    from_env = os.environ.get(DATA_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return Path(platformdirs.user_data_dir("apicall", appauthor=False))


def resolve_index_dir(explicit: str | os.PathLike[str] | None = None) -> IndexLocation:
    """`--index DIR|URI`, else $APICALL_INDEX, else the user's data directory."""
    if explicit:
        return parse_location(explicit)
    from_env = os.environ.get(INDEX_ENV)
    if from_env:
        return parse_location(from_env)
    return data_dir() / "index"


def mirror_dir(location: IndexLocation) -> Path:
    """The local directory of an index: itself, or a remote one's mirror of its small files."""
    return location if isinstance(location, Path) else location.mirror_in(data_dir())


def embedder_kind() -> str:
    return os.environ.get(EMBEDDER_ENV, DEFAULT_EMBEDDER)


def embedder_model_dir() -> Path | None:
    value = os.environ.get(EMBEDDER_MODEL_ENV)
    return Path(value).expanduser() if value else None
