"""Issue 16, item 5 end to end: "delete my data" reaches Rasa's tracker store and the case
database, and the next message starts a conversation with nothing left of the old one.

The request and its confirmation are the buttons' payloads, so the test does not depend on
how a given model hears "delete my data".
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from pathlib import Path

import pytest

from tests.integration.stack import Stack

pytestmark = pytest.mark.integration

REPORT = "Our payment page was down yesterday from 9 to 11 and we lost about 500 dollars."


def tracker_rows(stack: Stack, sender: str) -> int:
    with sqlite3.connect(Path(stack.env()["TRACKER_DB"])) as db:
        return int(db.execute("SELECT count(*) FROM events WHERE sender_id = ?",
                              (sender,)).fetchone()[0])  # fmt: skip


def told_anywhere(stack: Stack, sender: str) -> int:
    """Rows of the case database that still hold the report or the sender id."""
    path = stack.env()["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        cases = db.execute("SELECT count(*) FROM cases WHERE description LIKE ?",
                           ("%payment page%",)).fetchone()[0]  # fmt: skip
        channel, _, external = sender.partition(":")
        ids = db.execute(
            "SELECT count(*) FROM channel_identities WHERE channel = ? AND external_id = ?",
            (channel, external),
        ).fetchone()[0]
    return int(cases) + int(ids)


def test_delete_my_data_erases_the_tracker_and_the_case(stack: Stack) -> None:
    session = uuid.uuid4().hex
    sender = stack.sender(session)
    stack.say(session, REPORT)
    assert tracker_rows(stack, sender) > 0 and told_anywhere(stack, sender) > 0
    assert stack.tracker(sender)["slots"].get("description")

    stack.say(session, "Delete my data", payload="/delete_data")
    stack.say(session, "Yes", payload="/affirm")
    deadline = time.monotonic() + 30
    while tracker_rows(stack, sender) and time.monotonic() < deadline:
        time.sleep(0.5)  # the gateway erases the rows once Rasa has saved the turn
    assert tracker_rows(stack, sender) == 0
    assert told_anywhere(stack, sender) == 0

    stack.say(session, "hello")
    slots = stack.tracker(sender)["slots"]
    assert not slots.get("description") and not slots.get("case_reference")
