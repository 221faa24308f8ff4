"""The real gateway refuses to start with a placeholder staff token (issue 16 item 7).

Before: ``STAFF_API_TOKEN=change-me`` (the value in .env.example) was accepted, so anyone
who read the example could use the staff API. Needs no model: only the gateway starts.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.integration.stack import ROOT, Stack

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("token", ["change-me", "tooshort"])
def test_gateway_will_not_start_with_a_placeholder_staff_token(
    tmp_path: object, token: str
) -> None:
    stack = Stack(workdir=tmp_path, extra_env={"STAFF_API_TOKEN": token})  # type: ignore[arg-type]
    process = subprocess.Popen(
        stack.commands()["gateway"], cwd=ROOT, env=stack.env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        _, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"the gateway started with STAFF_API_TOKEN={token!r}")
    assert process.returncode != 0
    message = err.decode()
    assert "STAFF_API_TOKEN" in message and "at least 16 characters" in message
