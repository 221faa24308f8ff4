"""An in-memory unit of work for the lifecycle use cases (cosmicpython's FakeUnitOfWork).

Why: every rule of ``claims.lifecycle`` can be tested in microseconds without a database.
It keeps what ``db.repository.CaseRepository`` keeps, the way it keeps it (open escalations
come back on the case, a stage move changes the status, a save resolves escalations the
case no longer lists), and rolls back unless committed. The db tests check the real one.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from claims.case import Case, EvidenceRef, Money
from claims.lifecycle import CaseNotFound, StoredEvidence
from claims.status import CaseStatus, status_after_stage


@dataclass(frozen=True, slots=True)
class FakeCustomer:
    id: int


@dataclass(frozen=True, slots=True)
class FakeHeader:
    status: str
    customer_id: int | None


@dataclass(slots=True)
class FakeEscalation:
    reason: str
    actor: str
    resolved: bool = False


@dataclass(slots=True)
class FakeMessage:
    reference: str | None
    customer_id: int | None
    sender: str
    channel: str
    text: str


@dataclass(slots=True)
class StoredCase:
    case: Case
    status: str
    customer_id: int | None
    escalations: list[FakeEscalation] = field(default_factory=list)
    estimates: list[dict[str, Any]] = field(default_factory=list)

    def open_reasons(self) -> list[str]:
        return [e.reason for e in self.escalations if not e.resolved]


@dataclass(slots=True)
class FakeState:
    cases: dict[str, StoredCase] = field(default_factory=dict)
    identities: dict[str, int] = field(default_factory=dict)
    messages: list[FakeMessage] = field(default_factory=list)
    audit: list[tuple[str, str, str | None, dict[str, Any]]] = field(default_factory=list)


class FakeCaseStore:
    """The ``claims.lifecycle.CaseStore`` methods over a :class:`FakeState`."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    def _stored(self, reference: str) -> StoredCase:
        if reference not in self.state.cases:
            raise CaseNotFound(reference)
        return self.state.cases[reference]

    # -- reading ---------------------------------------------------------------------

    def get(self, reference: str) -> Case | None:
        stored = self.state.cases.get(reference)
        if stored is None:
            return None
        case = copy.deepcopy(stored.case)
        case.escalations = stored.open_reasons()
        return case

    def summary(self, reference: str) -> FakeHeader | None:
        stored = self.state.cases.get(reference)
        return None if stored is None else FakeHeader(stored.status, stored.customer_id)

    def customer_for_identity(self, identity: str) -> FakeCustomer | None:
        found = self.state.identities.get(identity)
        return None if found is None else FakeCustomer(found)

    def get_or_create_customer(self, identity: str, *, language: str = "zh") -> FakeCustomer:
        if identity not in self.state.identities:
            self.state.identities[identity] = len(set(self.state.identities.values())) + 1
        return FakeCustomer(self.state.identities[identity])

    def cases_of_customer(self, customer_id: int) -> list[str]:
        return [r for r, s in self.state.cases.items() if s.customer_id == customer_id]

    def find_draft_for_identity(self, identity: str) -> Case | None:
        customer = self.customer_for_identity(identity)
        if customer is None:
            return None
        drafts = [r for r in self.cases_of_customer(customer.id)
                  if self.state.cases[r].status == CaseStatus.DRAFT]  # fmt: skip
        return self.get(drafts[-1]) if drafts else None

    # -- writing ---------------------------------------------------------------------

    def add(
        self, case: Case, *, customer_id: int | None = None, identity: str | None = None,
        status: str = CaseStatus.DRAFT, actor: str = "bot",
    ) -> Case:
        if identity is not None and customer_id is None:
            customer_id = self.get_or_create_customer(identity).id
        if case.reference is None:
            case.reference = f"CLM-TEST-{len(self.state.cases) + 1:06d}"
        stored = StoredCase(copy.deepcopy(case), CaseStatus(status).value, customer_id)
        stored.escalations = [FakeEscalation(r, actor) for r in case.escalations]
        self.state.cases[case.reference] = stored
        self.audit("case_created", actor=actor, case_reference=case.reference)
        return case

    def save(self, case: Case, *, actor: str = "bot") -> None:
        if case.reference is None:
            raise ValueError("save() needs a case with a reference; use add()")
        stored = self._stored(case.reference)
        stored.status = status_after_stage(stored.status, stored.case.stage, case.stage).value
        for e in stored.escalations:
            if not e.resolved and e.reason not in case.escalations:
                e.resolved = True
        for reason in case.escalations:
            if reason not in stored.open_reasons():
                stored.escalations.append(FakeEscalation(reason, actor))
        stored.case = copy.deepcopy(case)
        self.audit("case_updated", actor=actor, case_reference=case.reference)

    def set_status(self, reference: str, status: str, *, actor: str) -> None:
        self._stored(reference).status = CaseStatus(status).value
        self.audit("status_changed", actor=actor, case_reference=reference)

    def escalate(self, reference: str, reason: str, *, actor: str = "bot") -> FakeEscalation:
        stored = self._stored(reference)
        for e in stored.escalations:
            if e.reason == reason and not e.resolved:
                return e
        stored.escalations.append(FakeEscalation(reason, actor))
        self.audit("escalated", actor=actor, case_reference=reference)
        return stored.escalations[-1]

    def add_estimate(
        self, reference: str, *, policy_version: str, amount: Money | None,
        payload: dict[str, Any], actor: str = "bot",
    ) -> None:
        self._stored(reference).estimates.append(
            {"policy_version": policy_version, "amount": amount, "payload": payload}
        )

    def add_evidence(
        self, reference: str, stored: StoredEvidence, *, kind: str = "other",
        description: str = "", channel: str | None = None, actor: str = "customer",
    ) -> None:
        case = self._stored(reference).case
        ref = EvidenceRef(kind, description, stored.sha256, stored.original_name)  # type: ignore[arg-type]
        case.evidence.append(ref)

    def append_message(
        self, reference: str | None, sender: str, channel: str, text: str, *,
        customer_id: int | None = None,
    ) -> None:
        if reference is not None:
            customer_id = self._stored(reference).customer_id
        self.state.messages.append(FakeMessage(reference, customer_id, sender, channel, text))

    def file_loose_messages(self, reference: str, identity: str) -> int:
        customer = self.customer_for_identity(identity)
        if customer is None:
            return 0
        mine = [m for m in self.state.messages if m.customer_id == customer.id]
        filed = [i for i, m in enumerate(mine) if m.reference not in (None, reference)]
        loose = [m for m in mine[(filed[-1] + 1 if filed else 0):] if m.reference is None]
        for m in loose:
            m.reference = reference
        return len(loose)

    def record_csat(self, reference: str, rating: int, comment: str = "") -> None:
        self.state.audit.append(("csat", "customer", reference, {"rating": rating}))

    def audit(
        self, action: str, *, actor: str, case_reference: str | None = None,
        customer_id: int | None = None, details: dict[str, Any] | None = None,
    ) -> None:
        self.state.audit.append((action, actor, case_reference, dict(details or {})))


class FakeUnitOfWork:
    """``with uow: ...; uow.commit()`` over one shared :class:`FakeState`."""

    def __init__(self, state: FakeState | None = None) -> None:
        self.state = state or FakeState()
        self.commits = 0
        self._before: FakeState | None = None
        self._committed = False

    @property
    def cases(self) -> FakeCaseStore:
        return FakeCaseStore(self.state)

    def __enter__(self) -> Self:
        self._before = copy.deepcopy(self.state)
        self._committed = False
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if (not self._committed or exc_type is not None) and self._before is not None:
            for f in dataclasses.fields(FakeState):  # roll back in place: state is shared
                setattr(self.state, f.name, getattr(self._before, f.name))
        self._before = None

    def commit(self) -> None:
        self._committed = True
        self.commits += 1
