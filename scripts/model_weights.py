"""Where a trained model's weight goes: bytes per component, vocabulary per featurizer,
parameters per TensorFlow component (largest variables listed).

Runs in the Rasa environment (it reads TensorFlow checkpoints):
    .venv-rasa/bin/python scripts/model_weights.py [models/current.tar.gz]
"""

from __future__ import annotations

import json
import sys
import tarfile
import tempfile
from pathlib import Path

import tensorflow as tf

ROOT = Path(__file__).resolve().parent.parent


def vocabulary_sizes(component: Path) -> dict[str, int]:
    path = component / "vocabularies.json"
    if not path.exists():
        return {}
    return {k: len(v or {}) for k, v in json.loads(path.read_text()).items()}


def parameters(component: Path) -> tuple[int, list[tuple[str, int]]]:
    index = next(component.glob("*.tf_model.index"), None)
    if index is None:
        return 0, []
    prefix = str(index)[: -len(".index")]
    sizes = []
    for name, shape in tf.train.list_variables(prefix):
        if "OPTIMIZER_SLOT" in name or "optimizer" in name or not shape:
            continue
        count = 1
        for dim in shape:
            count *= dim
        sizes.append((name.split("/.ATTRIBUTES")[0], count))
    sizes.sort(key=lambda item: -item[1])
    return sum(c for _, c in sizes), sizes[:3]


def main(argv: list[str]) -> int:
    model = Path(argv[0]) if argv else ROOT / "models" / "current.tar.gz"
    print(f"model {model.resolve().name}: {model.stat().st_size / 2**20:.1f} MiB compressed")
    print("| component | on disk KiB | vocabulary | parameters | largest variables |")
    print("| --- | ---: | --- | ---: | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(model) as tar:
            tar.extractall(tmp, filter="data")
        for component in sorted((Path(tmp) / "components").iterdir()):
            kib = sum(f.stat().st_size for f in component.rglob("*") if f.is_file()) / 1024
            vocab = ", ".join(f"{k} {v}" for k, v in vocabulary_sizes(component).items() if v)
            total, largest = parameters(component)
            big = "; ".join(f"{n} {c:,}" for n, c in largest)
            print(f"| {component.name} | {kib:,.0f} | {vocab} | {total:,} | {big} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
