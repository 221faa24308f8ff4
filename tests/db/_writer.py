"""Child process of the concurrency test: adds loss items to one case via update_case."""

from __future__ import annotations

import sys
from collections.abc import Callable
from decimal import Decimal

from claims.case import Case, LossItem, LossKind, Money
from db.engine import make_engine, make_session_factory
from db.uow import UnitOfWork, update_case


def bump(tag: str, i: int) -> Callable[[Case, UnitOfWork], None]:
    def change(case: Case, uow: UnitOfWork) -> None:
        case.people_idle += 1
        case.losses.append(LossItem(LossKind.OTHER, Money(Decimal(1), "CNY"), f"{tag}-{i}"))

    return change


def main() -> None:
    url, reference, tag, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    engine = make_engine(url)
    factory = make_session_factory(engine)
    for i in range(count):
        update_case(factory, reference, bump(tag, i), actor=tag)
    engine.dispose()


if __name__ == "__main__":
    main()
