"""The embedded LanceDB index: one row per operation, one row per ingested spec.

Every write is a LanceDB commit, so a build killed midway leaves the last committed version
readable. Spec rows are written only after their operation rows, so an interrupted spec is
simply ingested again on the next run (its partial rows are deleted first).
"""

from __future__ import annotations

import functools
import json
import os
import random
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
from filelock import FileLock, Timeout

from .errors import IndexError_
from .location import MIRRORED_FILES, IndexLocation, RemoteIndex
from .settings import mirror_dir

OPERATIONS = "operations"
SPECS = "specs"
META_FILE = "apicall-index.json"
WRITER_LOCK_FILE = ".writer.lock"
FORMAT_VERSION = 2
FTS_COLUMN = "search_text"
VECTOR_INDEX_MIN_ROWS = 20_000

_STRING_FIELDS = (
    "id",
    "api_name",
    "api_provider",
    "api_description",
    "api_version",
    "endpoint_name",
    "operation_id",
    "functionality",
    "description",
    "path",
    "method",
    "servers",
    "parameters",
    "request_body",
    "security",
    "security_schemes",
    "spec_key",
    "spec_hash",
    "spec_version",
    "embedding_text",
    "search_text",
    "param_names",
)
SUMMARY_COLUMNS = [
    "id",
    "api_name",
    "api_provider",
    "method",
    "path",
    "operation_id",
    "endpoint_name",
    "functionality",
    "description",
    "servers",
    "spec_key",
    "param_names",
]


def operations_schema(dimension: int) -> pa.Schema:
    fields = [pa.field(name, pa.string()) for name in _STRING_FIELDS]
    fields += [
        pa.field("request_content_types", pa.list_(pa.string())),
        pa.field("tags", pa.list_(pa.string())),
        pa.field("deprecated", pa.bool_()),
        pa.field("vector", pa.list_(pa.float32(), dimension)),
    ]
    return pa.schema(fields)


SPECS_SCHEMA = pa.schema(
    [
        pa.field("spec_key", pa.string()),
        pa.field("spec_hash", pa.string()),
        pa.field("api_name", pa.string()),
        pa.field("spec_version", pa.string()),
        pa.field("operations", pa.int64()),
        pa.field("validation_errors", pa.list_(pa.string())),
        pa.field("warnings", pa.list_(pa.string())),
        pa.field("indexed_at", pa.string()),
    ]
)


@dataclass(frozen=True)
class IndexMeta:
    embedder_kind: str
    embedder_name: str
    dimension: int


@dataclass
class SearchHit:
    row: dict[str, Any]
    score: float


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


F = TypeVar("F", bound=Callable[..., Any])


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else repr(exc)


def _reads(method: F) -> F:
    @functools.wraps(method)
    def wrapper(self: IndexStore, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except IndexError_:
            raise
        except (OSError, RuntimeError, ValueError) as exc:
            if self.remote is not None:
                raise StoreUnreachable(f"cannot read {self.name}: {_first_line(exc)}") from None
            raise IndexError_(
                f"index at {self.name} is damaged ({_first_line(exc)}): rebuild it with "
                "`apicall index add` / `apicall catalog add` into a new directory"
            ) from None

    return wrapper  # type: ignore[return-value]


COMMIT_ATTEMPTS = 6


def _commits(method: F) -> F:
    """A write that another writer's commit can conflict with (a shared index on object
    storage has no lock across machines): retried on the table's newest version."""

    @functools.wraps(method)
    def wrapper(self: IndexStore, *args: Any, **kwargs: Any) -> Any:
        for attempt in range(COMMIT_ATTEMPTS):
            try:
                return method(self, *args, **kwargs)
            except (OSError, RuntimeError, ValueError) as exc:
                text = str(exc).lower()
                if attempt + 1 == COMMIT_ATTEMPTS or not ("conflict" in text or "retry" in text):
                    raise
                self._tables.clear()
                time.sleep(0.2 * 2**attempt * (0.5 + random.random()))
        raise AssertionError("unreachable")

    return wrapper  # type: ignore[return-value]


class StoreUnreachable(IndexError_):
    """The object store holding the index did not answer."""


class IndexStore:
    """One index directory. Safe to share between threads for reads; writes are serialised."""

    def __init__(self, location: IndexLocation, *, create: bool = True):
        import lancedb

        self.remote = location if isinstance(location, RemoteIndex) else None
        self.name = str(location)  # for messages: the URI of a remote index, never its options
        # A remote index's small files (meta, embedder table) live in a local mirror.
        self.directory = mirror_dir(location)
        if self.directory.exists() and not self.directory.is_dir():
            raise IndexError_(f"{self.directory} is a file, not an index directory")
        if create or self.remote is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
        elif not self.directory.is_dir():
            raise IndexError_(
                f"no index at {self.directory}: build one with `apicall index add PATH` "
                "or `apicall catalog add`"
            )
        self._write_lock = threading.Lock()
        self._tables: dict[str, Any] = {}
        if self.remote is None:
            self._db = lancedb.connect(str(self.directory))
            return
        try:
            self._db = lancedb.connect(
                self.remote.uri, storage_options=dict(self.remote.storage_options)
            )
        except (OSError, RuntimeError, ValueError) as exc:
            raise StoreUnreachable(f"cannot open {self.name}: {_first_line(exc)}") from None
        self._pull_mirror()
        if not create and self.read_meta() is None:
            raise IndexError_(
                f"no index at {self.name}: build one with `apicall index add PATH --index "
                f"{self.name}` or `apicall catalog add --index {self.name}`"
            )

    # -- a remote index's small files ---------------------------------------------------
    def _remote_files(self) -> tuple[Any, str]:
        assert self.remote is not None
        return self.remote.filesystem()

    def _pull_mirror(self) -> None:
        """The store's meta and embedder files into the mirror (what is absent there is
        removed here, so that a stale mirror never claims an index)."""
        from pyarrow import fs as pafs

        filesystem, base = self._remote_files()
        try:
            infos = filesystem.get_file_info([f"{base}/{name}" for name in MIRRORED_FILES])
            for name, info in zip(MIRRORED_FILES, infos, strict=True):
                local = self.directory / name
                if info.type != pafs.FileType.File:
                    local.unlink(missing_ok=True)
                    continue
                if local.is_file() and local.stat().st_size == info.size and name != META_FILE:
                    continue
                local.parent.mkdir(parents=True, exist_ok=True)
                with filesystem.open_input_stream(info.path) as source:
                    # Per thread: readers and writers of one process may pull at once.
                    tmp = local.with_name(f"{local.name}.{os.getpid()}-{threading.get_ident()}.tmp")
                    tmp.write_bytes(source.read())
                    os.replace(tmp, local)
        except OSError as exc:
            raise StoreUnreachable(f"cannot reach {self.name}: {_first_line(exc)}") from None

    def push_mirror(self) -> None:
        """The mirror's meta and embedder files into the store (after a writer made them)."""
        if self.remote is None:
            return
        filesystem, base = self._remote_files()
        try:
            for name in MIRRORED_FILES:
                local = self.directory / name
                if local.is_file():
                    with filesystem.open_output_stream(f"{base}/{name}") as sink:
                        sink.write(local.read_bytes())
        except OSError as exc:
            raise StoreUnreachable(f"cannot write to {self.name}: {_first_line(exc)}") from None

    def versions(self) -> dict[str, int]:
        """The newest committed version of each table (a fresh look at the store)."""
        result: dict[str, int] = {}
        for name in (OPERATIONS, SPECS):
            try:
                result[name] = int(self._db.open_table(name).version)
            except (OSError, RuntimeError, ValueError) as exc:
                if name in self._table_names():
                    raise StoreUnreachable(f"cannot read {self.name}: {_first_line(exc)}") from None
        return result

    def opened_versions(self) -> dict[str, int]:
        return {name: int(table.version) for name, table in self._tables.items()}

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Exclusive write access across processes: two `index add` at once would both see a
        spec as new and store it twice (or fail on a commit conflict)."""
        lock = FileLock(str(self.directory / WRITER_LOCK_FILE))
        try:
            lock.acquire(timeout=1)
        except Timeout:
            print(f"apicall: waiting for another writer of {self.name} ...", file=sys.stderr)
            lock.acquire()
        self._tables.clear()  # reopened at their latest version: another process may have written
        try:
            yield
        finally:
            lock.release()

    # -- metadata -------------------------------------------------------------------------
    def read_meta(self) -> IndexMeta | None:
        path = self.directory / META_FILE
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text())
            if data.get("format") != FORMAT_VERSION:
                raise IndexError_(
                    f"{self.name} has index format {data.get('format')}, this apicall "
                    f"reads {FORMAT_VERSION}: rebuild it in a new directory"
                )
            embedder = data["embedder"]
            return IndexMeta(embedder["kind"], embedder["name"], int(embedder["dimension"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise IndexError_(f"{path} is unreadable ({exc}); remove the index folder") from None

    def write_meta(self, meta: IndexMeta) -> None:
        path = self.directory / META_FILE
        payload = {
            "format": FORMAT_VERSION,
            "embedder": {
                "kind": meta.embedder_kind,
                "name": meta.embedder_name,
                "dimension": meta.dimension,
            },
        }
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(payload, indent=2))
        os.replace(tmp, path)
        self.push_mirror()

    # -- tables ---------------------------------------------------------------------------
    def _table_names(self) -> set[str]:
        result = self._db.list_tables()
        names = getattr(result, "tables", result)
        return set(names)

    def table(self, name: str) -> Any | None:
        if name in self._tables:
            return self._tables[name]
        if name not in self._table_names():
            return None
        table = self._db.open_table(name)
        self._tables[name] = table
        return table

    def _table_or_create(self, name: str, schema: pa.Schema) -> Any:
        table = self.table(name)
        if table is None:
            table = self._db.create_table(name, schema=schema, exist_ok=True)
            self._tables[name] = table
        return table

    # -- writes ---------------------------------------------------------------------------
    def replace_table(self, name: str, first: pa.RecordBatch) -> Any:
        """A table of these rows in place of any table of that name (one commit)."""
        mode = "overwrite" if name in self._table_names() else "create"  # create: no lance warning
        with self._write_lock:
            table = self._db.create_table(name, data=pa.Table.from_batches([first]), mode=mode)
            self._tables[name] = table
        return table

    @_commits
    def add_operations(self, rows: list[dict[str, Any]], vectors: np.ndarray) -> None:
        if not rows:
            return
        schema = operations_schema(int(vectors.shape[1]))
        columns: dict[str, Any] = {name: [row[name] for row in rows] for name in schema.names[:-1]}
        flat = pa.array(np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1))
        columns["vector"] = pa.FixedSizeListArray.from_arrays(flat, int(vectors.shape[1]))
        batch = pa.Table.from_pydict(columns, schema=schema)
        with self._write_lock:
            self._table_or_create(OPERATIONS, schema).add(batch)

    @_commits
    def delete_operations(
        self, spec_key: str, keep_hash: str | None = None, only_hash: str | None = None
    ) -> None:
        """Delete a spec's rows: all, all but one content hash, or only one content hash."""
        table = self.table(OPERATIONS)
        if table is None:
            return
        where = f"spec_key = {sql_string(spec_key)}"
        if keep_hash is not None:
            where += f" AND spec_hash != {sql_string(keep_hash)}"
        if only_hash is not None:
            where += f" AND spec_hash = {sql_string(only_hash)}"
        with self._write_lock:
            table.delete(where)

    @_commits
    def upsert_specs(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        table = self._table_or_create(SPECS, SPECS_SCHEMA)
        data = pa.Table.from_pylist(rows, schema=SPECS_SCHEMA)
        with self._write_lock:
            (
                table.merge_insert("spec_key")
                .when_matched_update_all()
                .when_not_matched_insert_all()
                .execute(data)
            )

    def delete_spec(self, spec_key: str) -> bool:
        specs = self.table(SPECS)
        known = spec_key in self.spec_hashes()
        self.delete_operations(spec_key)
        if specs is not None:
            with self._write_lock:
                specs.delete(f"spec_key = {sql_string(spec_key)}")
        return known

    @_commits
    def finish_build(self) -> None:
        """Compact small fragments and bring the keyword and vector indices up to date.

        Below VECTOR_INDEX_MIN_ROWS a flat scan is exact and fast enough; above it an
        IVF-HNSW index keeps vector search in milliseconds (flat search over the whole catalog
        takes about 60 ms on 2 cores). `optimize` adds new rows to existing indices."""
        table = self.table(OPERATIONS)
        if table is None:
            return
        with self._write_lock:
            names = {ix.name for ix in table.list_indices()}
            if f"{FTS_COLUMN}_idx" not in names:
                with warnings.catch_warnings():
                    # The native FTS index; its replacement API takes the same options.
                    warnings.simplefilter("ignore", DeprecationWarning)
                    table.create_fts_index(FTS_COLUMN, use_tantivy=False, replace=True)
            if "api_name_idx" not in names:
                # Finding one operation's copies in every spec of the same API name.
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    table.create_scalar_index("api_name", index_type="BTREE")
            if "vector_idx" not in names and table.count_rows() >= VECTOR_INDEX_MIN_ROWS:
                partitions = max(1, table.count_rows() // 2000)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    table.create_index(
                        metric="cosine",
                        vector_column_name="vector",
                        index_type="IVF_HNSW_SQ",
                        num_partitions=partitions,
                    )
            table.optimize()
        specs = self.table(SPECS)
        if specs is not None:
            with self._write_lock:
                specs.optimize()

    # -- reads ----------------------------------------------------------------------------
    # Each read turns a storage failure (a truncated or deleted data file) into one line.
    @_reads
    def spec_hashes(self) -> dict[str, str]:
        table = self.table(SPECS)
        if table is None:
            return {}
        data = table.to_arrow().select(["spec_key", "spec_hash"]).to_pydict()
        return dict(zip(data["spec_key"], data["spec_hash"], strict=True))

    @_reads
    def operation_spec_keys(self) -> set[str]:
        table = self.table(OPERATIONS)
        if table is None:
            return set()
        return set(table.to_arrow().column("spec_key").unique().to_pylist())

    @_reads
    def specs(self) -> list[dict[str, Any]]:
        table = self.table(SPECS)
        if table is None:
            return []
        rows: list[dict[str, Any]] = table.to_arrow().to_pylist()
        return sorted(rows, key=lambda r: r["spec_key"])

    @_reads
    def count_operations(self) -> int:
        table = self.table(OPERATIONS)
        return 0 if table is None else int(table.count_rows())

    def size_on_disk(self) -> int:
        if self.remote is not None:
            from pyarrow import fs as pafs

            filesystem, base = self._remote_files()
            infos = filesystem.get_file_info(pafs.FileSelector(base, recursive=True))
            return sum(i.size or 0 for i in infos if i.type == pafs.FileType.File)
        return sum(f.stat().st_size for f in self.directory.rglob("*") if f.is_file())

    @_reads
    def get_operation(self, operation_id: str) -> dict[str, Any] | None:
        table = self.table(OPERATIONS)
        if table is None:
            return None
        rows = table.search().where(f"id = {sql_string(operation_id)}").limit(1).to_list()
        return rows[0] if rows else None

    @_reads
    def operations_of_spec(self, spec_key: str) -> list[dict[str, Any]]:
        table = self.table(OPERATIONS)
        if table is None:
            return []
        where = f"spec_key = {sql_string(spec_key)}"
        rows: list[dict[str, Any]] = table.search().where(where).limit(1_000_000).to_list()
        return rows

    @_reads
    def same_operation(self, api_name: str, method: str, path: str) -> list[dict[str, Any]]:
        """The operation `method path` in every indexed spec titled `api_name`."""
        table = self.table(OPERATIONS)
        if table is None:
            return []
        where = (
            f"api_name = {sql_string(api_name)} AND method = {sql_string(method)} "
            f"AND path = {sql_string(path)}"
        )
        rows: list[dict[str, Any]] = (
            table.search().where(where).select(SUMMARY_COLUMNS).limit(1000).to_list()
        )
        return rows

    @_reads
    def search_vector(self, vector: np.ndarray, k: int, columns: list[str]) -> list[SearchHit]:
        table = self.table(OPERATIONS)
        if table is None:
            return []
        rows = (
            table.search(vector.astype(np.float32), vector_column_name="vector")
            .distance_type("cosine")
            .select([*columns, "_distance"])
            .limit(k)
            .to_list()
        )
        return [SearchHit(row, 1.0 - float(row.pop("_distance"))) for row in rows]

    @_reads
    def search_keyword(self, text: str, k: int, columns: list[str]) -> list[SearchHit]:
        table = self.table(OPERATIONS)
        if table is None or not text.strip():
            return []
        try:
            rows = (
                table.search(text, query_type="fts", fts_columns=FTS_COLUMN)
                .select([*columns, "_score"])
                .limit(k)
                .to_list()
            )
        except (ValueError, RuntimeError) as exc:
            if "index" in str(exc).lower():
                return []  # no keyword index yet: the vector side still answers
            raise
        return [SearchHit(row, float(row.pop("_score"))) for row in rows]
