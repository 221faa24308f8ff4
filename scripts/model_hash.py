"""Print a short hash of everything a trained model depends on.

The model file is named after it, so `make train` retrains only when the training data,
domain, config or our spaCy pipeline source changed.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUTS = [
    "config.yml", "nlu", "stories", "domain", "requirements/rasa.lock", "scripts/training_data.py",
]


def files() -> list[Path]:
    found: list[Path] = []
    for name in INPUTS:
        path = ROOT / name
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return sorted(found)


def model_hash(paths: list[Path] | None = None) -> str:
    digest = hashlib.sha256()
    for path in paths if paths is not None else files():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


if __name__ == "__main__":
    sys.stdout.write(model_hash() + "\n")
