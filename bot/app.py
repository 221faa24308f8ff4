"""The gateway: every customer connection comes in here and goes to Rasa's REST channel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from bot import telegram_bridge, web
from bot.hub import build_hub
from bot.rasa_client import RasaClient
from bot.settings import GatewaySettings, get_settings
from bot.staff_api import staff_router


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.rasa = RasaClient(settings.rasa_url, settings.rasa_timeout_seconds)
        app.state.hub = await build_hub(settings, app.state.rasa)  # bot/hub.py
        app.state.telegram = await telegram_bridge.start_telegram(settings, app.state.hub)
        yield
        if app.state.telegram is not None:
            await app.state.telegram.stop()
        await app.state.hub.stop()
        await app.state.rasa.aclose()

    app = FastAPI(title="Claim-intake gateway", version="0.1.0", lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "rasa": await app.state.rasa.ready()}

    app.include_router(web.router)  # web chat: /, /widget.js, /ws, /chat/... (bot/web.py)
    app.include_router(telegram_bridge.router)  # POST /telegram/webhook (webhook mode only)
    app.include_router(staff_router(settings))  # /api (staff API), /staff console

    return app
