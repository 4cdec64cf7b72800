"""Finding spec files: one walk of a folder (one list of folders never entered) for the command
line, which indexes every JSON/YAML file it is pointed at, and for the language server, which
takes from a workspace only the files that look like OpenAPI or Swagger documents; and the APIs
a workspace's code already calls, by the same walk."""

from __future__ import annotations

import itertools
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from .languages import language_of_path
from .urlmatch import URLS_READ, host_of, urls_in

SPEC_SUFFIXES = (".json", ".yaml", ".yml")
SKIP_DIRS = frozenset(
    {".git", "node_modules", ".venv", "venv", "__pycache__", "dist", "build", ".tox"}
)
MAX_WORKSPACE_FILES = 20_000  # files looked at in one workspace scan
SPEC_NAME = re.compile(r"(openapi|swagger|api)", re.I)
SPEC_CONTENT = re.compile(rb"""^\s*["']?(openapi|swagger)["']?\s*:""", re.M)


# Of a workspace's source files, for the URLs their code calls: bounded for a huge workspace.
SOURCE_FILES_READ = 2_000
SOURCE_BYTES_READ = 64 * 1024


def walk_spec_candidates(folder: Path, limit: int | None = None) -> Iterator[Path]:
    """JSON and YAML files under `folder`, in name order, outside hidden and tool folders;
    at most `limit` files of any kind are looked at."""
    for path in _walk(folder, limit):
        if path.suffix.lower() in SPEC_SUFFIXES:
            yield path


def _walk(folder: Path, limit: int | None) -> Iterator[Path]:
    """Every file under `folder`, in name order, outside hidden and tool folders; at most
    `limit` of them."""
    seen = 0
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            seen += 1
            if limit is not None and seen > limit:
                return
            yield Path(root) / name


def workspace_urls(folders: Iterable[Path]) -> tuple[str, ...]:
    """The APIs a workspace's code calls: one URL of each of the hosts that the most source
    files (of a language apicall writes; the first SOURCE_FILES_READ in name order) call in
    their string literals, at most URLS_READ."""
    files_calling: Counter[str] = Counter()
    first_url: dict[str, str] = {}
    sources = (
        path
        for folder in folders
        for path in _walk(folder, MAX_WORKSPACE_FILES)
        if language_of_path(path) is not None
    )
    for path in itertools.islice(sources, SOURCE_FILES_READ):
        try:
            with path.open("rb") as handle:
                text = handle.read(SOURCE_BYTES_READ).decode("utf-8", errors="replace")
        except OSError:
            continue
        for url in urls_in(text):
            host = host_of(url) or url  # urls_in keeps only URLs with a host
            first_url.setdefault(host, url)
            files_calling[host] += 1
    return tuple(first_url[host] for host, _ in files_calling.most_common(URLS_READ))


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
