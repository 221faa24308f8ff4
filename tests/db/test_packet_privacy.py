"""Case packet export and the customer's export/delete rights, on both databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from claims.case import (
    Case,
    Category,
    DataLeak,
    LossItem,
    LossKind,
    Money,
    TimelineEntry,
    TimelineKind,
)
from db.evidence_store import EvidenceStore
from db.packet import SCHEMA, case_packet, render_markdown
from db.privacy import REDACTED, delete_customer_data, export_customer_data
from db.uow import UnitOfWork

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
PDF = b"%PDF-1.4\n%%EOF\n"


def _seed(factory: sessionmaker[Session], store: EvidenceStore, identity: str, name: str) -> str:
    case = Case(
        customer_name=name,
        customer_email=f"{name}@example.com",
        customer_phone="13800000000",
        category=Category.SECURITY_BREACH,
        sub_type="customer_data_leak",
        description=f"{name} 的客户数据泄露",
        timeline=[TimelineEntry(TimelineKind.DETECTED, T0, "customer", "saw it on a forum")],
        losses=[LossItem(LossKind.LEGAL, Money(Decimal("5000"), "CNY"), "lawyer for " + name)],
        data_leak=DataLeak(300, ("id_number",)),
    )
    with UnitOfWork(factory) as uow:
        ref = uow.cases.add(case, identity=identity, at=T0).reference
        assert ref is not None
        uow.cases.append_message(ref, "customer", "web", f"我是{name}，电话13800000000", at=T0)
        uow.cases.add_evidence(ref, store.put(PNG, "shared.png"), kind="screenshots", channel="web")
        uow.cases.add_evidence(
            ref, store.put(PDF + name.encode(), f"{name}.pdf"), kind="breach_notice"
        )
        uow.cases.add_estimate(
            ref, policy_version="p1", amount=Money(Decimal("4500"), "CNY"), payload={}
        )
        uow.cases.escalate(ref, "data_leak", actor="bot")
        uow.cases.record_csat(ref, 4, "ok")
        uow.commit()
    return ref


def test_packet_has_everything_and_renders(
    session_factory: sessionmaker[Session], evidence_store: EvidenceStore
) -> None:
    ref = _seed(session_factory, evidence_store, "web:s1", "alice")
    with UnitOfWork(session_factory) as uow:
        packet = case_packet(uow, ref)
    assert packet["schema"] == SCHEMA
    json.dumps(packet)  # JSON-safe
    assert packet["customer"]["name"] == "alice"
    assert packet["customer"]["channels"] == ["web:s1"]
    assert packet["category"] == "security_breach"
    assert packet["stage"]["current"] == "reported"
    assert packet["stage"]["entered"]["reported"] == T0.isoformat()
    assert [e["kind"] for e in packet["timeline"]] == ["detected"]
    assert packet["losses"][0]["amount"] == {"amount": "5000.00", "currency": "CNY"}
    assert [e["mime"] for e in packet["evidence"]] == ["image/png", "application/pdf"]
    assert all(len(e["sha256"]) == 64 for e in packet["evidence"])
    assert packet["estimate"]["policy_version"] == "p1"
    assert packet["transcript"][0]["sender"] == "customer"
    assert packet["escalations"][0]["reason"] == "data_leak"
    assert packet["csat"][0]["rating"] == 4
    assert "evidence_added" in [a["action"] for a in packet["audit"]]
    zh = render_markdown(packet, "zh")
    en = render_markdown(packet, "en")
    assert zh.startswith(f"# 理赔案件 {ref}")
    assert "## 损失项目" in zh and "5000.00 CNY" in zh
    assert en.startswith(f"# Claim case {ref}")
    assert "## Evidence" in en and packet["evidence"][0]["sha256"] in en
    with pytest.raises(ValueError):
        render_markdown(packet, "fr")


def test_export_then_delete_round_trip(
    session_factory: sessionmaker[Session], evidence_store: EvidenceStore
) -> None:
    alice = _seed(session_factory, evidence_store, "telegram:100", "alice")
    bob = _seed(session_factory, evidence_store, "telegram:200", "bob")
    with UnitOfWork(session_factory) as uow:
        exported = export_customer_data(uow, "telegram:100")
        uow.commit()
    assert exported["customer"]["email"] == "alice@example.com"
    assert [c["reference"] for c in exported["cases"]] == [alice]
    assert "电话13800000000" in exported["cases"][0]["transcript"][0]["text"]
    json.dumps(exported)
    files = {e["sha256"]: e["original_name"] for e in exported["cases"][0]["evidence"]}
    shared, own = (h for h, n in sorted(files.items(), key=lambda kv: kv[1] != "shared.png"))
    cid = exported["customer"]["id"]

    with UnitOfWork(session_factory) as uow:
        result = delete_customer_data(uow, "telegram:100", "agent:dpo", store=evidence_store)
        uow.commit()
    assert result["cases_anonymised"] == [alice]
    assert result["files_removed"] == 1
    assert evidence_store.exists(shared)  # bob's case still uses it
    assert not evidence_store.exists(own)

    with UnitOfWork(session_factory) as uow:
        again = export_customer_data(uow, cid)
        assert uow.cases.customer_for_identity("telegram:100") is None
        case = uow.cases.get(alice)
        trail = [a.action for a in uow.cases.audit_trail(customer_id=cid)]
        bob_case = uow.cases.get(bob)
    assert again["customer"] | {"id": None} == {
        "id": None,
        "name": None,
        "company": None,
        "email": None,
        "phone": None,
        "preferred_language": "zh",
        "channels": [],
        "anonymised": True,
    }
    text = json.dumps(again, ensure_ascii=False)
    assert "alice" not in text and "13800000000" not in text
    assert again["cases"][0]["transcript"][0]["text"] == REDACTED
    # the anonymised case stays for statistics
    assert case is not None
    assert case.category is Category.SECURITY_BREACH
    assert case.losses[0].amount == Money(Decimal("5000"), "CNY")
    assert case.losses[0].description == ""
    assert case.data_leak == DataLeak(300, ())
    assert all(e.sha256 is None and e.filename is None for e in case.evidence)
    assert "customer_data_deleted" in trail and "data_exported" in trail
    assert bob_case is not None and bob_case.customer_name == "bob"
    assert len([e for e in bob_case.evidence if e.sha256]) == 2


def test_the_customer_export_leaves_out_internal_staff_notes(
    session_factory: sessionmaker[Session], evidence_store: EvidenceStore
) -> None:
    """Issue 16: the export held the audit trail, so internal notes reached the customer;
    and deletion left the notes (they lived in the append-only audit log)."""
    from db.staff_notes import add_note, notes_of

    ref = _seed(session_factory, evidence_store, "telegram:300", "carol")
    with UnitOfWork(session_factory) as uow:
        for text, for_customer in (("carol seems to exaggerate", False), ("we are on it", True)):
            add_note(uow.session, ref, "agent:alice", text, for_customer=for_customer)
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        exported = export_customer_data(uow, "telegram:300")
    dumped = json.dumps(exported, ensure_ascii=False)
    assert "exaggerate" not in dumped and "agent:alice" not in dumped
    [case] = exported["cases"]
    assert "audit" not in case and "assignments" not in case
    assert [n["text"] for n in case["notes_for_you"]] == ["we are on it"]
    with UnitOfWork(session_factory) as uow:
        delete_customer_data(uow, "telegram:300", actor="customer", store=evidence_store)
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        assert [n["text"] for n in notes_of(uow.session, ref)] == ["", ""]


def test_retention_anonymises_only_closed_cases_older_than_the_setting(
    session_factory: sessionmaker[Session], evidence_store: EvidenceStore
) -> None:
    """Issue 16: there was no retention at all; closed cases kept their words forever."""
    from db.models import CaseRow
    from db.retention import purge_closed_cases

    now = T0 + timedelta(days=400)
    old_closed = _seed(session_factory, evidence_store, "telegram:401", "dora")
    new_closed = _seed(session_factory, evidence_store, "telegram:402", "emil")
    old_open = _seed(session_factory, evidence_store, "telegram:403", "fay")
    ages = {old_closed: ("closed", 100), new_closed: ("closed", 10), old_open: ("open", 100)}
    with UnitOfWork(session_factory) as uow:
        for ref, (status, days) in ages.items():
            row = uow.session.execute(select(CaseRow).where(CaseRow.reference == ref)).scalar_one()
            row.status, row.updated_at = status, now - timedelta(days=days)
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        done = purge_closed_cases(uow, 30, now=now, store=evidence_store)
        uow.commit()
    assert done["cases_anonymised"] == [old_closed]
    with UnitOfWork(session_factory) as uow:
        kept = {ref: case_packet(uow, ref) for ref in ages}
    assert kept[old_closed]["description"] == ""
    assert kept[old_closed]["transcript"][0]["text"] == REDACTED
    assert kept[new_closed]["description"] == "emil 的客户数据泄露"
    assert kept[old_open]["description"] == "fay 的客户数据泄露"
