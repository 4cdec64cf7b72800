"""Finding spec files: one walk of a folder (one list of folders never entered) for the command
line, which indexes every JSON/YAML file it is pointed at, and for the language server, which
takes from a workspace only the files that look like OpenAPI or Swagger documents."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

SPEC_SUFFIXES = (".json", ".yaml", ".yml")
SKIP_DIRS = frozenset(
    {".git", "node_modules", ".venv", "venv", "__pycache__", "dist", "build", ".tox"}
)
MAX_WORKSPACE_FILES = 20_000  # files looked at in one workspace scan
SPEC_NAME = re.compile(r"(openapi|swagger|api)", re.I)
SPEC_CONTENT = re.compile(rb"""^\s*["']?(openapi|swagger)["']?\s*:""", re.M)


def walk_spec_candidates(folder: Path, limit: int | None = None) -> Iterator[Path]:
    """JSON and YAML files under `folder`, in name order, outside hidden and tool folders;
    at most `limit` files of any kind are looked at."""
    seen = 0
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            seen += 1
            if limit is not None and seen > limit:
                return
            if Path(name).suffix.lower() in SPEC_SUFFIXES:
                yield Path(root) / name


def looks_like_spec(path: Path) -> bool:
    """By an `openapi:` / `swagger:` key near the top, or by name and a quoted key."""
    if path.suffix.lower() not in SPEC_SUFFIXES:
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    if SPEC_CONTENT.search(head):
        return True
    return bool(SPEC_NAME.search(path.name)) and (b'"openapi"' in head or b'"swagger"' in head)


def discover_workspace_specs(folders: Iterable[Path]) -> list[Path]:
    return [
        path
        for folder in folders
        for path in walk_spec_candidates(folder, MAX_WORKSPACE_FILES)
        if looks_like_spec(path)
    ]
