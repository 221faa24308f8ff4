"""The gateway's composition root: every customer connection comes in here and goes to Rasa.

Why one root: settings, the case database (and its migrations), the policy and its names,
the hub and the routers are built here once and handed to whoever needs them; no other
module of ``bot/`` reads the environment or opens a database.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import FastAPI

from bot import telegram_bridge, web
from bot.auth import AgentDirectory
from bot.body_limit import MULTIPART_OVERHEAD, BodyLimit
from bot.evidence import EvidenceIntake
from bot.hub import ConversationHub, HubConfig
from bot.rasa_client import RasaClient
from bot.rate_limit import RateLimiter
from bot.settings import GatewaySettings, get_settings
from bot.staff.console import LoginGuard
from bot.staff.notify import Notifier
from bot.staff.router import staff_router
from bot.staff.service import StaffService
from bot.staff.watcher import Announcer, HandoffWatcher
from bot.tracker_eraser import TrackerEraser
from bot.transcript import Transcript
from bot.web_sessions import WebSessions
from claims.names import Names
from claims.policy import load_policy
from db.database import Database, open_database
from db.settings import DbSettings

log = logging.getLogger(__name__)


def announcer_of(settings: GatewaySettings) -> Announcer | None:
    """The staff Telegram group to announce escalations to, when one is configured."""
    if settings.telegram_bot_token and settings.staff_telegram_chat_id:
        return Announcer(
            settings.telegram_bot_token.get_secret_value(),
            settings.staff_telegram_chat_id,
            settings.staff_console_url,
        )
    return None


def web_sessions_of(settings: GatewaySettings, database: Database) -> WebSessions:
    """The issuer of web chat tokens; without SESSION_HMAC_KEY a per-process key (sessions
    then end with the process, which `make run` avoids by writing a key into .env)."""
    key = settings.session_hmac_key
    if key is None:
        log.warning("SESSION_HMAC_KEY is not set: web sessions end when the gateway stops")
        raw = secrets.token_bytes(32)
    else:
        raw = key.get_secret_value().encode()
    return WebSessions(database.sessions, raw, timedelta(hours=settings.session_ttl_hours))


def build_hub(settings: GatewaySettings, database: Database, rasa: RasaClient) -> ConversationHub:
    """The channels' hub on the case database and evidence store (started in the lifespan)."""
    transcript = Transcript(database.sessions)
    return ConversationHub(
        rasa,
        transcript,
        HubConfig(
            max_message_chars=settings.max_message_chars,
            retry_seconds=settings.rasa_retry_seconds,
            recheck_seconds=settings.rasa_timeout_seconds,
            customer_per_minute=settings.rate_customer_per_minute,
            customer_burst=settings.rate_customer_burst,
        ),
        evidence=EvidenceIntake(database.evidence, database.sessions, transcript),
        eraser=TrackerEraser(settings.tracker_db) if settings.tracker_db else None,
    )


def create_app(
    settings: GatewaySettings | None = None, db_settings: DbSettings | None = None
) -> FastAPI:
    """Wire the gateway; migrations run and the hub starts when the app starts."""
    settings = settings or get_settings()
    directory = AgentDirectory.from_settings(settings)  # refuses placeholder tokens first
    database = open_database(db_settings or DbSettings())
    names = Names(load_policy())
    secret, token = settings.gateway_rasa_secret, settings.rasa_token
    rasa = RasaClient(
        settings.rasa_url,
        settings.rasa_timeout_seconds,
        secret.get_secret_value() if secret else "",
        token=token.get_secret_value() if token is not None else None,
    )
    hub = build_hub(settings, database, rasa)
    staff = StaffService(database.sessions, database.evidence, names, Notifier(hub))
    watcher = HandoffWatcher(staff, settings.handoff_timeout_seconds, announcer_of(settings))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A fresh gateway can write transcripts before the action server ever touched
        # the database; Alembic is synchronous, so it runs in a thread.
        await asyncio.to_thread(database.migrate)
        await hub.start()
        app.state.telegram = await telegram_bridge.start_telegram(settings, hub)
        yield
        if app.state.telegram is not None:
            await app.state.telegram.stop()
        await hub.stop()
        await rasa.aclose()
        database.dispose()

    app = FastAPI(title="Claim-intake gateway", version="0.1.0", lifespan=lifespan)
    app.state.rasa = rasa
    app.state.hub = hub
    app.state.ip_limiter = RateLimiter(settings.rate_ip_per_minute)
    app.state.trust_forwarded_for = settings.rate_trust_forwarded_for
    upload_limit = database.evidence.max_bytes + MULTIPART_OVERHEAD
    app.add_middleware(
        BodyLimit, default=settings.max_body_bytes,
        overrides={r"/chat/evidence": upload_limit},
    )
    app.state.web_sessions = web_sessions_of(settings, database)

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "rasa": await app.state.rasa.ready()}

    app.include_router(web.router)  # web chat: /, /widget.js, /ws, /chat/... (bot/web.py)
    app.include_router(telegram_bridge.router)  # POST /telegram/webhook (webhook mode only)
    # /api (staff API), /staff console, hand-off watcher (bot/staff/)
    guard = LoginGuard(settings.cookie_secure(), RateLimiter(settings.rate_login_per_minute))
    app.include_router(staff_router(staff, directory, watcher, guard))
    return app
