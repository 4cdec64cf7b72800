#!/usr/bin/env bash
# Debian packages for the syntax tests of rendered snippets (Go, Ruby, PHP, C with libcurl)
# and the headless Neovim client test. Skipped where apt-get is not available or not root.
set -euo pipefail
source "$(dirname "$0")/lib/apt.sh"
APT_LABEL="syntax tools" apt_install_missing golang-go ruby php-cli libcurl4-openssl-dev neovim || true
