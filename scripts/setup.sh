#!/usr/bin/env bash
# Build both environments from the committed lock files; skip what is already up to date.
#   .venv-rasa : Python 3.10, Rasa 3.6.21 (+ spaCy, jieba)    <- requirements/rasa.lock
#   .venv      : Python 3.11, our packages, rasa-sdk, tests    <- requirements/dev.lock
# A stamp file inside each environment holds the sha256 of the lock it was built from.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

find_python() {  # $1 = version (3.10 / 3.11)
  local v="$1" c
  for c in "python$v" "$HOME/.pyenv/versions/$v"*/bin/python "/root/.pyenv/versions/$v"*/bin/python \
           "/usr/bin/python$v" "/usr/local/bin/python$v"; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c "import sys; assert sys.version_info[:2] == tuple(map(int, '$v'.split('.')))" 2>/dev/null; then
      command -v "$c"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    local p; p="$(pyenv root)/versions/$(pyenv versions --bare | grep -E "^$v(\.|$)" | tail -1)/bin/python"
    if [ -x "$p" ]; then echo "$p"; return 0; fi
  fi
  return 1
}

build_env() {  # $1 = dir, $2 = python version, $3 = lock file, $4 = extra step, $5 = more inputs
  local dir="$1" ver="$2" lock="$3" extra="${4:-}" want have py
  want="$(cat "$lock" ${5:-} | sha256sum | cut -d' ' -f1)"
  have="$(cat "$dir/.lock-sha256" 2>/dev/null || true)"
  if [ "$want" = "$have" ] && [ -x "$dir/bin/python" ]; then
    say "$dir is up to date"
    return 0
  fi
  if ! py="$(find_python "$ver")"; then
    echo "error: Python $ver was not found." >&2
    echo "  Rasa 3.6 needs Python 3.10 and our code needs Python 3.11. Install them, e.g.:" >&2
    echo "    pyenv install $ver   (https://github.com/pyenv/pyenv)  or  apt-get install python$ver python$ver-venv" >&2
    echo "  then run 'make setup' again." >&2
    exit 1
  fi
  say "building $dir with $py from $lock (this takes a minute or two the first time)"
  rm -rf "$dir"
  "$py" -m venv "$dir"
  "$dir/bin/python" -m pip install -q --upgrade "pip<25" 2> >(grep -v "is ignored: it is neither" >&2)
  "$dir/bin/python" -m pip install -q --progress-bar off -r "$lock" 2> >(grep -v "is ignored: it is neither" >&2)
  if [ -n "$extra" ]; then eval "$extra"; fi
  echo "$want" > "$dir/.lock-sha256"
  say "$dir ready"
}

# TensorFlow 2.12 lists jax as a requirement, but only its TFLite converter imports it, and
# that import is guarded: without jax every Rasa process starts ~1 s sooner and ~100 MB
# smaller (docs/performance.md).
build_env .venv-rasa 3.10 requirements/rasa.lock
if .venv-rasa/bin/python -m pip show -q jax >/dev/null 2>&1; then
  say "removing jax from .venv-rasa (not used by Rasa)"
  .venv-rasa/bin/python -m pip uninstall -q -y jax jaxlib
fi
build_env .venv 3.11 requirements/dev.lock '.venv/bin/python -m pip install -q --no-deps -e .' pyproject.toml

mkdir -p var
if [ ! -f .env ]; then
  say "writing .env with fresh random tokens (kept out of git)"
  {
    echo "RASA_TOKEN=$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(32))')"
    echo "STAFF_API_TOKEN=$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(32))')"
  } > .env
fi
