#!/usr/bin/env bash
# What a new user (and CI on a new machine) gets: clone this repository's committed HEAD into
# a temporary folder, with an empty model cache, and run `.ci/run` there with CI=true.
# Uncommitted changes are not included. Prints the time taken; keeps the clone on failure.
#   make test-fresh            (FRESH_DIR=/some/dir to choose where the clone goes)
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${FRESH_DIR:-$(mktemp -d /tmp/claim-intake-fresh.XXXXXX)}"
cache="$dir/model-cache"
echo "[fresh] cloning $(git rev-parse --short HEAD) into $dir/repo (model cache: $cache, empty)"
git clone -q --no-local . "$dir/repo"
mkdir -p "$cache"
start=$(date +%s)
status=0
(cd "$dir/repo" && CI=true CLAIMS_CACHE_DIR="$cache" bash .ci/run </dev/null) || status=$?
elapsed=$(( $(date +%s) - start ))
echo "[fresh] .ci/run exited $status after ${elapsed}s ($(( elapsed / 60 )) min $(( elapsed % 60 )) s)"
if [ "$status" -eq 0 ]; then
  # Keep what it trained for later runs of this checkout (the check itself started empty).
  mkdir -p "${CLAIMS_CACHE_DIR:-$HOME/.cache/claim-intake}/models"
  cp -n "$cache"/models/*.tar.gz "${CLAIMS_CACHE_DIR:-$HOME/.cache/claim-intake}/models/" 2>/dev/null || true
  rm -rf "$dir"
else
  echo "[fresh] the clone is kept in $dir/repo"
fi
exit "$status"
