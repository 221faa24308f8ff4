#!/usr/bin/env bash
# Debian packages the tests need: PostgreSQL (db tests start their own server), Redis (the
# scale-out tests start their own redis-server) and Chromium (browser tests). Installed only
# when missing; without root we say what to install.
set -euo pipefail
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -eq 0 ]; then
  echo "[system-deps] postgresql, redis-server, chromium and CJK fonts are installed"; exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "[system-deps] missing: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
  echo "[system-deps] the tests that need them will be skipped with that reason" >&2
  exit 0
fi
echo "[system-deps] installing ${missing[*]} (apt-get; about a minute)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "[system-deps] done"
