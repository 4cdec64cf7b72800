"""The `apicall` command line, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import BROKEN


def apicall(*args: str, env_index: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if env_index is not None:
        env["APICALL_INDEX"] = str(env_index)
    return subprocess.run(
        [sys.executable, "-m", "apicall", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_index_add_list_stats_search_remove(tmp_path, spec_dir):
    idx = tmp_path / "idx"
    added = apicall("index", "add", "--index", str(idx), str(spec_dir), str(BROKEN))
    assert added.returncode == 0, added.stderr
    assert "6 added" in added.stdout and "5 skipped" not in added.stdout
    assert "4 skipped" in added.stdout
    assert "yaml_bomb.yaml: YAML expands" in added.stdout
    assert "indexed with validation errors (1)" in added.stdout
    assert "specs" in added.stderr  # the progress line

    listed = apicall("index", "list", "--index", str(idx))
    assert "Bookshop API" in listed.stdout and "[" in listed.stdout

    stats = json.loads(apicall("index", "stats", "--json", env_index=idx).stdout)
    assert stats["specs"] == 6 and stats["operations"] == 11 and stats["index"] == str(idx)

    found = apicall("search", "find a pet by id", "--k", "2", "--json", "--index", str(idx))
    results = json.loads(found.stdout)
    assert len(results) == 2
    assert set(results[0]) >= {
        "api_name",
        "method",
        "path",
        "operation_id",
        "summary",
        "spec",
        "score",
    }
    assert results[0]["operation_id"] == "getPetById"

    removed = apicall("index", "remove", str(spec_dir / "petstore_v2.json"), "--index", str(idx))
    assert removed.returncode == 0 and "removed" in removed.stdout
    stats = json.loads(apicall("index", "stats", "--json", "--index", str(idx)).stdout)
    assert stats["operations"] == 7


def test_search_without_an_index_says_what_to_do(tmp_path):
    result = apicall("search", "anything", "--index", str(tmp_path / "empty"))
    assert result.returncode == 2
    assert "no index at" in result.stderr and "apicall index add" in result.stderr


def test_catalog_add_with_a_missing_tarball(tmp_path):
    result = apicall(
        "catalog", "add", str(tmp_path / "missing.tgz"), "--index", str(tmp_path / "i")
    )
    assert result.returncode == 2
    assert "no such catalog tarball" in result.stderr


def test_doctor_reports_build_model_and_index(tmp_path, spec_dir):
    idx = tmp_path / "idx"
    assert apicall("index", "add", "--quiet", "--index", str(idx), str(spec_dir)).returncode == 0
    done = apicall("doctor", "--json", "--index", str(idx))
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["llama.cpp"]["gpu_offload"] in (True, False)
    model = report["model"]
    assert model["quantization"] == "Q4_1" and model["size_mb"] > 50
    assert model["decode_tokens_per_s"] > 0 and model["prefill_tokens_per_s"] > 0
    assert report["index"]["operations"] == 11 and report["index"]["search_works"]
    assert report["embedder"]["dimension"] == 384
    assert report["filling"]["value_picker"].startswith("learned (index/artifacts), threshold")


def test_doctor_with_a_missing_model_says_so(tmp_path):
    done = apicall(
        "doctor",
        "--json",
        "--model",
        str(tmp_path / "none.gguf"),
        "--index",
        str(tmp_path / "empty"),
    )
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert "model file not found" in report["model"]["error"]
    assert "no index at" in report["index"]["error"]
