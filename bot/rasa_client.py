"""Talks to Rasa's REST channel; the only place that knows its URL shape."""

from __future__ import annotations

from typing import Any

import httpx


class RasaUnavailable(RuntimeError):
    """Rasa did not answer; the caller apologises and the message is kept."""


#: Connections to Rasa kept open between messages. httpx keeps 20 idle ones by default, so
#: in a burst of 50 customers every round opened 30 new connections for Rasa to accept.
#: Idle ones are dropped after 30 s, well before Rasa closes them (its keep-alive is 120 s).
POOL = httpx.Limits(max_connections=200, max_keepalive_connections=200, keepalive_expiry=30)


class RasaClient:
    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=POOL)

    async def send(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Send one customer message; returns Rasa's bot messages (text, buttons, custom)."""
        payload = {"sender": sender, "message": text, "metadata": metadata or {}}
        try:
            response = await self._client.post("/webhooks/rest/webhook", json=payload)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc)) from exc
        data = response.json()
        return data if isinstance(data, list) else []

    async def ready(self) -> bool:
        try:
            response = await self._client.get("/")
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    async def aclose(self) -> None:
        await self._client.aclose()
