"""Talks to Rasa through our gateway channel; the only place that knows its URL shape.

Rasa's open REST channel is off: ``channels/gateway.py`` accepts a message only with the
shared secret in ``X-Gateway-Secret``, so only the gateway can speak for a customer.

``RASA_URL`` may name several Rasa servers, comma-separated. Each conversation then always
goes to the same one (a stable hash of the sender), so each server may keep its own tracker
store and in-memory lock store and a burst uses more than one core (docs/performance.md).
"""

from __future__ import annotations

import logging
import zlib
from typing import Any

import httpx

log = logging.getLogger(__name__)

WEBHOOK = "/webhooks/gateway/webhook"
#: The header channels/gateway.py checks (the two sides share only this name and the secret).
SECRET_HEADER = "X-Gateway-Secret"


class RasaUnavailable(RuntimeError):
    """Rasa did not answer; the caller apologises and the message is kept."""


#: Connections to Rasa kept open between messages. httpx keeps 20 idle ones by default, so
#: in a burst of 50 customers every round opened 30 new connections for Rasa to accept.
#: Idle ones are dropped after 30 s, well before Rasa closes them (its keep-alive is 120 s).
POOL = httpx.Limits(max_connections=200, max_keepalive_connections=200, keepalive_expiry=30)


class RasaClient:
    def __init__(self, base_url: str, timeout: float = 30.0, secret: str = "") -> None:
        headers = {SECRET_HEADER: secret} if secret else {}
        urls = [url.strip() for url in base_url.split(",") if url.strip()]
        self._clients = [
            httpx.AsyncClient(base_url=url, timeout=timeout, headers=headers, limits=POOL)
            for url in urls
        ]
        if not self._clients:
            raise ValueError("RASA_URL names no Rasa server")

    def _client_for(self, sender: str) -> httpx.AsyncClient:
        """The server this conversation lives on: the same one for every message."""
        return self._clients[zlib.crc32(sender.encode()) % len(self._clients)]

    async def send(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Send one customer message; returns Rasa's bot messages (text, buttons, custom)."""
        payload = {"sender": sender, "message": text, "metadata": metadata or {}}
        try:
            response = await self._client_for(sender).post(WEBHOOK, json=payload)
            if response.status_code == 401:
                # Kept and retried like an outage, but said plainly: it is a configuration error.
                log.error("Rasa refused the gateway: GATEWAY_RASA_SECRET differs from Rasa's")
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc)) from exc
        data = response.json()
        return data if isinstance(data, list) else []

    async def ready(self) -> bool:
        """Every Rasa server answers."""
        for client in self._clients:
            try:
                response = await client.get("/")
            except httpx.HTTPError:
                return False
            if response.status_code != 200:
                return False
        return True

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()
