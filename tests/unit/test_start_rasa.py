"""Rasa is started through scripts/start_rasa.py everywhere we start it, and that launcher is
Rasa's own command line (same arguments, same output), only with scipy.special imported
first (why: the launcher's docstring)."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

from tests.integration.stack import RASA_RUN, Stack

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "scripts" / "start_rasa.py"


def test_launcher_is_rasas_command_line() -> None:
    done = subprocess.run(
        [str(ROOT / ".venv-rasa/bin/python"), str(LAUNCHER), "--version"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Rasa Version" in done.stdout and "3.6." in done.stdout


def test_launcher_imports_scipy_special_before_anything_else() -> None:
    tree = ast.parse(LAUNCHER.read_text())
    imports = [
        alias.name if isinstance(node, ast.Import) else str(node.module)
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else node.names[:1])
    ]
    assert imports == ["__future__", "runpy", "sys", "scipy.special"]  # stdlib, then scipy
    assert 'run_module("rasa"' in LAUNCHER.read_text()


def test_make_run_and_the_test_stack_start_rasa_through_the_launcher(tmp_path: Path) -> None:
    procfile = dict(
        line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert procfile["rasa"].split()[:3] == [".venv-rasa/bin/python", "scripts/start_rasa.py", "run"]
    assert Stack(workdir=tmp_path).commands()["rasa"][:3] == RASA_RUN
    assert RASA_RUN[1] == str(LAUNCHER)
