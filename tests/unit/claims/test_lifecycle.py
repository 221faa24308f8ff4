"""The case lifecycle use cases on the in-memory unit of work: every rule, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from claims import lifecycle as lc
from claims.case import Case, EvidenceKind, EvidenceRef, InvalidTransition, Money, Stage
from claims.status import CaseStatus, is_draft, status_after_stage
from tests.fakes import FakeState, FakeUnitOfWork

ME = lc.CustomerCaller("web:me")
OTHER = lc.CustomerCaller("web:other")
STAFF = lc.StaffCaller("agent:alice")
AT = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


class File:
    """What the evidence store hands back for a kept file."""

    sha256 = "a" * 64
    size = 68
    mime = "image/png"
    stored_name = "a" * 64 + ".png"
    original_name = "screen.png"


def told(**facts: object) -> Case:
    """A case as the chat builds it from its slots."""
    return Case(description=str(facts.pop("description", "支付系统宕机")), **facts)  # type: ignore[arg-type]


def open_reasons(uow: FakeUnitOfWork, reference: str) -> list[str]:
    return uow.state.cases[reference].open_reasons()


def status(uow: FakeUnitOfWork, reference: str) -> str:
    return uow.state.cases[reference].status


# -- status rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(("current", "before", "after", "expected"), [
    ("draft", None, "reported", "draft"),
    ("draft", "reported", "reported", "draft"),
    ("draft", "reported", "evidence_collection", "open"),
    ("draft", "reported", "withdrawn", "closed"),
    ("open", "negotiation", "closed", "closed"),
    ("open", "reported", "evidence_collection", "open"),
])  # fmt: skip
def test_status_follows_the_stage(current: str, before: str | None, after: str,
                                  expected: str) -> None:  # fmt: skip
    assert status_after_stage(current, before, after) is CaseStatus(expected)


def test_is_draft() -> None:
    assert is_draft("draft") and is_draft(CaseStatus.DRAFT)
    assert not is_draft(None) and not is_draft("open")


# -- save draft --------------------------------------------------------------------------------


def test_first_save_opens_a_draft_that_adopts_the_report_message() -> None:
    uow = FakeUnitOfWork()
    assert lc.record_message(uow, ME, "customer", "web", "支付挂了", language="zh") is None
    ref = lc.save_draft(uow, ME, told())
    assert status(uow, ref) == "draft"
    assert [(m.reference, m.text) for m in uow.state.messages] == [(ref, "支付挂了")]
    assert lc.record_message(uow, ME, "bot", "web", "请问何时开始？", language="zh") == ref


def test_later_saves_merge_into_the_same_draft_keeping_files_and_escalations() -> None:
    uow = FakeUnitOfWork()
    ref = lc.save_draft(uow, ME, told())
    assert lc.attach_evidence(uow, ME, File(), kind="screenshots", description="screen.png",
                              channel="web", language="zh") == ref  # fmt: skip
    lc.request_person(uow, ME, ref)
    again = told(description="支付系统宕机四小时", reference=ref,
                 evidence=[EvidenceRef(EvidenceKind.SYSTEM_LOGS, "logs")])  # fmt: skip
    assert lc.save_draft(uow, ME, again) == ref
    case = uow.cases.get(ref)
    assert case is not None and case.description == "支付系统宕机四小时"
    assert [(e.kind, e.sha256) for e in case.evidence] == [
        (EvidenceKind.SCREENSHOTS, File.sha256), (EvidenceKind.SYSTEM_LOGS, None),
    ]
    assert case.escalations == [lc.HUMAN_REQUESTED]
    assert lc.save_draft(uow, ME, told()) == ref  # without the reference: still their draft
    assert open_reasons(uow, ref) == [lc.HUMAN_REQUESTED]


def test_merge_keeps_what_happened_to_the_case_and_takes_the_told_facts() -> None:
    stored = told(reference="R1", escalations=["x"], requested_human=True, misunderstandings=3,
                  priority=40, evidence=[EvidenceRef(EvidenceKind.SCREENSHOTS, "s", "b" * 64)])
    stored.move_to(Stage.EVIDENCE_COLLECTION, AT)
    merged = lc.merge_draft(stored, told(description="new", customer_email="a@b.cn"))
    assert (merged.reference, merged.description, merged.customer_email) == ("R1", "new", "a@b.cn")
    assert (merged.stage, len(merged.stage_history)) == (Stage.EVIDENCE_COLLECTION, 1)
    assert (merged.escalations, merged.requested_human, merged.misunderstandings,
            merged.priority) == (["x"], True, 3, 40)  # fmt: skip
    assert [e.sha256 for e in merged.evidence] == ["b" * 64]


def test_escalations_the_chat_raises_are_added_once() -> None:
    uow = FakeUnitOfWork()
    ref = lc.save_draft(uow, ME, told(escalations=["repeated_misunderstanding"]))
    lc.save_draft(uow, ME, told(escalations=["repeated_misunderstanding"]))
    lc.save_draft(uow, ME, told())
    assert [(e.reason, e.actor, e.resolved) for e in uow.state.cases[ref].escalations] == [
        ("repeated_misunderstanding", "bot", False)
    ]


def test_a_submitted_case_is_never_overwritten_by_a_draft_save() -> None:
    uow = FakeUnitOfWork()
    filed = submit(uow, told(description="first"))
    ref = lc.save_draft(uow, ME, told(description="second", reference=filed))
    assert ref != filed
    assert uow.state.cases[filed].case.description == "first"
    assert (status(uow, ref), uow.state.cases[ref].case.description) == ("draft", "second")


# -- submit, withdraw ------------------------------------------------------------------------


def submit(uow: FakeUnitOfWork, case: Case, caller: lc.CustomerCaller = ME) -> str:
    return lc.submit(uow, caller, case, estimate={"expected": "800"}, policy_version="p1",
                     expected=Money(Decimal("800"), "CNY"),
                     escalation_reasons=["loss_over_threshold"])  # fmt: skip


def test_submit_files_the_draft_with_estimate_and_escalations_in_one_commit() -> None:
    uow = FakeUnitOfWork()
    ref = lc.save_draft(uow, ME, told())
    commits = uow.commits
    assert submit(uow, told(reference=ref)) == ref
    assert uow.commits == commits + 1
    stored = uow.state.cases[ref]
    assert stored.status == "open"
    assert stored.estimates == [{"policy_version": "p1", "amount": Money(Decimal("800"), "CNY"),
                                 "payload": {"expected": "800"}}]  # fmt: skip
    assert stored.open_reasons() == ["loss_over_threshold"]


def test_withdraw_closes_the_draft_and_keeps_it() -> None:
    uow = FakeUnitOfWork()
    assert lc.withdraw(uow, ME, AT) is None
    ref = lc.save_draft(uow, ME, told())
    assert lc.withdraw(uow, ME, AT) == ref
    case = uow.state.cases[ref].case
    assert (case.stage, status(uow, ref)) == (Stage.WITHDRAWN, "closed")
    assert case.stage_history[-1].note == lc.WITHDRAWN_NOTE
    assert lc.withdraw(uow, ME, AT) is None  # no draft left


# -- request a person, move stage --------------------------------------------------------------


def test_request_person_is_idempotent_per_open_reason() -> None:
    uow = FakeUnitOfWork()
    ref = lc.save_draft(uow, ME, told())
    lc.request_person(uow, ME, ref)
    lc.request_person(uow, ME, ref)
    lc.request_person(uow, STAFF, ref, reason="vulnerable_customer")
    assert [(e.reason, e.actor) for e in uow.state.cases[ref].escalations] == [
        (lc.HUMAN_REQUESTED, "customer"), ("vulnerable_customer", "agent:alice"),
    ]
    with pytest.raises(lc.CaseNotFound):
        lc.request_person(uow, ME, "CLM-2026-999999")


def test_move_stage_records_the_change_and_opens_a_draft() -> None:
    uow = FakeUnitOfWork()
    ref = lc.save_draft(uow, ME, told())
    change = lc.move_stage(uow, STAFF, ref, Stage.EVIDENCE_COLLECTION, "need logs", AT)
    assert (change.stage, change.at, change.note) == (Stage.EVIDENCE_COLLECTION, AT, "need logs")
    assert status(uow, ref) == "open"
    moved = {"from": "reported", "to": "evidence_collection", "note": "need logs"}
    assert ("stage_changed", "agent:alice", ref, moved) in uow.state.audit
    lc.move_stage(uow, STAFF, ref, "withdrawn", "customer asked", AT + timedelta(hours=1))
    assert status(uow, ref) == "closed"


def test_a_refused_move_changes_nothing() -> None:
    uow = FakeUnitOfWork()
    ref = lc.save_draft(uow, ME, told())
    with pytest.raises(InvalidTransition):
        lc.move_stage(uow, STAFF, ref, Stage.COMPENSATED, "", AT)
    with pytest.raises(ValueError, match="needs a reason"):
        lc.move_stage(uow, STAFF, ref, Stage.REJECTED, " ", AT)
    assert uow.state.cases[ref].case.stage is Stage.REPORTED
    assert not any(a[0] == "stage_changed" for a in uow.state.audit)


# -- attach evidence, record a message --------------------------------------------------------


def test_evidence_goes_to_the_draft_else_the_open_case_else_a_new_draft() -> None:
    uow = FakeUnitOfWork()
    first = lc.attach_evidence(uow, ME, File(), kind="screenshots", description="s",
                               channel="web", language="en")  # fmt: skip
    assert (status(uow, first), uow.state.cases[first].case.language) == ("draft", "en")
    submit(uow, told(reference=first))
    assert lc.attach_evidence(uow, ME, File(), kind="other", description="again",
                              channel="web", language="en") == first  # fmt: skip
    assert [e.description for e in uow.state.cases[first].case.evidence] == ["s", "again"]
    draft = lc.save_draft(uow, ME, told())
    assert draft != first
    assert lc.current_case(uow.cases, uow.state.identities[ME.identity]) == draft


def test_messages_go_to_the_current_case_of_their_customer_only() -> None:
    uow = FakeUnitOfWork()
    mine = lc.save_draft(uow, ME, told())
    theirs = lc.save_draft(uow, OTHER, told())
    assert lc.record_message(uow, ME, "customer", "web", "hi", language="zh") == mine
    assert lc.record_message(uow, OTHER, "agent", "web", "hello", language="zh") == theirs
    assert [(m.reference, m.sender) for m in uow.state.messages] == [
        (mine, "customer"), (theirs, "agent"),
    ]


# -- ownership -----------------------------------------------------------------------------


def test_every_write_on_another_customers_case_is_refused() -> None:
    uow = FakeUnitOfWork()
    ref = lc.save_draft(uow, OTHER, told(description="theirs"))
    lc.record_message(uow, ME, "customer", "web", "hi", language="zh")  # ME is a customer too
    before = (uow.state.cases[ref].case.description, list(uow.state.audit))
    writes = [
        lambda: lc.save_draft(uow, ME, told(description="mine", reference=ref)),
        lambda: submit(uow, told(reference=ref)),
        lambda: lc.request_person(uow, ME, ref),
        lambda: lc.move_stage(uow, ME, ref, Stage.WITHDRAWN, "not mine", AT),
        lambda: lc.rate(uow, ME, ref, 1, "not mine"),
    ]
    for write in writes:
        with pytest.raises(lc.NotYourCase) as refused:
            write()
        assert (refused.value.reference, refused.value.identity) == (ref, ME.identity)
    assert (uow.state.cases[ref].case.description, uow.state.audit) == before
    assert len(uow.state.cases) == 1  # nothing was opened half-way either


def test_the_owner_rates_their_own_case() -> None:
    uow = FakeUnitOfWork()
    ref = lc.save_draft(uow, ME, told())
    lc.rate(uow, ME, ref, 5, "fast")
    assert ("csat", "customer", ref, {"rating": 5}) in uow.state.audit


def test_a_stranger_with_no_customer_record_is_refused_too() -> None:
    uow = FakeUnitOfWork()
    ref = lc.save_draft(uow, OTHER, told())
    with pytest.raises(lc.NotYourCase):
        lc.request_person(uow, lc.CustomerCaller("tg:1"), ref)


def test_withdraw_evidence_and_messages_only_touch_the_callers_own_cases() -> None:
    uow = FakeUnitOfWork(FakeState())
    theirs = lc.save_draft(uow, OTHER, told())
    assert lc.withdraw(uow, ME, AT) is None
    mine = lc.attach_evidence(uow, ME, File(), kind="other", description="f", channel="web",
                              language="zh")  # fmt: skip
    assert mine != theirs and uow.state.cases[theirs].case.evidence == []
    assert lc.record_message(uow, ME, "customer", "web", "x", language="zh") == mine
    assert status(uow, theirs) == "draft"


def test_nothing_is_kept_without_a_commit() -> None:
    uow = FakeUnitOfWork()
    with uow:
        uow.cases.add(told(), identity=ME.identity)
    assert uow.state.cases == {}
