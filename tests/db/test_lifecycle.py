"""The lifecycle use cases on the real unit of work, on SQLite and PostgreSQL.

The rules are tested on the fake (tests/unit/claims/test_lifecycle.py); these check that
the SQLAlchemy side keeps what the fake keeps: a draft save merges, never resolving an
open escalation nor dropping an uploaded file, and a refused write leaves nothing behind.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from claims import lifecycle as lc
from claims.case import Case, EvidenceKind, EvidenceRef, Stage
from db.evidence_store import EvidenceStore
from db.uow import UnitOfWork

ME = lc.CustomerCaller("web:me")
OTHER = lc.CustomerCaller("web:other")
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def test_a_draft_save_merges_keeping_escalations_and_files(
    session_factory: sessionmaker[Session], evidence_store: EvidenceStore
) -> None:
    uow = UnitOfWork(session_factory)
    assert lc.record_message(uow, ME, "customer", "web", "支付挂了", language="zh") is None
    ref = lc.save_draft(uow, ME, Case(description="支付系统宕机"))
    stored = evidence_store.put(PNG, "screen.png")
    assert lc.attach_evidence(uow, ME, stored, kind="screenshots", description="screen.png",
                              channel="web", language="zh") == ref  # fmt: skip
    lc.request_person(uow, ME, ref)
    for text in ("支付系统宕机四小时", "支付系统宕机四小时，丢了订单"):
        told = Case(description=text, reference=ref,
                    evidence=[EvidenceRef(EvidenceKind.SYSTEM_LOGS, "logs")])  # fmt: skip
        assert lc.save_draft(uow, ME, told) == ref
    with UnitOfWork(session_factory) as u:
        case = u.cases.get(ref)
        assert case is not None and case.description == "支付系统宕机四小时，丢了订单"
        assert [(e.kind, e.sha256) for e in case.evidence] == [
            (EvidenceKind.SCREENSHOTS, stored.sha256), (EvidenceKind.SYSTEM_LOGS, None),
        ]
        assert [e.size for e in u.cases.evidence(ref)] == [len(PNG), None]
        assert [(e.reason, e.actor, e.resolved_at) for e in u.cases.escalations(ref)] == [
            (lc.HUMAN_REQUESTED, "customer", None)
        ]
        summary = u.cases.summary(ref)
        assert summary is not None and summary.escalated and summary.status == "draft"
        assert [m.text for m in u.cases.transcript(ref)] == ["支付挂了"]


def test_submit_and_stage_moves_set_the_status(session_factory: sessionmaker[Session]) -> None:
    uow = UnitOfWork(session_factory)
    ref = lc.submit(UnitOfWork(session_factory), ME, Case(description="宕机"), estimate={},
                    policy_version="p1", expected=None,
                    escalation_reasons=["personal_data_leak"])  # fmt: skip
    at = datetime.now(UTC)
    lc.move_stage(uow, lc.StaffCaller("agent:alice"), ref, Stage.WITHDRAWN, "asked", at)
    with UnitOfWork(session_factory) as u:
        summary = u.cases.summary(ref)
        assert summary is not None and (summary.status, summary.stage) == ("closed", "withdrawn")
        assert u.cases.latest_estimate(ref) is not None
        actions = [a.action for a in u.cases.audit_trail(ref)]
        assert actions[-2:] == ["stage_changed", "case_updated"]


def test_a_write_on_another_customers_case_leaves_nothing(
    session_factory: sessionmaker[Session],
) -> None:
    theirs = lc.save_draft(UnitOfWork(session_factory), OTHER, Case(description="theirs"))
    lc.record_message(UnitOfWork(session_factory), ME, "customer", "web", "hi", language="zh")
    with pytest.raises(lc.NotYourCase):
        lc.save_draft(UnitOfWork(session_factory), ME, Case(description="x", reference=theirs))
    with pytest.raises(lc.NotYourCase):
        lc.request_person(UnitOfWork(session_factory), ME, theirs)
    with UnitOfWork(session_factory) as u:
        case = u.cases.get(theirs)
        assert case is not None and case.description == "theirs"
        assert u.cases.escalations(theirs) == []
        customer = u.cases.customer_for_identity(ME.identity)
        assert customer is not None and u.cases.cases_of_customer(customer.id) == []
