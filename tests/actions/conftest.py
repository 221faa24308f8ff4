"""Fixtures of the action tests: the merged domain, hand-built trackers, a fresh case DB.

In the style of RasaHQ/financial-demo: a `rasa_sdk.Tracker` is built by hand the way the
Rasa server sends it (sender id, slots with their initial values, the latest message, the
events ending in a timestamped `user` event, the active loop), the action runs with a
`CollectingDispatcher`, and the test asserts the exact events and messages. Every test gets
its own migrated SQLite file (a copy of one migrated per session) and evidence folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions import store
from actions.common import policy
from db.engine import make_engine
from db.migrate import upgrade
from db.models import CaseRow
from db.uow import UnitOfWork
from understanding.case_slots import case_from_slots

ROOT = Path(__file__).resolve().parents[2]
SH = ZoneInfo("Asia/Shanghai")
#: When the customer sent the latest message (the `user` event's timestamp).
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=SH)
SENDER = "web:abc"
D20 = "2026-11-20T{}:00+08:00"

# Keys every CollectingDispatcher message has; `said()` drops them when empty.
_DEFAULT_KEYS = ("text", "buttons", "elements", "custom", "template", "response", "image",
                 "attachment")  # fmt: skip


def load_domain() -> DomainDict:
    """domain/*.yml merged the way Rasa merges a domain directory (file order)."""
    merged: dict[str, Any] = {"responses": {}, "slots": {}, "forms": {}, "intents": [],
                              "entities": [], "actions": []}  # fmt: skip
    for path in sorted((ROOT / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in ("responses", "slots", "forms"):
            merged[key].update(part.get(key) or {})
        for key in ("intents", "entities", "actions"):
            merged[key].extend(part.get(key) or [])
        if "session_config" in part:
            merged["session_config"] = part["session_config"]
    return merged


@pytest.fixture(scope="session")
def domain() -> DomainDict:
    return load_domain()


def initial_slots(domain: DomainDict) -> dict[str, Any]:
    slots = {name: spec.get("initial_value") for name, spec in domain["slots"].items()}
    slots["requested_slot"] = None
    return slots


def tracker(
    domain: DomainDict,
    text: str = "",
    *,
    intent: str | None = None,
    entities: Sequence[Mapping[str, Any]] = (),
    slots: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    active_loop: str | None = None,
    requested_slot: str | None = None,
    sender_id: str = SENDER,
    before: Sequence[Mapping[str, Any]] = (),
    after: Sequence[Mapping[str, Any]] = (),
    at: datetime = NOW,
) -> Tracker:
    """A tracker as the Rasa server sends it right after the user said `text`.

    `before` are events of earlier turns; `after` are events this turn already produced
    (e.g. the SlotSet events of `action_validate_slot_mappings`).
    """
    values = initial_slots(domain)
    values.update(slots or {})
    if requested_slot is not None:
        values["requested_slot"] = requested_slot
    latest: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.97} if intent else {},
        "entities": [dict(e) for e in entities],
        "metadata": dict(metadata or {}),
        "intent_ranking": [{"name": intent, "confidence": 0.97}] if intent else [],
    }
    ts = at.timestamp()
    events: list[dict[str, Any]] = [
        {"event": "action", "name": "action_session_start", "timestamp": ts - 600},
        {"event": "session_started", "timestamp": ts - 600},
        {"event": "action", "name": "action_listen", "timestamp": ts - 600},
        *[{"timestamp": ts - 300, **e} for e in before],
        {"event": "action", "name": "action_listen", "timestamp": ts - 1},
        {"event": "user", "text": text, "parse_data": latest, "timestamp": ts,
         "input_channel": "rest", "metadata": dict(metadata or {})},  # fmt: skip
        *[{"timestamp": ts + 0.1, **e} for e in after],
    ]
    loop = {"name": active_loop} if active_loop else {}
    return Tracker(sender_id, values, latest, events, False, None, loop, "action_listen")


def said(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    """The dispatched messages without their empty default keys (and the `template` echo)."""
    out = []
    for message in dispatcher.messages:
        kept = {k: v for k, v in message.items() if k not in _DEFAULT_KEYS}
        for key in ("response", "text", "buttons", "custom", "image", "attachment"):
            if message.get(key):
                kept[key] = message[key]
        out.append(kept)
    return out


def entity(name: str, value: Any, text: str = "", start: int = 0) -> dict[str, Any]:
    raw = text or str(value)
    return {"entity": name, "value": value, "start": start, "end": start + len(raw),
            "extractor": "EntityRuler", "confidence_entity": 1.0}  # fmt: skip


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per session; each test gets a copy (fast)."""
    path = tmp_path_factory.mktemp("actions-db") / "claims.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(autouse=True)
def case_db(
    tmp_path: Path, migrated_template: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[sessionmaker[Session]]:
    """A fresh case database and evidence folder behind `actions.store` for this test."""
    path = tmp_path / "claims.db"
    shutil.copyfile(migrated_template, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("EVIDENCE_DIR", str(tmp_path / "evidence"))
    store.session_factory.cache_clear()
    factory = store.session_factory()
    yield factory
    bind = factory.kw.get("bind")
    store.session_factory.cache_clear()
    if bind is not None:
        bind.dispose()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def reference(number: int) -> str:
    """The reference of the n-th case this test created; while there is none, an old-style
    sequential one, which no new case can get (references are drawn at random now)."""
    with uow() as u:
        refs = u.session.execute(select(CaseRow.reference).order_by(CaseRow.id)).scalars().all()
    if len(refs) >= number:
        return str(refs[number - 1])
    return f"CLM-{datetime.now(UTC).year}-{number:06d}"


def seed_case(
    slots: Mapping[str, Any], *, sender_id: str = SENDER, status: str = "draft"
) -> str:
    """A case saved the way the intake saves it (optionally moved to `status`)."""
    case = case_from_slots({"language": "zh", **slots}, policy(), now=NOW)
    ref = store.save_draft(sender_id, case)
    if status != "draft":
        with UnitOfWork(store.session_factory()) as uow:
            uow.cases.set_status(ref, status, actor="test")
            uow.commit()
    return ref


def uow() -> UnitOfWork:
    return UnitOfWork(store.session_factory())
