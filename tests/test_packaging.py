"""The wheel built from the checkout: only `apicall/` at the top level, and its CLI runs."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # No isolation: the set-up's setuptools builds it, so the test needs no network.
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*pip_wheel, "-q", "-w", str(out), str(ROOT)],
        check=True,
        cwd=out,
        capture_output=True,
    )
    (built,) = out.glob("apicall-*.whl")
    return built


@pytest.mark.slow
def test_wheel_holds_only_the_apicall_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"apicall"}
    for module in (
        "apicall/__main__.py",
        "apicall/index/engine.py",
        "apicall/model_runtime/runtime.py",
        "apicall/lsp_server/server.py",
        "apicall/index/artifacts/retriever.npz",
        "apicall/index/evaluation/natural.jsonl",
    ):
        assert module in names


@pytest.mark.slow
def test_the_wheels_cli_runs_from_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    entry_points = configparser.ConfigParser()
    (dist_info,) = unpacked.glob("apicall-*.dist-info")
    entry_points.read(dist_info / "entry_points.txt")
    assert entry_points["console_scripts"]["apicall"] == "apicall.lsp_server.cli:main"
    # A user project with its own index.py must not shadow apicall's index layer.
    (tmp_path / "index.py").write_text("raise SystemExit('user index.py imported')\n")
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    script = "from apicall.lsp_server.cli import main; raise SystemExit(main(['--help']))"
    for command in ([sys.executable, "-m", "apicall", "--help"], [sys.executable, "-c", script]):
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "Offline API calls from comments" in done.stdout
    located = subprocess.run(
        [sys.executable, "-c", "import apicall.index.engine as m; print(m.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert located.stdout.strip().startswith(str(unpacked))
