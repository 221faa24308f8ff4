#!/usr/bin/env bash
# Build our spaCy pipeline and train the Rasa model, each only when its inputs changed.
# Trained models are also kept in a cache outside the clone (CLAIMS_CACHE_DIR, default
# ~/.cache/claim-intake) so a fresh clone of unchanged data does not train again.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[train] %s\n' "$*"; }

cache="${CLAIMS_CACHE_DIR:-$HOME/.cache/claim-intake}"
mkdir -p "$cache/models" models build

spacy_hash="$(find nlu/spacy_pipeline -type f -name '*.py' | sort | xargs cat | sha256sum | cut -c1-16)"
if [ "$(cat build/spacy_zh/.source-hash 2>/dev/null || true)" != "$spacy_hash" ]; then
  say "building the spaCy pipeline (blank zh + jieba + entity_ruler) into build/spacy_zh"
  .venv-rasa/bin/python nlu/spacy_pipeline/build.py --out build/spacy_zh
  echo "$spacy_hash" > build/spacy_zh/.source-hash
else
  say "spaCy pipeline is up to date"
fi

hash="$(.venv/bin/python scripts/model_hash.py)"
model="models/$hash.tar.gz"
if [ -f "$model" ]; then
  say "model $model is up to date"
elif [ -f "$cache/models/$hash.tar.gz" ]; then
  say "using cached model for $hash"
  cp "$cache/models/$hash.tar.gz" "$model"
else
  say "training model $hash (about two minutes on 2 cores; progress below)"
  start=$(date +%s)
  # --skip-validation: `make validate` runs `rasa data validate` on nlu/ itself.
  .venv/bin/python scripts/training_data.py --out build/training/nlu
  TF_CPP_MIN_LOG_LEVEL=3 PYTHONWARNINGS=ignore .venv-rasa/bin/rasa train --config config.yml \
    --domain domain --data build/training/nlu stories --out models --fixed-model-name "$hash" \
    --num-threads 2 --skip-validation || true
  [ -f "$model" ] || { echo "error: training did not produce $model; see the output above" >&2; exit 1; }
  seconds=$(( $(date +%s) - start ))
  mib=$(du -m "$model" | cut -f1)
  mkdir -p reports
  printf '{"model": "%s", "seconds": %d, "model_bytes": %d, "cores": %d, "trained_at": "%s"}\n' \
    "$hash" "$seconds" "$(stat -c %s "$model")" "$(nproc)" "$(date -u +%FT%TZ)" > reports/training.json
  say "trained in ${seconds}s, model ${mib} MiB (reports/training.json)"
  cp "$model" "$cache/models/$hash.tar.gz"
fi
ln -sf "$hash.tar.gz" models/current.tar.gz
echo "$model"
