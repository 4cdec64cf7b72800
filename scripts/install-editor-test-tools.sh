#!/usr/bin/env bash
# The real-editor test of the VS Code extension: code-server (VS Code in the browser, from npm)
# driven by Playwright in Debian's Chromium. Skipped where apt-get is not available or not root;
# the test then skips, except under CI where it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
# chromium for the browser; ripgrep for VS Code's search; the headers code-server's native
# modules (kerberos, keymap, secrets) build against.
source scripts/lib/apt.sh
APT_LABEL="editor test tools" apt_install_missing \
  chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config || exit 0
if [ -x editors/vscode/e2e/node_modules/.bin/code-server ]; then
  echo "editor test tools: code-server installed"
  exit 0
fi
# @vscode/ripgrep's install script downloads rg from GitHub, which this network does not reach;
# it takes a cached archive instead, so give it Debian's rg under the name it looks for.
cache="$(node -e 'console.log(require("os").tmpdir())')/vscode-ripgrep-cache-1.15.11"
archive="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$archive" ]; then
  mkdir -p "$cache"
  staging="$(mktemp -d)"
  cp "$(command -v rg)" "$staging/rg"
  tar czf "$archive" -C "$staging" rg
  rm -rf "$staging"
fi
# code-server's install script refuses root without unsafe-perm, and node-pty's runs npx.
cd editors/vscode/e2e
npm_config_unsafe_perm=true npm_config_yes=true npm ci --no-audit --no-fund >/dev/null
echo "editor test tools: code-server $(node_modules/.bin/code-server --version | tail -1)"
