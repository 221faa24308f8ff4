"""Staff API against a migrated temporary SQLite case store, seeded through the db API.

A fake hub stands in for the channels so the tests see exactly what the customer would be
sent and which chat mode was set; no Rasa is needed.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.auth import AgentDirectory
from bot.settings import GatewaySettings
from bot.staff.notify import Notifier
from bot.staff.router import staff_router
from bot.staff.service import StaffService
from bot.staff.watcher import HandoffWatcher
from bot.transcript import Transcript
from claims import lifecycle as lc
from claims.case import Case, LossItem, Money, TimelineEntry
from claims.names import Names
from claims.policy import default_policy
from db.engine import make_engine, make_session_factory
from db.evidence_store import EvidenceStore
from db.migrate import upgrade
from db.models import CaseRow
from db.uow import UnitOfWork

TOKEN = "shared-test-token"
ALICE, BOB = "alice-token-0123456789", "bob-token-0123456789ab"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


class FakeHub:
    """Records what the staff side asked the channels to do."""

    def __init__(self) -> None:
        self.pushed: list[tuple[str, dict[str, Any]]] = []
        self.modes: list[tuple[str, str, str | None]] = []

    async def push_to_customer(
        self, sender: str, message: dict[str, Any], *, record: bool = True
    ) -> bool:
        assert record is False  # the staff API stores messages itself
        self.pushed.append((sender, message))
        return True

    async def set_mode(self, sender: str, mode: str, agent: str | None = None) -> None:
        self.modes.append((sender, mode, agent))

    def subscribe_agent(self, sender: str, queue: asyncio.Queue[Any]) -> Any:
        return lambda: None


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("staff-db") / "claims.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def sessions(tmp_path: Path, template_db: Path) -> Iterator[sessionmaker[Session]]:
    path = tmp_path / "claims.db"
    shutil.copyfile(template_db, path)
    engine = make_engine(f"sqlite:///{path}")
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence")


def seed(sessions: sessionmaker[Session], store: EvidenceStore, *, sender: str = "web:s1",
         language: str = "en", text: str = "Payments were down <script>alert(1)</script>",
         escalate: str | None = "customer_requested_human") -> str:  # fmt: skip
    """One open case with a customer, a timeline, a loss, a PNG, messages and an estimate."""
    now = datetime.now(UTC)
    case = Case(language=language, description=text, customer_name="Ada Lovelace")
    case.affected_systems = ["payment"]
    case.timeline = [TimelineEntry("started", now - timedelta(hours=5), "customer", "")]  # type: ignore[arg-type]
    case.losses = [LossItem("lost_orders", Money(Decimal("1234.50"), "CNY"), "orders", True)]  # type: ignore[arg-type]
    with UnitOfWork(sessions) as uow:
        added = uow.cases.add(case, identity=sender, status="open")
        ref = added.reference
        assert ref is not None
        stored = store.put(PNG, "screen.png")
        uow.cases.add_evidence(ref, stored, kind="screenshots", description="error page",
                               channel="web")  # fmt: skip
        uow.cases.append_message(ref, "customer", "web", text)
        uow.cases.append_message(ref, "bot", "web", "I'll get a person.")
        uow.cases.add_estimate(ref, policy_version="test-1", amount=Money("800", "CNY"),
                               payload={"compensation": {"lines": []}})  # fmt: skip
        if escalate:
            uow.cases.escalate(ref, escalate)
        uow.commit()
    return ref


def make_app(
    sessions: sessionmaker[Session], store: EvidenceStore, **env: Any
) -> tuple[FastAPI, FakeHub]:
    settings = GatewaySettings(
        STAFF_API_TOKEN=env.pop("token", TOKEN), STAFF_AGENTS=env.pop("agents", None),
        HANDOFF_TIMEOUT_SECONDS=env.pop("timeout", 60), _env_file=None,  # type: ignore[call-arg]
    )  # fmt: skip
    app = FastAPI()
    hub = FakeHub()
    service = StaffService(sessions, store, Names(default_policy()), Notifier(hub))
    app.include_router(staff_router(service, AgentDirectory.from_settings(settings)))
    return app, hub


def auth(agent: str | None = "alice", token: str = TOKEN) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if agent:
        headers["X-Agent"] = agent
    return headers


@pytest.fixture
def env(sessions: sessionmaker[Session], store: EvidenceStore) -> tuple[TestClient, FakeHub, str]:
    ref = seed(sessions, store)
    app, hub = make_app(sessions, store)
    return TestClient(app), hub, ref


# -- authentication -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/api/cases"),
        ("GET", "/api/cases/{ref}"),
        ("POST", "/api/cases/{ref}/claim"),
        ("GET", "/api/cases/{ref}/export"),
        ("GET", "/api/cases/{ref}/evidence/" + "0" * 64),
    ],
)
def test_no_token_is_401(env: tuple[TestClient, FakeHub, str], method: str, path: str) -> None:
    client, _, ref = env
    response = client.request(method, path.format(ref=ref))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_wrong_token_and_wrong_scheme_are_401(env: tuple[TestClient, FakeHub, str]) -> None:
    client, _, ref = env
    assert client.get(f"/api/cases/{ref}", headers=auth(token="nope")).status_code == 401
    basic = {"Authorization": f"Basic {TOKEN}"}
    assert client.get(f"/api/cases/{ref}", headers=basic).status_code == 401


def test_no_configured_token_refuses_everyone(
    sessions: sessionmaker[Session], store: EvidenceStore
) -> None:
    ref = seed(sessions, store)
    app, _ = make_app(sessions, store, token=None)
    client = TestClient(app)
    assert client.get(f"/api/cases/{ref}", headers=auth(token="")).status_code == 401


def test_write_without_agent_name_is_400(env: tuple[TestClient, FakeHub, str]) -> None:
    client, _, ref = env
    assert client.get(f"/api/cases/{ref}", headers=auth(agent=None)).status_code == 200
    response = client.post(f"/api/cases/{ref}/claim", headers=auth(agent=None))
    assert response.status_code == 400
    assert "X-Agent" in response.json()["detail"]


def test_per_agent_tokens_name_the_agent(
    sessions: sessionmaker[Session], store: EvidenceStore
) -> None:
    ref = seed(sessions, store)
    app, _ = make_app(sessions, store, token=None, agents=f"alice:{ALICE},bob:{BOB}")
    client = TestClient(app)
    me = client.get("/api/me", headers={"Authorization": f"Bearer {BOB}", "X-Agent": "mallory"})
    assert me.json() == {"agent": "bob", "via": "agent"}
    claim = client.post(f"/api/cases/{ref}/claim", headers={"Authorization": f"Bearer {ALICE}"})
    assert claim.json()["assigned_agent"] == "alice"


# -- detail contract ------------------------------------------------------------------------


def test_case_detail_json_contract(env: tuple[TestClient, FakeHub, str]) -> None:
    client, _, ref = env
    response = client.get(f"/api/cases/{ref}", headers=auth(agent=None))
    assert response.status_code == 200
    case = response.json()
    for key in ("customer", "category", "stage", "timeline", "losses", "evidence", "estimate",
                "transcript", "escalation"):  # fmt: skip
        assert key in case, key
    assert case["reference"] == ref
    assert case["customer"]["name"] == "Ada Lovelace"
    assert case["customer"]["channels"] == ["web:s1"]
    assert case["stage"]["current"] == "reported"
    assert case["losses"][0]["amount"] == {"amount": "1234.50", "currency": "CNY"}
    assert len(case["evidence"][0]["sha256"]) == 64
    assert case["estimate"]["amount"] == {"amount": "800.00", "currency": "CNY"}
    assert [m["sender"] for m in case["transcript"]] == ["customer", "bot"]
    assert case["escalation"]["open_reasons"] == ["customer_requested_human"]
    assert case["allowed_stages"] == ["evidence_collection", "rejected", "withdrawn"]


def test_unknown_case_is_404(env: tuple[TestClient, FakeHub, str]) -> None:
    client, _, _ = env
    assert client.get("/api/cases/CLM-2020-999999", headers=auth()).status_code == 404


# -- queue ------------------------------------------------------------------------------------


def test_list_and_filter(sessions: sessionmaker[Session], store: EvidenceStore) -> None:
    a = seed(sessions, store, sender="web:a", language="en")
    b = seed(sessions, store, sender="web:b", language="zh", escalate=None)
    app, _ = make_app(sessions, store)
    client = TestClient(app)
    listed = client.get("/api/cases", headers=auth()).json()
    assert {c["reference"] for c in listed["cases"]} == {a, b}
    escalated = client.get("/api/cases?escalated=true", headers=auth()).json()["cases"]
    assert [c["reference"] for c in escalated] == [a]
    assert escalated[0]["escalation_reasons"] == ["customer_requested_human"]
    zh = client.get("/api/cases?language=zh", headers=auth()).json()["cases"]
    assert [c["reference"] for c in zh] == [b]
    old = client.get("/api/cases?min_age_hours=1", headers=auth()).json()["cases"]
    assert old == []
    client.post(f"/api/cases/{b}/claim", headers=auth("bob"))
    mine = client.get("/api/cases?assigned=me", headers=auth("bob")).json()["cases"]
    assert [c["reference"] for c in mine] == [b]
    free = client.get("/api/cases?assigned=none", headers=auth()).json()["cases"]
    assert [c["reference"] for c in free] == [a]
    bad = client.get("/api/cases?stage=nonsense", headers=auth())
    assert bad.status_code == 422


# -- claim / release / assign ------------------------------------------------------------------


def test_claim_takes_over_the_chat(env: tuple[TestClient, FakeHub, str]) -> None:
    client, hub, ref = env
    response = client.post(f"/api/cases/{ref}/claim", headers=auth("alice"))
    assert response.status_code == 200
    assert response.json()["assigned_agent"] == "alice"
    assert hub.modes == [("web:s1", "human", "alice")]
    assert hub.pushed[0][0] == "web:s1"
    assert "alice" in hub.pushed[0][1]["text"]
    case = client.get(f"/api/cases/{ref}", headers=auth()).json()
    assert case["assigned_agent"] == "alice"
    assert any(a["action"] == "assigned" and a["actor"] == "agent:alice" for a in case["audit"])


def test_second_agent_cannot_claim_or_release(env: tuple[TestClient, FakeHub, str]) -> None:
    client, _, ref = env
    assert client.post(f"/api/cases/{ref}/claim", headers=auth("alice")).status_code == 200
    assert client.post(f"/api/cases/{ref}/claim", headers=auth("bob")).status_code == 409
    release = client.post(f"/api/cases/{ref}/release", headers=auth("bob"))
    assert release.status_code == 403
    assert "alice" in release.json()["detail"]
    assert client.post(f"/api/cases/{ref}/release", headers=auth("alice")).status_code == 200
    assert client.post(f"/api/cases/{ref}/release", headers=auth("alice")).status_code == 409
    assert client.get(f"/api/cases/{ref}", headers=auth()).json()["assigned_agent"] is None


def test_assign_hands_own_case_to_colleague(env: tuple[TestClient, FakeHub, str]) -> None:
    client, _, ref = env
    client.post(f"/api/cases/{ref}/claim", headers=auth("alice"))
    ok = client.post(f"/api/cases/{ref}/assign", headers=auth("alice"), json={"agent": "bob"})
    assert ok.json()["assigned_agent"] == "bob"
    steal = client.post(f"/api/cases/{ref}/assign", headers=auth("carol"),
                        json={"agent": "carol"})  # fmt: skip
    assert steal.status_code == 409


# -- stage --------------------------------------------------------------------------------------


def test_invalid_stage_transition_is_422_with_allowed(env: tuple[TestClient, FakeHub, str]) -> None:
    client, hub, ref = env
    response = client.post(f"/api/cases/{ref}/stage", headers=auth(), json={"stage": "litigation"})
    assert response.status_code == 422
    body = response.json()
    assert body["allowed"] == ["evidence_collection", "rejected", "withdrawn"]
    assert body["current"] == "reported"
    assert hub.pushed == []


def test_case_data_the_domain_refuses_is_422_naming_the_field(
    env: tuple[TestClient, FakeHub, str], sessions: sessionmaker[Session]
) -> None:
    client, hub, ref = env
    with sessions() as session:
        row = session.scalars(select(CaseRow).where(CaseRow.reference == ref)).one()
        row.facts = {**(row.facts or {}), "monthly_uptime": "150"}
        session.commit()
    problem = {"field": "monthly_uptime", "problem": "is a percentage between 0 and 100"}
    response = client.get(f"/api/cases/{ref}", headers=auth())
    assert (response.status_code, response.json()) == (422, {"detail": problem})
    response = client.post(f"/api/cases/{ref}/stage", headers=auth(),
                           json={"stage": "evidence_collection"})  # fmt: skip
    assert (response.status_code, response.json()) == (422, {"detail": problem})
    assert hub.pushed == []


def test_rejection_without_reason_is_422(env: tuple[TestClient, FakeHub, str]) -> None:
    client, _, ref = env
    response = client.post(f"/api/cases/{ref}/stage", headers=auth(), json={"stage": "rejected"})
    assert response.status_code == 422
    assert "reason" in response.json()["detail"]
    assert "rejected" in response.json()["allowed"]


def test_stage_change_notifies_customer_in_their_language(
    sessions: sessionmaker[Session], store: EvidenceStore
) -> None:
    ref = seed(sessions, store, sender="tg:42", language="zh")
    app, hub = make_app(sessions, store)
    client = TestClient(app)
    response = client.post(f"/api/cases/{ref}/stage", headers=auth(),
                           json={"stage": "evidence_collection", "note": "请上传日志"})  # fmt: skip
    assert response.status_code == 200
    assert response.json()["stage"] == "evidence_collection"
    sender, message = hub.pushed[-1]
    assert sender == "tg:42"
    assert message["text"] == f"您的案件 {ref} 已进入新阶段：收集证据。说明：请上传日志"
    case = client.get(f"/api/cases/{ref}", headers=auth()).json()
    assert case["stage"]["current"] == "evidence_collection"
    assert case["stage"]["history"][-1]["note"] == "请上传日志"
    assert case["transcript"][-1]["text"] == message["text"]
    assert any(a["action"] == "stage_changed" and a["actor"] == "agent:alice"
               for a in case["audit"])  # fmt: skip


# -- notes, replies, hand-back ---------------------------------------------------------------


def test_notes_internal_and_for_customer(env: tuple[TestClient, FakeHub, str]) -> None:
    client, hub, ref = env
    client.post(f"/api/cases/{ref}/notes", headers=auth(), json={"text": "check SLA"})
    assert hub.pushed == []
    client.post(f"/api/cases/{ref}/notes", headers=auth(),
                json={"text": "We received your logs.", "for_customer": True})  # fmt: skip
    assert hub.pushed[-1][1]["text"] == (
        f"A message from our support team about case {ref}: We received your logs."
    )
    notes = client.get(f"/api/cases/{ref}", headers=auth()).json()["notes"]
    assert [(n["text"], n["for_customer"], n["actor"]) for n in notes] == [
        ("check SLA", False, "agent:alice"),
        ("We received your logs.", True, "agent:alice"),
    ]


def test_reply_is_pushed_stored_and_handback_resumes_bot(
    env: tuple[TestClient, FakeHub, str],
) -> None:
    client, hub, ref = env
    client.post(f"/api/cases/{ref}/claim", headers=auth("alice"))
    reply = client.post(f"/api/cases/{ref}/reply", headers=auth("alice"), json={"text": "Hi!"})
    assert reply.status_code == 200 and reply.json()["delivered"] is True
    assert hub.pushed[-1] == ("web:s1", {"text": "Hi!", "agent": "alice"})
    other = client.post(f"/api/cases/{ref}/reply", headers=auth("bob"), json={"text": "x"})
    assert other.status_code == 409
    messages = client.get(f"/api/cases/{ref}/messages", headers=auth()).json()["messages"]
    assert ("agent", "Hi!") in [(m["sender"], m["text"]) for m in messages]
    back = client.post(f"/api/cases/{ref}/handback", headers=auth("alice"))
    assert back.status_code == 200
    assert hub.modes[-1] == ("web:s1", "bot", None)
    case = client.get(f"/api/cases/{ref}", headers=auth()).json()
    assert case["escalation"]["open_reasons"] == []
    after = client.get(f"/api/cases/{ref}/messages?after={messages[-1]['id']}",
                       headers=auth()).json()["messages"]  # fmt: skip
    assert [m["sender"] for m in after] == ["system"]


# -- evidence, export, delete ------------------------------------------------------------------


def test_evidence_download_needs_token_and_belongs_to_case(
    env: tuple[TestClient, FakeHub, str], sessions: sessionmaker[Session], store: EvidenceStore
) -> None:
    client, _, ref = env
    sha = client.get(f"/api/cases/{ref}", headers=auth()).json()["evidence"][0]["sha256"]
    url = f"/api/cases/{ref}/evidence/{sha}"
    assert client.get(url).status_code == 401
    got = client.get(url, headers=auth())
    assert got.status_code == 200 and got.content == PNG
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"].startswith("attachment")
    assert got.headers["x-content-type-options"] == "nosniff"
    preview = client.get(url + "?inline=true", headers=auth())
    assert preview.headers["content-type"] == "image/png"
    other = seed(sessions, store, sender="web:other", escalate=None)
    # same file on another case is fine; a hash the case doesn't have is 404
    assert client.get(f"/api/cases/{other}/evidence/{'a' * 64}", headers=auth()).status_code == 404
    audit = client.get(f"/api/cases/{ref}", headers=auth()).json()["audit"]
    assert [a["action"] for a in audit].count("evidence_downloaded") == 1


def test_export_json_and_markdown_are_audited(env: tuple[TestClient, FakeHub, str]) -> None:
    client, _, ref = env
    js = client.get(f"/api/cases/{ref}/export", headers=auth())
    assert js.status_code == 200 and js.json()["reference"] == ref
    assert f'filename="{ref}.json"' in js.headers["content-disposition"]
    md = client.get(f"/api/cases/{ref}/export?format=markdown&lang=zh", headers=auth())
    assert md.text.startswith(f"# 理赔案件 {ref}")
    audit = client.get(f"/api/cases/{ref}", headers=auth()).json()["audit"]
    assert [a["action"] for a in audit].count("case_exported") == 2


def test_delete_customer_data(env: tuple[TestClient, FakeHub, str], store: EvidenceStore) -> None:
    client, _, ref = env
    sha = client.get(f"/api/cases/{ref}", headers=auth()).json()["evidence"][0]["sha256"]
    wrong = client.post(f"/api/cases/{ref}/customer-data/delete", headers=auth(),
                        json={"confirm": "CLM-0000-000000"})  # fmt: skip
    assert wrong.status_code == 400
    done = client.post(f"/api/cases/{ref}/customer-data/delete", headers=auth(),
                       json={"confirm": ref})  # fmt: skip
    assert done.status_code == 200
    assert done.json()["cases_anonymised"] == [ref]
    case = client.get(f"/api/cases/{ref}", headers=auth()).json()
    assert case["customer"]["name"] is None and case["customer"]["anonymised"] is True
    assert {m["text"] for m in case["transcript"]} == {"[redacted]"}
    assert store.path_of(sha) is None
    assert any(a["action"] == "customer_data_erased" and a["actor"] == "agent:alice"
               for a in case["audit"])  # fmt: skip


# -- hand-off timeout ----------------------------------------------------------------------------


async def test_handoff_timeout_tells_customer_once(
    sessions: sessionmaker[Session], store: EvidenceStore
) -> None:
    ref = seed(sessions, store, sender="web:w", language="en")
    with UnitOfWork(sessions) as uow:
        uow.cases.audit("handoff_started", actor="bot", case_reference=ref,
                        details={"sender": "web:w", "mode": "human"},
                        at=datetime.now(UTC) - timedelta(seconds=120))  # fmt: skip
        uow.commit()
    hub = FakeHub()
    service = StaffService(sessions, store, Names(default_policy()), Notifier(hub))
    watcher = HandoffWatcher(service, timeout_seconds=60)
    assert await watcher.scan_once() == 1
    assert await watcher.scan_once() == 0
    assert hub.modes == [("web:w", "bot", None)]
    assert hub.pushed[0][1]["text"].startswith("Sorry, no agent is free right now.")
    assert ref in hub.pushed[0][1]["text"]
    with UnitOfWork(sessions) as uow:
        summary = uow.cases.summary(ref)
        assert summary is not None and summary.escalated  # still in the queue


async def test_no_timeout_notice_when_claimed_or_recent(
    sessions: sessionmaker[Session], store: EvidenceStore
) -> None:
    ref = seed(sessions, store, sender="web:c")
    fresh = seed(sessions, store, sender="web:f")
    with UnitOfWork(sessions) as uow:
        old = datetime.now(UTC) - timedelta(seconds=120)
        uow.cases.audit("handoff_started", actor="bot", case_reference=ref,
                        details={"sender": "web:c"}, at=old)  # fmt: skip
        uow.cases.assign(ref, "alice", actor="agent:alice")
        uow.cases.audit("handoff_started", actor="bot", case_reference=fresh,
                        details={"sender": "web:f"})  # fmt: skip
        uow.commit()
    service = StaffService(sessions, store, Names(default_policy()), Notifier(None))
    assert await HandoffWatcher(service, timeout_seconds=60).scan_once() == 0


async def test_watcher_keeps_watching_after_a_failing_pass(
    sessions: sessionmaker[Session], store: EvidenceStore, caplog: pytest.LogCaptureFixture
) -> None:
    service = StaffService(sessions, store, Names(default_policy()), Notifier(None))
    watcher = HandoffWatcher(service, timeout_seconds=0.1)
    calls: list[int] = []

    async def flaky(now: datetime | None = None) -> int:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        raise asyncio.CancelledError  # stop the test's loop on the second pass

    watcher.scan_once = flaky  # type: ignore[method-assign]
    with pytest.raises(asyncio.CancelledError):
        await watcher.run()
    assert len(calls) == 2 and "hand-off watcher pass failed" in caplog.text


def open_escalations(sessions: sessionmaker[Session], reference: str) -> list[str]:
    with UnitOfWork(sessions) as uow:
        return [e.reason for e in uow.cases.escalations(reference) if e.resolved_at is None]


DRAFT_SENDER = "web:d"


async def test_escalation_on_a_draft_survives_timeout_and_later_messages(
    sessions: sessionmaker[Session], store: EvidenceStore
) -> None:
    """The customer asks for a person mid-intake (a draft), nobody claims the chat in time
    (a fake clock for the watcher), and the intake goes on: each message is transcribed by
    the gateway and saved into the draft. The case must stay in the staff queue."""
    transcript = Transcript(sessions)
    caller = lc.CustomerCaller(DRAFT_SENDER)
    transcript.record(DRAFT_SENDER, "customer", "Payments are down", language="en")
    ref = lc.save_draft(UnitOfWork(sessions), caller, Case(language="en", description="down"))
    lc.request_person(UnitOfWork(sessions), caller, ref)
    transcript.record_mode(DRAFT_SENDER, "human", actor="bot", reason=lc.HUMAN_REQUESTED)

    hub = FakeHub()
    service = StaffService(sessions, store, Names(default_policy()), Notifier(hub))
    later = datetime.now(UTC) + timedelta(seconds=61)
    assert await HandoffWatcher(service, timeout_seconds=60).scan_once(now=later) == 1
    assert hub.modes == [(DRAFT_SENDER, "bot", None)]
    assert open_escalations(sessions, ref) == [lc.HUMAN_REQUESTED]

    for text in ("It started at 9am", "We lost about 5000 yuan"):
        assert transcript.record(DRAFT_SENDER, "customer", text, language="en") == ref
        told = Case(language="en", description=f"down. {text}", reference=ref)
        assert lc.save_draft(UnitOfWork(sessions), caller, told) == ref
    assert open_escalations(sessions, ref) == [lc.HUMAN_REQUESTED]
    with UnitOfWork(sessions) as uow:
        summary = uow.cases.summary(ref)
        assert summary is not None and summary.escalated and summary.status == "draft"
        assert [m.sender for m in uow.cases.transcript(ref)] == [
            "customer", "system", "customer", "customer",
        ]
