"""One parser per quantity: money, times and counts are no entities (import cycles
and function length for every package: tests/unit/test_code_shape.py)."""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
#: Amounts, times and counts are parsed by understanding.amounts / understanding.timeparse
#: only (docs/architecture.md): no entity extractor tags them, no code reads such an entity.
QUANTITIES = {"money", "duration", "datetime", "percent", "affected_count"}


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


def _spacy_labels() -> tuple[str, ...]:
    spec = importlib.util.spec_from_file_location(
        "patterns", ROOT / "nlu" / "spacy_pipeline" / "patterns.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return tuple(module.LABELS)


def test_one_parser_per_quantity() -> None:
    read = {
        entity
        for package in ("understanding", "actions", "bot")
        for _, path in _modules(package)
        for entity in _entities_read(path)
    }
    assert read, "the scan found no entity reads: it no longer sees the readers"
    assert read & QUANTITIES == set()
    labels = set(_spacy_labels())
    assert labels & QUANTITIES == set()
    assert labels <= read, f"spaCy tags what no code reads: {sorted(labels - read)}"
    domain = yaml.safe_load((ROOT / "domain" / "core.yml").read_text("utf-8"))
    assert set(domain["entities"]) & QUANTITIES == set()
