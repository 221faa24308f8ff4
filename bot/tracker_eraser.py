"""Erase one conversation from Rasa's SQL tracker store, after a customer deleted their data.

Why directly in the table: Rasa's ``SQLTrackerStore.save`` only appends the events it has
not stored yet, so replacing or restarting a conversation through Rasa's HTTP API leaves
every old event (the description, the contact slots) in the ``events`` table. Deleting
the rows of the sender is the only way the words really go; the next message then starts
an empty tracker, so no leftover slot can write the description back.

Why the gateway: it runs after Rasa saved the deletion turn (erasing from inside an
action would be undone when Rasa saves the turn's events behind it).
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, text


def tracker_url(tracker_db: str) -> str:
    """``TRACKER_DB`` as a SQLAlchemy URL: a URL as it is, else a SQLite file path."""
    return tracker_db if "://" in tracker_db else f"sqlite:///{tracker_db}"


class TrackerEraser:
    """Deletes a sender's events; synchronous, call it off the event loop."""

    def __init__(self, tracker_db: str) -> None:
        self._url = tracker_url(tracker_db)
        self._engine: Engine | None = None

    def erase(self, sender: str) -> int:
        """Delete every stored event of ``sender``; returns how many rows went."""
        if self._engine is None:
            self._engine = create_engine(self._url)
        with self._engine.begin() as conn:
            result = conn.execute(text("DELETE FROM events WHERE sender_id = :s"), {"s": sender})
            return int(result.rowcount or 0)

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
