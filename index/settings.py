"""Where the index lives and which embedder builds it."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

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


def resolve_index_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--index DIR`, else $APICALL_INDEX, else the user's data directory."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(INDEX_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return data_dir() / "index"


def embedder_kind() -> str:
    return os.environ.get(EMBEDDER_ENV, DEFAULT_EMBEDDER)


def embedder_model_dir() -> Path | None:
    value = os.environ.get(EMBEDDER_MODEL_ENV)
    return Path(value).expanduser() if value else None
