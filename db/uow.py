"""Unit of work: one session, one transaction; rolls back unless ``commit()`` was called.

Sessions are never kept across requests: open a ``UnitOfWork`` per request/action and let
the ``with`` block close it. It is the SQLAlchemy side of ``claims.lifecycle.UnitOfWork``:
the lifecycle use cases take one and enter it themselves.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from claims.case import Case
from db.repository import CaseNotFound, CaseRepository


class UnitOfWork:
    """``with UnitOfWork(session_factory) as uow: ...; uow.commit()``."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._session: Session | None = None
        self.committed = False

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its with-block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        self._session = self._factory()
        self.cases = CaseRepository(self._session)
        self.committed = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if not self.committed or exc_type is not None:
                session.rollback()
        finally:
            session.close()
            self._session = None

    def commit(self) -> None:
        self.session.commit()
        self.committed = True

    def rollback(self) -> None:
        self.session.rollback()
        self.committed = False


#: Errors after which a whole update is simply tried again in a fresh transaction.
RETRYABLE = (StaleDataError, OperationalError)


T = TypeVar("T")


def retrying(attempt: Callable[[], T], *, what: str = "update", max_attempts: int = 50) -> T:
    """Run ``attempt`` (one whole unit of work) again while it loses to a concurrent change.

    ``attempt`` must open its own unit of work and cause no outside effects: it may run
    more than once. The version column makes a lost update impossible: the loser's UPDATE
    matches no row and is retried.
    """
    last: Exception | None = None
    for n in range(max_attempts):
        try:
            return attempt()
        except RETRYABLE as exc:
            last = exc
            time.sleep(min(0.2, 0.002 * (2 ** min(n, 7))) * random.random())
    raise RuntimeError(f"{what} kept conflicting") from last


def update_case(
    session_factory: sessionmaker[Session],
    reference: str,
    fn: Callable[[Case, UnitOfWork], Case | None],
    *,
    actor: str = "bot",
    max_attempts: int = 50,
) -> Case:
    """Load, change with ``fn(case, uow)``, save and commit; retry on a concurrent change.

    ``fn`` may be run more than once, so it must only change the case (and use ``uow``
    for writes in the same transaction), never cause outside effects.
    """

    def attempt() -> Case:
        with UnitOfWork(session_factory) as uow:
            case = uow.cases.get(reference)
            if case is None:
                raise CaseNotFound(reference)
            result = fn(case, uow)
            if result is not None:
                case = result
            uow.cases.save(case, actor=actor)
            uow.commit()
            return case

    return retrying(attempt, what=f"update of {reference}", max_attempts=max_attempts)
