"""understanding/ stays a package of its own: no import cycles with claims/, short functions,
and one parser per quantity (no code reads the spaCy money/time/count entities)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
#: Packages whose import graph must have no cycle (bot/ joins when its staff split lands).
ACYCLIC = ("claims", "understanding")
#: Labels the spaCy entity_ruler tags that no code reads: amounts, times and counts are
#: parsed by understanding.amounts / understanding.timeparse only (docs/architecture.md).
UNREAD_SPACY_LABELS = {"money", "duration", "datetime", "percent", "affected_count"}
MAX_FUNCTION_LINES = 120


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


def test_no_import_cycles() -> None:
    modules = {name: path for package in ACYCLIC for name, path in _modules(package)}
    graph = {name: _imports(path) & set(modules) - {name} for name, path in modules.items()}
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            pytest.fail("import cycle: " + " -> ".join([*trail[trail.index(name) :], name]))
        if name in done:
            return
        for dep in sorted(graph[name]):
            visit(dep, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


@pytest.mark.parametrize("package", ["claims", "understanding"])
def test_no_function_over_120_lines(package: str) -> None:
    long = [
        f"{path.name}:{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for _, path in _modules(package)
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


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
