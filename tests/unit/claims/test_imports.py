"""claims/ is pure: no framework imports and nothing from understanding/ (DESIGN.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import claims

FORBIDDEN = {"rasa", "rasa_sdk", "sqlalchemy", "telegram", "fastapi", "pydantic", "db",
             "actions", "bot", "understanding"}


def test_no_framework_imports() -> None:
    root = Path(claims.__file__).parent
    files = sorted(root.rglob("*.py"))
    assert files
    for file in files:
        tree = ast.parse(file.read_text("utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{file.name} imports {name}"
