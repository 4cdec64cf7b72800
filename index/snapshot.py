"""A consistent copy of an index to another location: a shared index on object storage to a
laptop's directory (for offline work), or a local build up to the store.

Tables are read at the version opened when the copy starts (specs first: a writer commits a
spec's operations before its spec row, so the copy never holds a spec without its operations)
and streamed in batches; the target's indices are built after the rows are in."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from .errors import IndexError_
from .location import MIRRORED_FILES, IndexLocation
from .store import OPERATIONS, SPECS, IndexStore

BATCH_ROWS = 8192
SNAPSHOT_FILE = "apicall-snapshot.json"  # which index, at which table versions
CopyProgress = Callable[[int, int], None]  # rows copied, rows in all


def copy_index(
    source: IndexStore, target_location: IndexLocation, progress: CopyProgress | None = None
) -> IndexStore:
    meta = source.read_meta()
    if meta is None or source.count_operations() == 0:
        raise IndexError_(f"no index at {source.name} to copy")
    specs, operations = source.table(SPECS), source.table(OPERATIONS)
    assert specs is not None and operations is not None
    versions = {SPECS: int(specs.version), OPERATIONS: int(operations.version)}
    target = IndexStore(target_location)
    if str(target.directory.resolve()) == str(source.directory.resolve()) and (
        target.remote == source.remote
    ):
        raise IndexError_(f"{source.name} is the index itself: copy it somewhere else")
    with target.writing():
        total = int(operations.count_rows())
        copied = 0
        for name, table in ((SPECS, specs), (OPERATIONS, operations)):
            batches = table.search().limit(None).to_batches(BATCH_ROWS)
            created = None
            for batch in batches:
                if created is None:
                    created = target.replace_table(name, batch)
                else:
                    created.add(batch)
                if name == OPERATIONS:
                    copied += batch.num_rows
                    if progress:
                        progress(copied, total)
        for file_name in MIRRORED_FILES:
            source_file = source.directory / file_name
            if source_file.is_file():
                (target.directory / file_name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source_file, target.directory / file_name)
        target.write_meta(meta)  # also sends the embedder files to a remote target
        target.finish_build()
        (target.directory / SNAPSHOT_FILE).write_text(
            json.dumps({"source": source.name, "versions": versions})
        )
    return target


def snapshot_of(directory: Path) -> tuple[str, dict[str, int]] | None:
    """The index a local snapshot was copied from, and its table versions then."""
    try:
        data = json.loads((directory / SNAPSHOT_FILE).read_text())
        return str(data["source"]), {str(k): int(v) for k, v in data["versions"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def replace_snapshot(
    source: IndexStore, directory: Path, progress: CopyProgress | None = None
) -> None:
    """A new snapshot in place of `directory`, swapped in only once complete; the one it
    replaces is kept beside it (`.old`) until the next swap, for readers still on it."""
    fresh = directory.with_name(directory.name + ".next")
    previous = directory.with_name(directory.name + ".old")
    shutil.rmtree(fresh, ignore_errors=True)
    copy_index(source, fresh, progress)
    shutil.rmtree(previous, ignore_errors=True)
    if directory.exists():
        directory.rename(previous)
    fresh.rename(directory)
