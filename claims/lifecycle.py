"""What can happen to a case: save a draft, submit, withdraw, request a person, move the
stage, attach evidence, record a message.

Why one module: these rules used to live in the action server's store, the repository and
the staff API, each with its own idea of "draft". Every use case here takes a unit of work
(the :class:`UnitOfWork` protocol: ``db.uow.UnitOfWork`` with SQLAlchemy, an in-memory
fake in the tests), checks that the caller may touch the case, applies the rules and
commits. ``claims`` stays free of SQLAlchemy: the protocols say only what is needed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from claims.case import Case, Money, StageChange
from claims.stages import Stage
from claims.status import CaseStatus, is_draft

#: Escalation reasons raised from the chat.
HUMAN_REQUESTED = "customer_requested_human"
WITHDRAWN_NOTE = "withdrawn by the customer"


class CaseNotFound(LookupError):
    """No case with that reference."""


class NotYourCase(PermissionError):
    """The case belongs to another customer than the caller's."""

    def __init__(self, reference: str, identity: str) -> None:
        self.reference = reference
        self.identity = identity
        super().__init__(f"case {reference} does not belong to {identity}")


@dataclass(frozen=True, slots=True)
class CustomerCaller:
    """A customer, known by the channel identity the gateway issued (``web:<session>``)."""

    identity: str

    @property
    def actor(self) -> str:
        return "customer"


@dataclass(frozen=True, slots=True)
class StaffCaller:
    """A member of staff (``agent:<name>``): may act on any case."""

    actor: str


Caller = CustomerCaller | StaffCaller


# -- what the use cases need from storage ------------------------------------------------


class CaseHeader(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def customer_id(self) -> int | None: ...


class CustomerRef(Protocol):
    @property
    def id(self) -> int: ...


class StoredEvidence(Protocol):
    """A file already kept by the evidence store (content-addressed)."""

    @property
    def sha256(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def mime(self) -> str: ...
    @property
    def stored_name(self) -> str: ...
    @property
    def original_name(self) -> str: ...


class CaseStore(Protocol):
    """The repository methods the lifecycle uses (``db.repository.CaseRepository``)."""

    def get(self, reference: str) -> Case | None: ...
    def summary(self, reference: str) -> CaseHeader | None: ...
    def customer_for_identity(self, identity: str) -> CustomerRef | None: ...
    def get_or_create_customer(self, identity: str, *, language: str = ...) -> CustomerRef: ...
    def cases_of_customer(self, customer_id: int) -> list[str]: ...
    def find_draft_for_identity(self, identity: str) -> Case | None: ...
    def add(
        self, case: Case, *, customer_id: int | None = ..., identity: str | None = ...,
        status: str = ..., actor: str = ...,
    ) -> Case: ...
    def save(self, case: Case, *, actor: str = ...) -> None: ...
    def set_status(self, reference: str, status: str, *, actor: str) -> None: ...
    def escalate(self, reference: str, reason: str, *, actor: str = ...) -> object: ...
    def add_estimate(
        self, reference: str, *, policy_version: str, amount: Money | None,
        payload: dict[str, Any], actor: str = ...,
    ) -> object: ...
    def add_evidence(
        self, reference: str, stored: StoredEvidence, *, kind: str = ...,
        description: str = ..., channel: str | None = ..., actor: str = ...,
    ) -> object: ...
    def append_message(
        self, reference: str | None, sender: str, channel: str, text: str, *,
        customer_id: int | None = ...,
    ) -> object: ...
    def file_loose_messages(self, reference: str, identity: str) -> int: ...
    def record_csat(self, reference: str, rating: int, comment: str = ...) -> object: ...
    def audit(
        self, action: str, *, actor: str, case_reference: str | None = ...,
        customer_id: int | None = ..., details: dict[str, Any] | None = ...,
    ) -> object: ...


class UnitOfWork(Protocol):
    """``with uow: ...; uow.commit()`` — rolls back unless committed."""

    @property
    def cases(self) -> CaseStore: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...


# -- rules ---------------------------------------------------------------------------------


def check_owner(cases: CaseStore, caller: Caller, reference: str) -> CaseHeader:
    """The case's header if the caller may act on it; staff may act on every case."""
    header = cases.summary(reference)
    if header is None:
        raise CaseNotFound(reference)
    if isinstance(caller, CustomerCaller):
        customer = cases.customer_for_identity(caller.identity)
        if customer is None or header.customer_id != customer.id:
            raise NotYourCase(reference, caller.identity)
    return header


def current_case(cases: CaseStore, customer_id: int) -> str | None:
    """The case a customer's messages and uploads go to: their newest draft, else their
    newest open case, else none."""
    open_ref: str | None = None
    for reference in reversed(cases.cases_of_customer(customer_id)):
        header = cases.summary(reference)
        if header is None:
            continue
        if is_draft(header.status):
            return reference
        if header.status == CaseStatus.OPEN and open_ref is None:
            open_ref = reference
    return open_ref


def _union(first: Iterable[str], second: Iterable[str]) -> list[str]:
    return list(dict.fromkeys([*first, *second]))


def merge_draft(stored: Case, told: Case) -> Case:
    """The stored draft with the facts the chat has ``told`` so far.

    The chat knows the intake facts (they come from its slots), not what happened to the
    case meanwhile: uploaded files, escalations, stage moves and escalation signals stay.
    """
    files = [e for e in stored.evidence if e.sha256]
    described = [e for e in told.evidence if not e.sha256]
    return dataclasses.replace(
        told,
        reference=stored.reference,
        evidence=files + described,
        stage=stored.stage,
        stage_history=list(stored.stage_history),
        priority=max(stored.priority, told.priority),
        escalations=list(stored.escalations),
        mentions_litigation=stored.mentions_litigation or told.mentions_litigation,
        mentions_regulator=stored.mentions_regulator or told.mentions_regulator,
        requested_human=stored.requested_human or told.requested_human,
        vulnerable=stored.vulnerable or told.vulnerable,
        misunderstandings=max(stored.misunderstandings, told.misunderstandings),
    )


def _draft_to_update(
    cases: CaseStore, caller: CustomerCaller, reference: str | None
) -> Case | None:
    """The draft the chat's case refers to, else the caller's newest draft, else None.

    A reference to a case that is no draft any more (e.g. a submitted case looked up
    earlier) is never overwritten; a draft of another customer is refused.
    """
    if reference is not None:
        header = cases.summary(reference)
        if header is not None and is_draft(header.status):
            check_owner(cases, caller, reference)
            return cases.get(reference)
    return cases.find_draft_for_identity(caller.identity)


def _save_draft(cases: CaseStore, caller: CustomerCaller, told: Case) -> str:
    """Merge into the draft (or open one) inside the caller's unit of work."""
    raised = list(told.escalations)
    stored = _draft_to_update(cases, caller, told.reference)
    if stored is not None and stored.reference is not None:
        reference = stored.reference
        raised = [r for r in raised if r not in stored.escalations]
        cases.save(merge_draft(stored, told))
    else:
        fresh = dataclasses.replace(told, reference=None, escalations=[])
        added = cases.add(fresh, identity=caller.identity, status=CaseStatus.DRAFT)
        reference = str(added.reference)
        # The message that reported the incident was recorded before this draft existed
        # (the gateway records, then asks Rasa): the new draft adopts the customer's
        # messages since their last case.
        cases.file_loose_messages(reference, caller.identity)
    for reason in raised:
        cases.escalate(reference, reason, actor="bot")
    told.reference = reference
    return reference


# -- use cases -----------------------------------------------------------------------------


def save_draft(uow: UnitOfWork, caller: CustomerCaller, told: Case) -> str:
    """Create or update the caller's draft with what the chat was told; its reference.

    Escalations on ``told`` (raised by the chat) are added; none already open is resolved.
    """
    with uow:
        reference = _save_draft(uow.cases, caller, told)
        uow.commit()
    return reference


def submit(
    uow: UnitOfWork, caller: CustomerCaller, told: Case, *, estimate: dict[str, Any],
    policy_version: str, expected: Money | None, escalation_reasons: Iterable[str],
) -> str:
    """Save the draft and file it (status open) with its estimate and escalations, at once."""
    with uow:
        reference = _save_draft(uow.cases, caller, told)
        uow.cases.add_estimate(
            reference, policy_version=policy_version, amount=expected, payload=estimate
        )
        for reason in escalation_reasons:
            uow.cases.escalate(reference, reason, actor="bot")
        uow.cases.set_status(reference, CaseStatus.OPEN, actor="bot")
        uow.commit()
    return reference


def withdraw(uow: UnitOfWork, caller: CustomerCaller, at: datetime) -> str | None:
    """Withdraw the caller's draft (kept, closed, for the audit trail); its reference."""
    with uow:
        case = uow.cases.find_draft_for_identity(caller.identity)
        if case is None or case.reference is None:
            return None
        case.move_to(Stage.WITHDRAWN, at, WITHDRAWN_NOTE)
        uow.cases.save(case, actor=caller.actor)
        uow.commit()
        return case.reference


def request_person(
    uow: UnitOfWork, caller: Caller, reference: str, *, reason: str = HUMAN_REQUESTED,
    actor: str | None = None,
) -> None:
    """Put the case in the staff queue for ``reason`` (once per open reason)."""
    with uow:
        check_owner(uow.cases, caller, reference)
        uow.cases.escalate(reference, reason, actor=actor or caller.actor)
        uow.commit()


def rate(
    uow: UnitOfWork, caller: CustomerCaller, reference: str, rating: int, comment: str
) -> None:
    """Keep the customer's satisfaction rating (1-5) on their own case."""
    with uow:
        check_owner(uow.cases, caller, reference)
        uow.cases.record_csat(reference, rating, comment)
        uow.commit()


def move_stage(
    uow: UnitOfWork, caller: Caller, reference: str, stage: Stage | str, note: str,
    at: datetime,
) -> StageChange:
    """Move the case along the stage graph (``InvalidTransition`` / ``ValueError`` if the
    graph or the reason rules refuse); the status follows (a closing stage closes it)."""
    with uow:
        check_owner(uow.cases, caller, reference)
        case = uow.cases.get(reference)
        if case is None:
            raise CaseNotFound(reference)
        before = case.stage.value
        change = case.move_to(stage, at, note)
        uow.cases.audit(
            "stage_changed", actor=caller.actor, case_reference=reference,
            details={"from": before, "to": change.stage.value, "note": note},
        )
        uow.cases.save(case, actor=caller.actor)
        uow.commit()
    return change


def attach_evidence(
    uow: UnitOfWork, caller: CustomerCaller, stored: StoredEvidence, *, kind: str,
    description: str, channel: str, language: str,
) -> str:
    """Put an uploaded file on the caller's current case (a new draft if none); its ref."""
    with uow:
        customer = uow.cases.get_or_create_customer(caller.identity, language=language)
        reference = current_case(uow.cases, customer.id)
        if reference is None:
            added = uow.cases.add(Case(language=language), customer_id=customer.id,
                                  actor=caller.actor)  # fmt: skip
            reference = str(added.reference)
        uow.cases.add_evidence(
            reference, stored, kind=kind, description=description, channel=channel
        )
        uow.commit()
    return reference


def record_message(
    uow: UnitOfWork, caller: CustomerCaller, sender: str, channel: str, text: str, *,
    language: str,
) -> str | None:
    """Keep one chat message (sender: customer, bot, agent, system) on the caller's
    current case, or on the customer alone until a draft adopts it; the case's ref."""
    with uow:
        customer = uow.cases.get_or_create_customer(caller.identity, language=language)
        reference = current_case(uow.cases, customer.id)
        uow.cases.append_message(reference, sender, channel, text, customer_id=customer.id)
        uow.commit()
    return reference
