"""One parser per quantity: no code reads the spaCy money/time/count entities (import cycles
and function length for every package: tests/unit/test_code_shape.py)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
#: Labels the spaCy entity_ruler tags that no code reads: amounts, times and counts are
#: parsed by understanding.amounts / understanding.timeparse only (docs/architecture.md).
UNREAD_SPACY_LABELS = {"money", "duration", "datetime", "percent", "affected_count"}


def _modules(package: str) -> Iterator[tuple[str, Path]]:
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def _entities_read(path: Path) -> set[str]:
    """Entity names passed as text to ``entity_values`` / ``get_latest_entity_values``."""
    read: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in ("entity_values", "get_latest_entity_values", "get_latest_entity_value"):
            read.update(
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            )
    return read


def test_one_parser_per_quantity() -> None:
    read = {
        entity
        for package in ("understanding", "actions", "bot")
        for _, path in _modules(package)
        for entity in _entities_read(path)
    }
    assert read, "the scan found no entity reads: it no longer sees the readers"
    assert read & UNREAD_SPACY_LABELS == set()
