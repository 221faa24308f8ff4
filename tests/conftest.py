"""Session-wide test settings.

Under CI (``CI`` set), a skipped test fails the run: `make test` installs everything the
tests need (PostgreSQL, Redis, Chromium, both environments, the model), so a skip there
means a missing install step, not an optional extra.
"""

from __future__ import annotations

import os

import pytest


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not os.environ.get("CI"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and exitstatus == 0:
        if reporter:
            reporter.write_line(
                f"CI: {skipped} test(s) skipped; under CI every test must run "
                "(see the skip reasons above for what is missing)", red=True
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
