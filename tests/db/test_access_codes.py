"""The one-time code store (db/access_codes.py) on SQLite and PostgreSQL: hashed codes,
ten minutes, exact matches, five attempts per identity and per reference, a lockout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.access_codes import AccessCodes, Outcome, code_in, grant_identity
from db.models import AccessCodeRow
from db.uow import UnitOfWork

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
REF = "CLM-2026-7K3QX9"
WHO = "web:someone"


def issue(factory: sessionmaker[Session], identity: str = WHO, ref: str = REF,
          at: datetime = T0) -> str:  # fmt: skip
    with factory() as session:
        code = AccessCodes(session).issue(identity, ref, at)
        session.commit()
    return code


def check(factory: sessionmaker[Session], code: str, identity: str = WHO, ref: str = REF,
          at: datetime = T0) -> Outcome:  # fmt: skip
    with factory() as session:
        outcome = AccessCodes(session).check(identity, ref, code, at)
        session.commit()
    return outcome


def other_than(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_the_code_opens_once_and_only_its_hash_is_kept(
    session_factory: sessionmaker[Session],
) -> None:
    code = issue(session_factory)
    with session_factory() as session:
        stored = session.execute(select(AccessCodeRow.code_hash)).scalars().all()
    assert len(stored) == 1 and code not in stored[0] and stored[0].startswith("scrypt$")
    assert check(session_factory, code, at=T0 + timedelta(minutes=9)) is Outcome.GRANTED
    assert check(session_factory, code, at=T0 + timedelta(minutes=9)) is Outcome.WRONG


def test_a_code_expires_after_ten_minutes(session_factory: sessionmaker[Session]) -> None:
    code = issue(session_factory)
    assert check(session_factory, code, at=T0 + timedelta(minutes=10)) is Outcome.WRONG


def test_a_code_is_for_its_identity_and_reference_only(
    session_factory: sessionmaker[Session],
) -> None:
    code = issue(session_factory)
    assert check(session_factory, code, identity="tg:1") is Outcome.WRONG
    assert check(session_factory, code, ref="CLM-2026-000001") is Outcome.WRONG
    assert check(session_factory, code) is Outcome.GRANTED


def test_a_new_request_replaces_the_old_code(session_factory: sessionmaker[Session]) -> None:
    first = issue(session_factory)
    second = issue(session_factory, at=T0 + timedelta(minutes=1))
    if first != second:
        assert check(session_factory, first, at=T0 + timedelta(minutes=2)) is Outcome.WRONG
    assert check(session_factory, second, at=T0 + timedelta(minutes=2)) is Outcome.GRANTED


def test_five_attempts_lock_the_identity_for_thirty_minutes(
    session_factory: sessionmaker[Session],
) -> None:
    code = issue(session_factory)  # 1
    for _ in range(3):  # 2-4
        assert check(session_factory, other_than(code)) is Outcome.WRONG
    assert check(session_factory, other_than(code)) is Outcome.LOCKED  # 5
    assert check(session_factory, code) is Outcome.LOCKED
    with session_factory() as session:
        codes = AccessCodes(session)
        assert codes.is_locked(WHO, "CLM-2026-ANYONE", T0)  # the identity, on any case
        assert codes.is_locked("tg:2", REF, T0)  # and the case, for anyone
        assert not codes.is_locked("tg:2", "CLM-2026-ANYONE", T0)
        later = T0 + timedelta(minutes=30)
        assert not codes.is_locked(WHO, REF, later)


def test_requests_count_too_also_for_references_that_do_not_exist(
    session_factory: sessionmaker[Session],
) -> None:
    for n in range(5):
        issue(session_factory, ref=f"CLM-2026-{n:06d}")
    with session_factory() as session:
        assert AccessCodes(session).is_locked(WHO, "CLM-2026-000999", T0)


def test_only_one_standalone_six_digit_group_is_a_code() -> None:
    assert code_in("验证码 123456") == "123456"
    assert code_in("123456") == "123456"
    assert code_in("1234567") is None
    assert code_in("123456 654321") is None
    assert code_in("12345") is None
    assert code_in("".join(str(n % 10) for n in range(2000))) is None


def test_a_granted_identity_moves_to_the_cases_customer(
    session_factory: sessionmaker[Session],
) -> None:
    with UnitOfWork(session_factory) as uow:
        owner = uow.cases.get_or_create_customer("web:owner")
        asking = uow.cases.get_or_create_customer(WHO)  # the gateway recorded a message
        assert owner.id != asking.id
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        grant_identity(uow.session, WHO, owner.id)
        grant_identity(uow.session, "tg:77", owner.id)
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        for identity in (WHO, "tg:77"):
            found = uow.cases.customer_for_identity(identity)
            assert found is not None and found.id == owner.id


def test_forgetting_an_identity_drops_its_codes_and_attempts(
    session_factory: sessionmaker[Session],
) -> None:
    issue(session_factory)
    issue(session_factory, identity="tg:9")
    with session_factory() as session:
        AccessCodes(session).forget_identity(WHO)
        session.commit()
    with session_factory() as session:
        left = session.execute(select(AccessCodeRow.identity)).scalars().all()
        assert left == ["tg:9"]
        assert not AccessCodes(session).is_locked(WHO, "CLM-2026-OTHER2", T0)
