"""Deletion reaches Rasa's tracker store (issue 16 item 5), on a real SQL tracker table.

Rasa's SQLTrackerStore only appends events, so what a customer said stays in its
``events`` table after they deleted their data, and the slots kept there write the
description back into the next draft. The gateway erases the sender's rows once Rasa
says ``data_deleted`` (after the turn was saved).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from bot.hub import ConversationHub
from bot.tracker_eraser import TrackerEraser
from bot.transcript import Transcript
from tests.bot import test_outbox
from tests.bot.fake_telegram import FakeRasa

sessions = test_outbox.sessions  # the fixture: a migrated SQLite case database

#: The table as Rasa 3.6's SQLTrackerStore creates it (rasa/core/tracker_store.py).
EVENTS = (
    "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
    "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
    "action_name VARCHAR(255), data TEXT)"
)


def tracker_db(path: Path) -> Path:
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text(EVENTS))
        for sender in ("web:gone1234", "web:gone1234", "web:stay1234"):
            conn.execute(
                text("INSERT INTO events (sender_id, type_name, data) VALUES (:s, 'user', :d)"),
                {"s": sender, "d": '{"text": "our payroll data leaked"}'},
            )
    engine.dispose()
    return path


def senders_left(path: Path) -> list[str]:
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT sender_id FROM events ORDER BY id")).scalars()
        found = [str(r) for r in rows]
    engine.dispose()
    return found


async def test_deleting_data_erases_the_senders_tracker_events(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tracker_db(tmp_path / "tracker.db")
    rasa = FakeRasa()
    hub = ConversationHub(rasa, Transcript(sessions), eraser=TrackerEraser(str(path)))
    rasa.replies.append([{"text": "Your data is deleted."}, {"custom": {"type": "data_deleted"}}])
    await hub.handle_customer_text("web:gone1234", "yes, delete everything", {"language": "en"})
    assert senders_left(path) == ["web:stay1234"]
    assert hub.language("web:gone1234") == "zh"  # nothing of the chat is kept in memory


async def test_other_answers_erase_nothing(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = tracker_db(tmp_path / "tracker.db")
    hub = ConversationHub(FakeRasa(), Transcript(sessions), eraser=TrackerEraser(str(path)))
    await hub.handle_customer_text("web:gone1234", "hello")
    assert senders_left(path) == ["web:gone1234", "web:gone1234", "web:stay1234"]
