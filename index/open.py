"""Opening an index (a directory or an object-store URI) with the embedder it was built with."""

from __future__ import annotations

import shutil
from pathlib import Path

from .embed import Embedder, load_embedder
from .errors import IndexError_
from .layered import LayeredIndex, OperationIndex
from .location import IndexLocation, RemoteIndex
from .search import Searcher
from .settings import embedder_kind, embedder_model_dir
from .store import IndexStore


def open_for_write(location: IndexLocation, kind: str | None = None) -> tuple[IndexStore, Embedder]:
    """The store and its embedder: the one recorded in the index, else the configured kind."""
    store = IndexStore(location)
    meta = store.read_meta()
    chosen = meta.embedder_kind if meta else (kind or embedder_kind())
    if meta and kind and kind != meta.embedder_kind:
        raise IndexError_(
            f"{store.name} was built with the {meta.embedder_kind} embedder, not {kind}: "
            "use a new index directory"
        )
    return store, load_embedder(chosen, store.directory, embedder_model_dir())


def open_for_search(location: IndexLocation, overlay_dir: Path | None = None) -> Searcher:
    """The index, with the workspace overlay (index/layered.py) searched beside it if one is
    given and holds operations."""
    base = _readable(location)
    overlay = _readable(overlay_dir) if overlay_dir is not None else None
    if base is None and overlay is None:
        raise IndexError_(
            f"no index at {location}: build one with `apicall index add PATH` "
            "or `apicall catalog add`"
        )
    embedder = embedder_of(base if base is not None else overlay)
    if overlay is None:
        assert base is not None
        return Searcher(base, embedder)
    overlay_meta = overlay.read_meta()
    if overlay_meta is not None and overlay_meta.embedder_name != embedder.name:
        raise IndexError_(
            f"the workspace index {overlay_dir} was built with {overlay_meta.embedder_name}, "
            f"the index with {embedder.name}: it is rebuilt on the next workspace indexing"
        )
    return Searcher(LayeredIndex(base, overlay), embedder)


def open_overlay_for_write(
    overlay_dir: Path, location: IndexLocation
) -> tuple[IndexStore, Embedder]:
    """The workspace overlay, written with the index's embedder (its own default without an
    index). An overlay made for another embedder is a cache of workspace files: it is emptied."""
    base = _readable(location)
    if base is None:
        return open_for_write(overlay_dir)
    embedder = embedder_of(base)
    store = IndexStore(overlay_dir)
    meta = store.read_meta()
    if meta is not None and meta.embedder_name != embedder.name:
        shutil.rmtree(overlay_dir)
        store = IndexStore(overlay_dir)
    return store, embedder


def _readable(location: IndexLocation | None) -> IndexStore | None:
    """The index at `location` if it has operations; None when there is none (yet)."""
    if location is None:
        return None
    if isinstance(location, RemoteIndex):
        store = IndexStore(location, create=False)
    else:
        if not location.is_dir():
            if location.exists():
                raise IndexError_(f"{location} is a file, not an index directory")
            return None
        store = IndexStore(location, create=False)
    if store.read_meta() is None or store.count_operations() == 0:
        return None
    return store


def embedder_of(store: OperationIndex | None) -> Embedder:
    assert store is not None
    meta = store.read_meta()
    assert meta is not None
    return load_embedder(meta.embedder_kind, store.directory, embedder_model_dir())
