"""Schemathesis over the staff API's OpenAPI spec: whatever the inputs, no server error."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, make_session_factory
from db.evidence_store import EvidenceStore
from db.migrate import upgrade
from tests.bot.test_staff_api import TOKEN, make_app, seed


@pytest.fixture(scope="module")
def staff_schema(tmp_path_factory: pytest.TempPathFactory) -> schemathesis.schemas.BaseSchema:
    root: Path = tmp_path_factory.mktemp("schema")
    engine = make_engine(f"sqlite:///{root / 'claims.db'}")
    upgrade(engine)
    sessions: sessionmaker[Session] = make_session_factory(engine)
    store = EvidenceStore(root / "evidence")
    for i in range(2):
        seed(sessions, store, sender=f"web:fuzz{i}")
    app, _ = make_app(sessions, store)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_staff_api_never_5xx(staff_schema: schemathesis.schemas.BaseSchema) -> None:
    """Every operation, 20 generated cases each (schemathesis' pytest plugin predates
    pytest 9, so the strategies are driven with hypothesis directly)."""
    headers = {"Authorization": f"Bearer {TOKEN}", "X-Agent": "fuzzer"}
    failures: list[str] = []
    operations = [r.ok() for r in staff_schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)  # fmt: skip
        def run(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        run()
    assert failures == []


def test_openapi_lists_the_staff_routes(
    staff_schema: schemathesis.schemas.BaseSchema,
) -> None:
    paths = set(staff_schema.raw_schema["paths"])
    assert "/api/cases/{reference}" in paths
    assert "/api/cases/{reference}/stage" in paths
    assert not any(p.startswith("/staff") for p in paths)
