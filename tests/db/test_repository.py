"""The repository on SQLite and PostgreSQL: the same tests, both databases."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from claims.case import (
    Case,
    Category,
    DataLeak,
    EvidenceKind,
    EvidenceRef,
    InvalidTransition,
    LiabilityFacts,
    LossItem,
    LossKind,
    Money,
    Stage,
    ThirdParty,
    TimelineEntry,
    TimelineKind,
)
from db import references
from db.repository import ChannelIdentity
from db.uow import UnitOfWork

CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 3, 1, 9, 30, tzinfo=CST)


def full_case() -> Case:
    return Case(
        customer_name="王小明",
        customer_company="示例科技有限公司",
        customer_email="wang@example.com",
        customer_phone="+86 138 0000 0000",
        language="zh",
        category=Category.OUTAGE,
        sub_type="payment_gateway_down",
        description="支付系统中断四小时",
        affected_systems=["payment", "api"],
        timeline=[
            TimelineEntry(TimelineKind.STARTED, T0, "customer", "first errors"),
            TimelineEntry(TimelineKind.RESTORED, T0 + timedelta(hours=4), "vendor_status_page"),
        ],
        losses=[
            LossItem(LossKind.LOST_ORDERS, Money(Decimal("12000.50"), "CNY"), "orders"),
            LossItem(LossKind.RECOVERY_COST, Money(Decimal("800"), "USD"), "overtime", proven=True),
        ],
        evidence=[EvidenceRef(EvidenceKind.SCREENSHOTS, "error page")],
        liability=LiabilityFacts(
            third_party=ThirdParty.CLOUD_PROVIDER, company_share=Decimal("0.7")
        ),
        data_leak=DataLeak(1200, ("phone_number", "address")),
        monthly_fee=Money(Decimal("5000"), "CNY"),
        monthly_uptime=Decimal("99.2"),
        people_idle=12,
        priority=2,
        escalations=["mentions_litigation"],
        mentions_litigation=True,
    )


def test_add_and_get_round_trip(session_factory: sessionmaker[Session]) -> None:
    case = full_case()
    with UnitOfWork(session_factory) as uow:
        uow.cases.add(case, identity="telegram:42", at=T0)
        uow.commit()
    assert case.reference is not None
    assert case.reference.startswith("CLM-2026-")
    with UnitOfWork(session_factory) as uow:
        loaded = uow.cases.get(case.reference)
    assert loaded is not None
    assert loaded.to_dict() == case.to_dict() or _same_instants(loaded, case)
    assert loaded == case  # dataclass equality: aware datetimes compare by instant
    assert loaded.timeline[0].at.tzinfo is not None
    assert loaded.timeline[0].at == T0
    assert loaded.losses[1].amount == Money(Decimal("800.00"), "USD")
    assert loaded.liability.company_share == Decimal("0.7")


def _same_instants(a: Case, b: Case) -> bool:
    return a == b


def test_unit_of_work_rolls_back_unless_committed(
    session_factory: sessionmaker[Session],
) -> None:
    with UnitOfWork(session_factory) as uow:
        case = uow.cases.add(Case(category=Category.DATA_LOSS))
        reference = case.reference
    assert reference is not None
    with UnitOfWork(session_factory) as uow:
        assert uow.cases.get(reference) is None
    with pytest.raises(RuntimeError), UnitOfWork(session_factory) as uow:
        uow.cases.add(Case(reference="CLM-2026-999999"))
        raise RuntimeError("boom")
    with UnitOfWork(session_factory) as uow:
        assert uow.cases.get("CLM-2026-999999") is None


def test_references_are_random_and_unique(session_factory: sessionmaker[Session]) -> None:
    """Not enumerable (db/references.py): the random part tells nothing of other cases."""
    refs = []
    for _ in range(3):
        with UnitOfWork(session_factory) as uow:
            refs.append(uow.cases.add(Case(), at=datetime(2026, 5, 1, tzinfo=UTC)).reference)
            uow.commit()
    assert len(set(refs)) == 3
    assert all(re.fullmatch(r"CLM-2026-[2-9A-HJKMNP-Z]{6}", str(r)) for r in refs)
    with UnitOfWork(session_factory) as uow:
        case = uow.cases.add(Case(), at=datetime(2027, 1, 1, tzinfo=UTC))
    assert str(case.reference).startswith("CLM-2027-")


def test_an_old_sequential_reference_still_works(session_factory: sessionmaker[Session]) -> None:
    with UnitOfWork(session_factory) as uow:
        uow.cases.add(Case(reference="CLM-2026-000123"))
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        found = uow.cases.get("CLM-2026-000123")
        assert found is not None and found.reference == "CLM-2026-000123"


def test_a_drawn_reference_that_is_taken_is_drawn_again(
    session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    draws = iter(["CLM-2026-AAAAAA", "CLM-2026-AAAAAA", "CLM-2026-BBBBBB"])
    monkeypatch.setattr(references, "random_reference", lambda year: next(draws))
    with UnitOfWork(session_factory) as uow:
        first = uow.cases.add(Case(), at=datetime(2026, 5, 1, tzinfo=UTC)).reference
        second = uow.cases.add(Case(), at=datetime(2026, 5, 1, tzinfo=UTC)).reference
        uow.commit()
    assert (first, second) == ("CLM-2026-AAAAAA", "CLM-2026-BBBBBB")


def test_save_stage_move_history_and_timestamps(session_factory: sessionmaker[Session]) -> None:
    with UnitOfWork(session_factory) as uow:
        ref = uow.cases.add(full_case(), at=T0).reference
        uow.commit()
    assert ref is not None
    t1 = T0 + timedelta(days=1)
    with UnitOfWork(session_factory) as uow:
        case = uow.cases.get(ref)
        assert case is not None
        case.move_to(Stage.EVIDENCE_COLLECTION, t1, "need logs")
        with pytest.raises(InvalidTransition):
            case.move_to(Stage.COMPENSATED, t1)
        case.losses.append(LossItem(LossKind.LEGAL, Money(Decimal("300"), "CNY")))
        case.escalations = []
        uow.cases.save(case, actor="agent:li")
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        loaded = uow.cases.get(ref)
        summary = uow.cases.summary(ref)
        trail = uow.cases.audit_trail(ref)
    assert loaded is not None and summary is not None
    assert loaded.stage is Stage.EVIDENCE_COLLECTION
    assert [c.stage for c in loaded.stage_history] == [Stage.EVIDENCE_COLLECTION]
    assert loaded.stage_history[0].note == "need logs"
    assert len(loaded.losses) == 3
    assert loaded.escalations == []
    assert summary.status == "open"
    assert summary.escalated is False
    assert summary.stage_times["evidence_collection"] == t1
    assert summary.stage_times["reported"] == T0
    assert summary.version == 2
    assert [e.action for e in trail] == ["case_created", "case_updated"]
    assert "stage" in trail[1].details["changed"]
    assert trail[1].actor == "agent:li"


def test_naive_datetimes_are_refused(session_factory: sessionmaker[Session]) -> None:
    with UnitOfWork(session_factory) as uow, pytest.raises((ValueError, Exception)):
        uow.cases.add(Case(), at=datetime(2026, 1, 1))


def test_draft_found_again_by_channel_identity(session_factory: sessionmaker[Session]) -> None:
    with UnitOfWork(session_factory) as uow:
        assert uow.cases.find_draft_for_identity("web:abc") is None
        ref = uow.cases.add(Case(description="half told", language="en"), identity="web:abc")
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        draft = uow.cases.find_draft_for_identity(ChannelIdentity("web", "abc"))
        customer = uow.cases.customer_for_identity("web:abc")
        assert draft is not None and draft.reference == ref.reference
        assert draft.description == "half told"
        assert customer is not None and customer.identities == ("web:abc",)
        assert customer.preferred_language == "en"
        uow.cases.link_identity(customer.id, "telegram:7")
        uow.cases.set_status(draft.reference, "open", actor="bot")  # type: ignore[arg-type]
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        assert uow.cases.find_draft_for_identity("telegram:7") is None
        again = uow.cases.customer_for_identity("telegram:7")
        assert again is not None and again.id == customer.id


def test_list_and_filter(session_factory: sessionmaker[Session]) -> None:
    now = datetime(2026, 6, 10, tzinfo=UTC)
    with UnitOfWork(session_factory) as uow:
        a = uow.cases.add(Case(category=Category.OUTAGE, priority=1), at=now - timedelta(days=9))
        b = uow.cases.add(
            Case(category=Category.SECURITY_BREACH, priority=3, language="en"),
            at=now - timedelta(days=1),
        )
        c = uow.cases.add(Case(category=Category.OUTAGE), at=now - timedelta(hours=1))
        assert a.reference and b.reference and c.reference
        uow.cases.escalate(b.reference, "regulator", actor="bot")
        uow.cases.assign(a.reference, "agent:li", actor="supervisor")
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        repo = uow.cases
        refs = [s.reference for s in repo.list_cases()]
        assert refs == [b.reference, a.reference, c.reference]
        assert [s.reference for s in repo.list_cases(category="outage")] == [
            a.reference,
            c.reference,
        ]
        assert [s.reference for s in repo.list_cases(escalated=True)] == [b.reference]
        assert [s.reference for s in repo.filter(assigned_agent="agent:li")] == [a.reference]
        assert [s.reference for s in repo.list_cases(language="en")] == [b.reference]
        assert [s.reference for s in repo.list_cases(min_priority=2)] == [b.reference]
        old = repo.list_cases(older_than=timedelta(days=2), now=now)
        assert [s.reference for s in old] == [a.reference]
        assert [s.reference for s in repo.list_cases(stage=["reported"], limit=1)] == [b.reference]
        assert repo.list_cases(stage="negotiation") == []


def test_messages_before_the_draft_are_filed_on_it(
    session_factory: sessionmaker[Session],
) -> None:
    with UnitOfWork(session_factory) as uow:
        me = uow.cases.get_or_create_customer("web:s1")
        other = uow.cases.get_or_create_customer("web:s2")
        old = uow.cases.add(Case(), customer_id=me.id, status="open").reference
        assert old is not None
        for ref, who, text in [(None, me, "很早以前的闲聊"), (old, me, "上一个案子"),
                               (None, me, "支付系统宕机了"), (None, other, "别人的消息")]:
            uow.cases.append_message(ref, "customer", "web", text, customer_id=who.id)
        new = uow.cases.add(Case(), identity="web:s1").reference
        assert new is not None
        assert uow.cases.file_loose_messages(new, "web:s1") == 1
        assert uow.cases.file_loose_messages(new, "web:s1") == 0
        assert uow.cases.file_loose_messages(new, "web:nobody") == 0
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        assert [m.text for m in uow.cases.transcript(new)] == ["支付系统宕机了"]
        assert [m.text for m in uow.cases.transcript(old)] == ["上一个案子"]


def test_transcript_escalation_assignment_csat_estimate(
    session_factory: sessionmaker[Session],
) -> None:
    with UnitOfWork(session_factory) as uow:
        ref = uow.cases.add(Case(), identity="telegram:1").reference
        assert ref is not None
        uow.cases.append_message(ref, "customer", "telegram", "我们的支付系统宕机了", at=T0)
        uow.cases.append_message(ref, "bot", "telegram", "请问什么时候开始的？", at=T0)
        uow.cases.escalate(ref, "requested_human", actor="bot")
        uow.cases.escalate(ref, "requested_human", actor="bot")  # idempotent
        uow.cases.assign(ref, "agent:a", actor="sup")
        uow.cases.assign(ref, "agent:b", actor="sup")
        uow.cases.record_csat(ref, 5, "快")
        uow.cases.add_estimate(
            ref,
            policy_version="2026.1",
            amount=Money(Decimal("1234.565"), "CNY"),
            payload={"total": "1234.565"},
        )
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        msgs = uow.cases.transcript(ref)
        assert [(m.sender, m.text) for m in msgs] == [
            ("customer", "我们的支付系统宕机了"),
            ("bot", "请问什么时候开始的？"),
        ]
        assert msgs[0].at == T0
        assert [e.reason for e in uow.cases.escalations(ref)] == ["requested_human"]
        case = uow.cases.get(ref)
        assert case is not None and case.escalations == ["requested_human"]
        assigns = uow.cases.assignments(ref)
        assert [(a.agent, a.ended_at is None) for a in assigns] == [
            ("agent:a", False),
            ("agent:b", True),
        ]
        summary = uow.cases.summary(ref)
        assert summary is not None and summary.assigned_agent == "agent:b"
        assert [c.rating for c in uow.cases.csat(ref)] == [5]
        est = uow.cases.latest_estimate(ref)
        assert est is not None and est.policy_version == "2026.1"
        assert est.amount == Money(Decimal("1234.57"), "CNY")
        with pytest.raises(ValueError):
            uow.cases.record_csat(ref, 6)


def test_audit_log_is_append_only_in_the_database(
    session_factory: sessionmaker[Session],
) -> None:
    with UnitOfWork(session_factory) as uow:
        uow.cases.audit("test", actor="me")
        uow.commit()
    for sql in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with UnitOfWork(session_factory) as uow, pytest.raises(DBAPIError):
            uow.session.execute(text(sql))
    with UnitOfWork(session_factory) as uow:
        assert [e.actor for e in uow.cases.audit_trail()] == ["me"]


def test_foreign_keys_are_enforced(session_factory: sessionmaker[Session]) -> None:
    with UnitOfWork(session_factory) as uow, pytest.raises(IntegrityError):
        uow.session.execute(
            text("INSERT INTO csat (case_id, rating, comment, at) VALUES (999, 3, '', :at)"),
            {"at": datetime(2026, 1, 1)},
        )
