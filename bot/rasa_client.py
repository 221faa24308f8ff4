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

#: Metadata field carrying a customer message's idempotency key (bot/outbox.py); Rasa
#: keeps metadata on the user event, so the tracker says whether a message arrived.
KEY_FIELD = "message_id"
#: Failures that happen before Rasa could read the request: safe to send again.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class RasaUnavailable(RuntimeError):
    """Rasa did not answer; the caller apologises and the message is kept."""


class RasaMaybeDelivered(RasaUnavailable):
    """The request went out but no answer came back (read timeout, connection dropped):
    Rasa may have the message, so it must not simply be sent again (see bot/outbox.py)."""


#: Connections to Rasa kept open between messages. httpx keeps 20 idle ones by default, so
#: in a burst of 50 customers every round opened 30 new connections for Rasa to accept.
#: Idle ones are dropped after 30 s, well before Rasa closes them (its keep-alive is 120 s).
POOL = httpx.Limits(max_connections=200, max_keepalive_connections=200, keepalive_expiry=30)


class RasaClient:
    def __init__(
        self, base_url: str, timeout: float = 30.0, secret: str = "", token: str | None = None
    ) -> None:
        """``secret``: the gateway channel's; ``token``: Rasa's HTTP API token (tracker)."""
        headers = {SECRET_HEADER: secret} if secret else {}
        self._token = token
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
                raise RasaUnavailable("Rasa refused the gateway secret")  # it never read it
            response.raise_for_status()
        except _NOT_SENT as exc:
            raise RasaUnavailable(str(exc)) from exc
        except httpx.HTTPError as exc:
            raise RasaMaybeDelivered(f"{type(exc).__name__}: {exc}") from exc
        data = response.json()
        return data if isinstance(data, list) else []

    async def replies_to(self, sender: str, key: str) -> list[dict[str, Any]] | None:
        """Rasa's answers to the message whose ``metadata.message_id`` is ``key``, read
        from the tracker; None when the tracker has no such message (it never arrived)."""
        params = {"token": self._token} if self._token else {}
        try:
            response = await self._client_for(sender).get(
                f"/conversations/{sender}/tracker", params=params
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc)) from exc
        return replies_after(sender, response.json().get("events") or [], key)

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


def replies_after(
    sender: str, events: list[dict[str, Any]], key: str
) -> list[dict[str, Any]] | None:
    """The bot messages between the user event carrying ``key`` and the next user event,
    shaped like the REST channel's answer; None when no user event carries ``key``."""
    found = False
    replies: list[dict[str, Any]] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            if found:
                break
            found = (event.get("metadata") or {}).get(KEY_FIELD) == key
        elif found and kind == "bot":
            data = event.get("data") or {}
            message = {"recipient_id": sender, "text": event.get("text"), **data}
            replies.append({k: v for k, v in message.items() if v is not None})
    return replies if found else None
