"""The gateway's way into Rasa: the REST channel, but only for a caller holding the secret.

Why: Rasa's built-in ``rest`` channel trusts any caller and any ``sender``, so anything that
reaches port 5005 could speak as any customer (``"sender": "tg:123", "/export_data"``).
The gateway (``bot/``) is the one that knows who a customer is; this channel refuses (401)
every request that does not carry the shared secret in the ``X-Gateway-Secret`` header,
compared in constant time. Registered in ``credentials.yml`` by its class path; Rasa loads it
from the working directory, so this is the only module of ours that imports ``rasa``.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

HEADER = "X-Gateway-Secret"
ENV_VAR = "GATEWAY_RASA_SECRET"


def secret_matches(expected: str, given: str | None) -> bool:
    """Constant-time comparison; an empty or missing secret never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


class GatewayInput(RestInput):
    """``/webhooks/gateway/webhook``: RestInput's message handling behind the shared secret."""

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError(f"the gateway channel needs a secret: set {ENV_VAR}")
        self._secret = secret

    @classmethod
    def name(cls) -> str:
        return "gateway"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GatewayInput:
        secret = str((credentials or {}).get("secret") or os.environ.get(ENV_VAR, ""))
        return cls(secret)

    def _extract_input_channel(self, req: Request) -> str:
        # The channel name is ours to say, not the caller's.
        return self.name()

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def require_secret(request: Request) -> HTTPResponse | None:
            if secret_matches(self._secret, request.headers.get(HEADER)):
                return None
            return response.json({"error": "unauthorized"}, status=401)

        return blueprint
