# Sourced by the install scripts: install the Debian packages named in "$@" that are missing.
# Prints what it did under the label $APT_LABEL; returns 1 (and says why) where apt-get is not
# available or this is not root, so that the caller can skip what needs them.
apt_install_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "$APT_LABEL: all installed"
    return 0
  fi
  if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
    echo "$APT_LABEL: cannot install ${missing[*]} (no apt-get or not root); their tests skip"
    return 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "$APT_LABEL: installed ${missing[*]}"
}
