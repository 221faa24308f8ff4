"""Talks to Rasa through our gateway channel; the only place that knows its URL shape.

Rasa's open REST channel is off: ``channels/gateway.py`` accepts a message only with the
shared secret in ``X-Gateway-Secret``, so only the gateway can speak for a customer.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)

WEBHOOK = "/webhooks/gateway/webhook"
#: The header channels/gateway.py checks (the two sides share only this name and the secret).
SECRET_HEADER = "X-Gateway-Secret"


class RasaUnavailable(RuntimeError):
    """Rasa did not answer; the caller apologises and the message is kept."""


class RasaClient:
    def __init__(self, base_url: str, timeout: float = 30.0, secret: str = "") -> None:
        headers = {SECRET_HEADER: secret} if secret else {}
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout, headers=headers)

    async def send(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Send one customer message; returns Rasa's bot messages (text, buttons, custom)."""
        payload = {"sender": sender, "message": text, "metadata": metadata or {}}
        try:
            response = await self._client.post(WEBHOOK, json=payload)
            if response.status_code == 401:
                # Kept and retried like an outage, but said plainly: it is a configuration error.
                log.error("Rasa refused the gateway: GATEWAY_RASA_SECRET differs from Rasa's")
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
