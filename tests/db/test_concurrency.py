"""Concurrent writers on one case never lose an update (threads and two OS processes)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from claims.case import Case, LossItem, LossKind, Money
from db.uow import UnitOfWork, update_case

ROOT = Path(__file__).resolve().parents[2]


def _new_case(factory: sessionmaker[Session]) -> str:
    with UnitOfWork(factory) as uow:
        ref = uow.cases.add(Case()).reference
        uow.commit()
    assert ref is not None
    return ref


def _check(factory: sessionmaker[Session], ref: str, expected: int, tags: set[str]) -> None:
    with UnitOfWork(factory) as uow:
        case = uow.cases.get(ref)
        summary = uow.cases.summary(ref)
    assert case is not None and summary is not None
    assert case.people_idle == expected
    assert len(case.losses) == expected
    assert {x.description.split("-")[0] for x in case.losses} == tags
    assert len({x.description for x in case.losses}) == expected
    assert summary.version == expected + 1


def test_threads_never_lose_updates(session_factory: sessionmaker[Session]) -> None:
    ref = _new_case(session_factory)
    errors: list[BaseException] = []

    def worker(tag: str) -> None:
        try:
            for i in range(8):

                def change(case: Case, uow: UnitOfWork, i: int = i) -> None:
                    case.people_idle += 1
                    case.losses.append(
                        LossItem(LossKind.OTHER, Money(Decimal(1), "CNY"), f"{tag}-{i}")
                    )

                update_case(session_factory, ref, change, actor=tag)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"t{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    _check(session_factory, ref, 32, {"t0", "t1", "t2", "t3"})


def test_two_processes_never_lose_updates(
    db_url: str, session_factory: sessionmaker[Session]
) -> None:
    ref = _new_case(session_factory)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.db._writer", db_url, ref, tag, "10"],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("p1", "p2")
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    _check(session_factory, ref, 20, {"p1", "p2"})


def test_concurrent_references_are_unique(session_factory: sessionmaker[Session]) -> None:
    refs: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(5):
            with UnitOfWork(session_factory) as uow:
                ref = uow.cases.add(Case()).reference
                uow.commit()
            with lock:
                refs.append(str(ref))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(refs) == 20
    assert len(set(refs)) == 20


def test_get_for_update_serialises_writers(session_factory: sessionmaker[Session]) -> None:
    ref = _new_case(session_factory)
    locked = threading.Event()
    seen: list[int] = []

    def first() -> None:
        with UnitOfWork(session_factory) as uow:
            case = uow.cases.get_for_update(ref)
            assert case is not None
            locked.set()
            threading.Event().wait(0.3)  # hold the lock while the other one asks for it
            case.people_idle = 7
            uow.cases.save(case)
            uow.commit()

    def second() -> None:
        locked.wait(10)
        with UnitOfWork(session_factory) as uow:
            case = uow.cases.get_for_update(ref)
            assert case is not None
            seen.append(case.people_idle)
            case.people_idle += 1
            uow.cases.save(case)
            uow.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert seen == [7]
    with UnitOfWork(session_factory) as uow:
        case = uow.cases.get(ref)
    assert case is not None and case.people_idle == 8
