"""Opening an index directory with the embedder it was built with."""

from __future__ import annotations

from pathlib import Path

from .embed import Embedder, load_embedder
from .errors import IndexError_
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


def open_for_search(index_dir: Path) -> Searcher:
    store = IndexStore(index_dir, create=False)
    meta = store.read_meta()
    if meta is None or store.count_operations() == 0:
        raise IndexError_(
            f"no index at {index_dir}: build one with `apicall index add PATH` "
            "or `apicall catalog add`"
        )
    return Searcher(store, load_embedder(meta.embedder_kind, index_dir, embedder_model_dir()))
