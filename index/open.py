"""Opening an index directory with the embedder it was built with."""

from __future__ import annotations

import shutil
from pathlib import Path

from .embed import Embedder, load_embedder
from .errors import IndexError_
from .layered import LayeredIndex
from .search import Searcher
from .settings import embedder_kind, embedder_model_dir
from .store import IndexStore


def open_for_write(index_dir: Path, kind: str | None = None) -> tuple[IndexStore, Embedder]:
    """The store and its embedder: the one recorded in the index, else the configured kind."""
    store = IndexStore(index_dir)
    meta = store.read_meta()
    chosen = meta.embedder_kind if meta else (kind or embedder_kind())
    if meta and kind and kind != meta.embedder_kind:
        raise IndexError_(
            f"{index_dir} was built with the {meta.embedder_kind} embedder, not {kind}: "
            "use a new index directory"
        )
    return store, load_embedder(chosen, index_dir, embedder_model_dir())


def open_for_search(index_dir: Path, overlay_dir: Path | None = None) -> Searcher:
    """The index, with the workspace overlay (index/layered.py) searched beside it if one is
    given and holds operations."""
    base = _readable(index_dir)
    overlay = _readable(overlay_dir) if overlay_dir is not None else None
    if base is None and overlay is None:
        raise IndexError_(
            f"no index at {index_dir}: build one with `apicall index add PATH` "
            "or `apicall catalog add`"
        )
    embedder = _embedder_of(*((base, index_dir) if base is not None else (overlay, overlay_dir)))
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


def open_overlay_for_write(overlay_dir: Path, index_dir: Path) -> tuple[IndexStore, Embedder]:
    """The workspace overlay, written with the index's embedder (its own default without an
    index). An overlay made for another embedder is a cache of workspace files: it is emptied."""
    base = _readable(index_dir)
    if base is None:
        return open_for_write(overlay_dir)
    embedder = _embedder_of(base, index_dir)
    store = IndexStore(overlay_dir)
    meta = store.read_meta()
    if meta is not None and meta.embedder_name != embedder.name:
        shutil.rmtree(overlay_dir)
        store = IndexStore(overlay_dir)
    return store, embedder


def _readable(directory: Path | None) -> IndexStore | None:
    """The index in `directory` if it has operations; None when there is none (yet)."""
    if directory is None or not Path(directory).is_dir():
        if directory is not None and Path(directory).exists():
            raise IndexError_(f"{directory} is a file, not an index directory")
        return None
    store = IndexStore(directory, create=False)
    if store.read_meta() is None or store.count_operations() == 0:
        return None
    return store


def _embedder_of(store: IndexStore | None, directory: Path | None) -> Embedder:
    assert store is not None and directory is not None
    meta = store.read_meta()
    assert meta is not None
    return load_embedder(meta.embedder_kind, directory, embedder_model_dir())
