"""Ingestion of spec files into the index: discovery, parallel parse/validate/extract, embedding,
incremental writes."""

from __future__ import annotations

import datetime
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .discovery import walk_spec_candidates
from .embed import Embedder
from .errors import ApicallError, IndexError_
from .loader import MAX_SPEC_BYTES, parse_spec_bytes
from .records import content_hash, extract_operations
from .store import OPERATIONS, SPECS, IndexMeta, IndexStore
from .validate import validate_document

FLUSH_ROWS = 4096
# Full validation runs at about 1 MB/s; specs above this size are recorded as not validated.
DEFAULT_VALIDATE_MAX_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class SpecFile:
    key: str
    path: Path


@dataclass
class SpecOutcome:
    key: str
    status: str  # added | replaced | unchanged | skipped
    reason: str = ""
    operations: int = 0
    validation_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    outcomes: list[SpecOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def operations(self) -> int:
        return sum(o.operations for o in self.outcomes if o.status in ("added", "replaced"))

    @property
    def skipped(self) -> list[SpecOutcome]:
        return [o for o in self.outcomes if o.status == "skipped"]

    @property
    def invalid(self) -> list[SpecOutcome]:
        return [o for o in self.outcomes if o.validation_errors]


ProgressCallback = Callable[[int, int, int, int], None]  # specs done, total, operations, failures


def discover_spec_files(paths: Iterable[Path]) -> tuple[list[SpecFile], list[SpecOutcome]]:
    """Spec files under the given files and folders (recursively), keyed by absolute path."""
    found: dict[str, SpecFile] = {}
    missing: list[SpecOutcome] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            candidates: Iterator[Path] = walk_spec_candidates(path)
        elif path.is_file():
            candidates = iter([path])
        else:
            missing.append(SpecOutcome(str(path), "skipped", f"{path}: no such file or folder"))
            continue
        for candidate in candidates:
            key = str(candidate.resolve())
            found.setdefault(key, SpecFile(key, candidate))
    return list(found.values()), missing


@dataclass
class _Job:
    key: str
    path: str
    known_hash: str | None
    validate_max_bytes: int


@dataclass
class _Processed:
    key: str
    status: str
    spec_hash: str = ""
    reason: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)
    embedding_texts: list[str] = field(default_factory=list)
    api_name: str = ""
    spec_version: str = ""
    validation_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    operations: int = 0


def process_spec(job: _Job) -> _Processed:
    """Read, hash, parse, validate and extract one spec. Runs in a worker process."""
    name = job.path
    try:
        size = os.path.getsize(job.path)
        if size > MAX_SPEC_BYTES:
            mib = f"{size / 2**20:.1f} MiB"
            reason = f"{name}: file is {mib}, over the {MAX_SPEC_BYTES / 2**20:.0f} MiB limit"
            return _Processed(job.key, "skipped", reason=reason)
        with open(job.path, "rb") as handle:
            data = handle.read()
        spec_hash = content_hash(data)
        if spec_hash == job.known_hash:
            return _Processed(job.key, "unchanged", spec_hash=spec_hash)
        doc = parse_spec_bytes(data, name)
        del data
        if size <= job.validate_max_bytes:
            errors = validate_document(doc)
        else:
            errors = []
            limit = job.validate_max_bytes / 2**20
            note = f"not validated: {size / 2**20:.1f} MiB is over the {limit:.0f} MiB limit"
        info: dict[str, Any] = doc["info"] if isinstance(doc.get("info"), dict) else {}
        version = str(doc.get("openapi") or doc.get("swagger") or "")
        extracted = extract_operations(doc, job.key, spec_hash)
        del doc  # the parsed document of a big spec is the largest object here
        warnings = extracted.warnings
        if size > job.validate_max_bytes:
            warnings = [note, *warnings]
        rows, texts = [], []
        for record in extracted.records:
            rows.append(record.to_row())
            texts.append(record.embedding_text)
        extracted.records.clear()
        return _Processed(
            job.key,
            "parsed",
            spec_hash=spec_hash,
            rows=rows,
            embedding_texts=texts,
            api_name=str(info.get("title") or ""),
            spec_version=version,
            validation_errors=errors,
            warnings=warnings,
        )
    except ApicallError as exc:
        return _Processed(job.key, "skipped", reason=str(exc))
    except OSError as exc:
        return _Processed(job.key, "skipped", reason=f"{name}: cannot read ({exc.strerror})")
    except RecursionError:
        return _Processed(job.key, "skipped", reason=f"{name}: nested too deeply to read")
    except Exception as exc:  # one bad file never stops a batch
        reason = f"{name}: unexpected {type(exc).__name__}: {str(exc)[:200]}"
        return _Processed(job.key, "skipped", reason=reason)


class _Writer:
    """Buffers operations of several specs; commits their rows, then their spec rows."""

    def __init__(self, store: IndexStore, embedder: Embedder, existing_keys: set[str]):
        self.store = store
        self.embedder = embedder
        self.existing_keys = existing_keys
        self.rows: list[dict[str, Any]] = []
        self.texts: list[str] = []
        self.pending: list[_Processed] = []

    def add(self, spec: _Processed) -> None:
        if spec.key in self.existing_keys:
            # Rows of this very content left by an interrupted earlier run.
            self.store.delete_operations(spec.key, only_hash=spec.spec_hash)
        spec.operations = len(spec.rows)
        self.rows.extend(spec.rows)
        self.texts.extend(spec.embedding_texts)
        spec.rows, spec.embedding_texts = [], []
        self.pending.append(spec)
        if len(self.rows) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.store.add_operations(self.rows, self.embedder.embed(self.texts))
        for spec in self.pending:
            if spec.key in self.existing_keys:
                self.store.delete_operations(spec.key, keep_hash=spec.spec_hash)
        now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        self.store.upsert_specs(
            [
                {
                    "spec_key": spec.key,
                    "spec_hash": spec.spec_hash,
                    "api_name": spec.api_name,
                    "spec_version": spec.spec_version,
                    "operations": spec.operations,
                    "validation_errors": spec.validation_errors,
                    "warnings": spec.warnings,
                    "indexed_at": now,
                }
                for spec in self.pending
            ]
        )
        self.rows, self.texts, self.pending = [], [], []


def ingest(
    store: IndexStore,
    embedder: Embedder,
    files: list[SpecFile],
    *,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
    validate_max_bytes: int = DEFAULT_VALIDATE_MAX_BYTES,
) -> IngestReport:
    """Index the given spec files; unchanged ones (same content hash) cost one read each."""
    with store.writing():
        _check_embedder(store, embedder)
        known = store.spec_hashes()
        writer = _Writer(store, embedder, store.operation_spec_keys() | set(known))
        # Largest first, so that one huge spec overlaps with the many small ones.
        jobs = sorted(
            (_Job(f.key, str(f.path), known.get(f.key), validate_max_bytes) for f in files),
            key=lambda job: -_size(job.path),
        )
        report = IngestReport()
        total, operations = len(jobs), 0
        for processed in _run(jobs, workers):
            outcome = SpecOutcome(processed.key, processed.status, processed.reason)
            if processed.status == "parsed":
                outcome.status = "replaced" if processed.key in known else "added"
                outcome.operations = len(processed.rows)
                outcome.validation_errors = processed.validation_errors
                outcome.warnings = processed.warnings
                operations += outcome.operations
                writer.add(processed)
            report.outcomes.append(outcome)
            if progress:
                progress(len(report.outcomes), total, operations, len(report.skipped))
        writer.flush()
        if any(o.status in ("added", "replaced") for o in report.outcomes):
            store.finish_build()
        return report


def remove_spec(store: IndexStore, spec: str) -> str | None:
    """Delete a spec's rows by key or by path; the key removed, or None if it was not indexed."""
    with store.writing():
        keys = set(store.spec_hashes())
        candidates = [spec, str(Path(spec).expanduser().resolve())]
        for key in candidates:
            if key in keys:
                store.delete_spec(key)
                store.finish_build()
                return key
    return None


def _run(jobs: list[_Job], workers: int | None) -> Iterator[_Processed]:
    workers = workers if workers is not None else min(len(jobs), os.cpu_count() or 1)
    if workers <= 1 or len(jobs) <= 2:
        for job in jobs:
            yield process_spec(job)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures: list[Future[_Processed]] = [pool.submit(process_spec, job) for job in jobs]
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()


def _check_embedder(store: IndexStore, embedder: Embedder) -> None:
    meta = store.read_meta()
    if meta is None:
        store.write_meta(IndexMeta(embedder.kind, embedder.name, embedder.dimension))
    elif meta.embedder_name != embedder.name or meta.dimension != embedder.dimension:
        raise IndexError_(
            f"{store.name} was built with embedder {meta.embedder_name} "
            f"({meta.dimension} dimensions), not {embedder.name}: use a new index directory"
        )


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def reembed(
    source: IndexStore,
    target: IndexStore,
    embedder: Embedder,
    progress: ProgressCallback | None = None,
    batch_rows: int = 8192,
) -> int:
    """Copy an index into a new one with another embedder: the rows as they are, the vectors
    computed again from their embedding text. No spec is read or validated again, so a new
    retriever is tried on the whole catalog in minutes. Returns the operations copied."""
    operations = source.table(OPERATIONS)
    specs = source.table(SPECS)
    if operations is None or specs is None:
        raise IndexError_(f"{source.name} has no operations to copy")
    with target.writing():
        _check_embedder(target, embedder)
        columns = [name for name in operations.schema.names if name != "vector"]
        data = operations.to_arrow().select(columns)
        total = data.num_rows
        for start in range(0, total, batch_rows):
            rows = data.slice(start, batch_rows).to_pylist()
            target.add_operations(rows, embedder.embed([r["embedding_text"] for r in rows]))
            if progress:
                progress(min(start + batch_rows, total), total, min(start + batch_rows, total), 0)
        target.upsert_specs(specs.to_arrow().to_pylist())
        target.finish_build()
    return total
