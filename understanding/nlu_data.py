"""The Rasa NLU files (`nlu/`) as plain data: synonyms and lookup tables.

The action server reads the same vocabulary the NLU model was trained on instead of keeping
its own copy. `nlu/` is found next to the package (the repository checkout every process
runs from), never relative to the working directory; files are read on first use, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

NLU_DIR = Path(__file__).resolve().parent.parent / "nlu"


def _blocks(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    return [b for b in data.get("nlu") or [] if isinstance(b, dict)]


def example_lines(block: dict[str, Any]) -> list[str]:
    """The ``- item`` lines of a block's ``examples`` text, stripped."""
    lines = (line.strip() for line in str(block.get("examples") or "").splitlines())
    return [line[2:].strip() for line in lines if line.startswith("- ") and line[2:].strip()]


@cache
def synonyms() -> Mapping[str, tuple[str, ...]]:
    """Code -> the phrases `nlu/synonyms.yml` normalises to it, in file order."""
    out: dict[str, tuple[str, ...]] = {}
    for block in _blocks(NLU_DIR / "synonyms.yml"):
        if "synonym" in block:
            code = str(block["synonym"])
            out[code] = out.get(code, ()) + tuple(example_lines(block))
    return out


@cache
def lookup(name: str) -> tuple[str, ...]:
    """The phrases of lookup table ``name`` in `nlu/lookups/`, in file order."""
    phrases: list[str] = []
    for path in sorted((NLU_DIR / "lookups").glob("*.yml")):
        for block in _blocks(path):
            if block.get("lookup") == name:
                phrases.extend(example_lines(block))
    return tuple(phrases)
