"""Fixtures that run the real processes; they need a trained model (`make train`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.stack import MODEL, Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first", pytrace=False)
    running = Stack(workdir=tmp_path_factory.mktemp("stack"))
    try:
        running.start()
        yield running
    finally:
        running.stop()
