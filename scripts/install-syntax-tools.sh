#!/usr/bin/env bash
# Debian packages for the syntax tests of rendered snippets (Go, Ruby, PHP, C with libcurl)
# and the headless Neovim client test. Skipped where apt-get is not available or not root.
set -euo pipefail
packages=(golang-go ruby php-cli libcurl4-openssl-dev neovim)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "syntax tools: all installed"
  exit 0
fi
if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
  echo "syntax tools: cannot install ${missing[*]} (no apt-get or not root); their tests skip"
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "syntax tools: installed ${missing[*]}"
