"""Where an index lives: a local directory, or an object store (`s3://bucket/prefix`, `gs://`,
`az://`) that LanceDB reads and writes natively, so that CI builds one index a team shares.

A remote index keeps its tables in the store and a small local mirror of what is not a table
(the `apicall-index.json` naming its embedder, the embedder's static table) under the user's data
directory, so everything that reads those files works the same for both. Storage options come from
`APICALL_STORAGE_<OPTION>` variables (for example `APICALL_STORAGE_AWS_ENDPOINT`,
`APICALL_STORAGE_ALLOW_HTTP`) and, for credentials, the store's own chain (`AWS_ACCESS_KEY_ID` ...,
instance roles, `GOOGLE_APPLICATION_CREDENTIALS`, `AZURE_STORAGE_*`); they are kept out of
`repr`, logs, settings and the index.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .errors import IndexError_

REMOTE_SCHEMES = ("s3", "gs", "az", "abfs")
STORAGE_ENV_PREFIX = "APICALL_STORAGE_"
# Files of an index that are not LanceDB tables, mirrored between the store and the local copy.
MIRRORED_FILES = (
    "apicall-index.json",
    "embedder/static_vectors.npy",
    "embedder/static_name.txt",
)


@dataclass(frozen=True)
class RemoteIndex:
    uri: str  # scheme://bucket/prefix, without a trailing slash
    storage_options: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __str__(self) -> str:
        return self.uri

    @property
    def scheme(self) -> str:
        return urlparse(self.uri).scheme

    def mirror_in(self, data_dir: Path) -> Path:
        """The local mirror of the non-table files, one per URI."""
        return data_dir / "remote" / hashlib.sha1(self.uri.encode()).hexdigest()[:16]

    def filesystem(self) -> tuple[Any, str]:
        """A pyarrow filesystem on the store and this index's path in it."""
        from pyarrow import fs

        parsed = urlparse(self.uri)
        path = f"{parsed.netloc}{parsed.path}".rstrip("/")
        options = {k.lower(): v for k, v in self.storage_options.items()}
        if parsed.scheme == "s3":
            endpoint = options.get("aws_endpoint") or options.get("endpoint")
            kwargs: dict[str, Any] = {
                "region": options.get("aws_region") or options.get("region") or "us-east-1"
            }
            if endpoint:
                endpoint_url = urlparse(endpoint)
                kwargs["endpoint_override"] = endpoint_url.netloc or endpoint
                kwargs["scheme"] = endpoint_url.scheme or "https"
            key = options.get("aws_access_key_id")
            secret = options.get("aws_secret_access_key")
            if key and secret:
                kwargs["access_key"], kwargs["secret_key"] = key, secret
            return fs.S3FileSystem(**kwargs), path
        filesystem, resolved = fs.FileSystem.from_uri(self.uri)
        return filesystem, resolved


IndexLocation = Path | RemoteIndex


def storage_options_from_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    env = os.environ if env is None else env
    return {
        name[len(STORAGE_ENV_PREFIX) :].lower(): value
        for name, value in env.items()
        if name.startswith(STORAGE_ENV_PREFIX) and value
    }


def parse_location(text: str | os.PathLike[str]) -> IndexLocation:
    """A local path, or an object-store URI with the storage options of the environment."""
    raw = os.fspath(text)
    scheme = urlparse(raw).scheme if "://" in raw else ""
    if not scheme:
        return Path(raw).expanduser()
    if scheme not in REMOTE_SCHEMES:
        raise IndexError_(
            f"unsupported index location {raw!r}: a directory or one of "
            + ", ".join(f"{s}://" for s in REMOTE_SCHEMES)
        )
    parsed = urlparse(raw)
    if not parsed.netloc:
        raise IndexError_(f"index location {raw!r} names no bucket")
    return RemoteIndex(raw.rstrip("/"), storage_options_from_env())
