"""The code's shape: no import cycle between our modules, no function over 120 lines, and one
composition root for the gateway (issue 13: "Homes").

Every import counts, also one inside a function or under ``TYPE_CHECKING``: such imports
were how cycles used to be hidden (``bot/staff_console.py`` ↔ ``bot/staff_api.py``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("actions", "bot", "claims", "db", "understanding")
MAX_FUNCTION_LINES = 120
#: Alembic revisions are generated schema listings, not code anyone reads as functions.
NOT_CODE = ("db/migrations/versions/",)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def imported(path: Path, name: str, known: dict[str, Path]) -> Iterator[str]:
    """Our modules that ``name`` (at ``path``) imports, resolved to module names."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]  # fmt: skip
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: set(imported(path, name, known)) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_lazy_and_type_checking_imports() -> None:
    graph = import_graph()
    assert "bot.staff.service" in graph["bot.staff.api"]
    assert "db.packet" in graph["bot.staff.service"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def functions() -> Iterator[tuple[str, str, int]]:
    for path in modules().values():
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(NOT_CODE):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield rel, node.name, (node.end_lineno or node.lineno) - node.lineno + 1


def test_no_function_over_120_lines() -> None:
    long = [f"{file}:{fn} ({n} lines)" for file, fn, n in functions() if n > MAX_FUNCTION_LINES]
    assert long == []


#: What opens databases or reads the environment: only the gateway's composition root.
WIRING = {"db.settings", "db.engine", "db.migrate", "db.database", "bot.settings.get_settings"}
ROOTS = {"bot.app", "bot.__main__"}


@pytest.mark.parametrize("name", sorted(n for n in modules() if n.startswith("bot.")))
def test_only_the_composition_root_wires_the_gateway(name: str) -> None:
    if name in ROOTS:
        return
    tree = ast.parse(modules()[name].read_text("utf-8"))
    wired = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if node.module in WIRING - {"db.settings"} or full in WIRING:
                    wired.add(full)
                if node.module == "db.settings" and alias.name == "DbSettings":
                    wired.add(full)
        elif isinstance(node, ast.Import):
            wired |= {a.name for a in node.names if a.name in WIRING}
    assert wired == set(), f"{name} wires {sorted(wired)}; pass it in from bot/app.py"
