"""The Telegram channel: a python-telegram-bot 22 application inside the gateway.

Why our own bridge: Rasa's Telegram connector drops photos and documents, and it would
bypass the hub (no human takeover, no transcript). Here every update becomes a hub call
with the sender id ``tg:<user id>``: the customer is the Telegram *user* who wrote, never the
chat, so in a group each member is their own customer and nobody speaks for another (issue
16). Replies go to the chat the user last wrote from (remembered in the inbox database, so
an agent's reply after a restart still reaches a group). Rasa's buttons become inline
keyboards whose callback data is an index into the buttons the hub last offered (Telegram
allows 64 bytes, and an index cannot be forged into an arbitrary intent).

Delivery: polling by default; with ``TELEGRAM_WEBHOOK_URL`` the gateway registers that URL
with a ``secret_token`` and ``POST /telegram/webhook`` accepts only requests carrying it.
Telegram re-delivers updates that were not acknowledged (e.g. across a restart), so each
``update_id`` is claimed in a small SQLite inbox (``TELEGRAM_INBOX_PATH``, default
``var/telegram_inbox.db``, owned by the gateway, not the case DB) before it is handled:
a second delivery is dropped. Outgoing calls go through PTB's ``AIORateLimiter`` (flood
limits, retry-after). Any error is logged and the customer gets an apology, never silence.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.evidence import human_size
from bot.hub import ConversationHub
from bot.messages import gateway_message
from bot.settings import GatewaySettings
from db.settings import PROJECT_ROOT

log = logging.getLogger(__name__)

#: Telegram bots may download files up to 20 MB.
TELEGRAM_MAX_DOWNLOAD = 20 * 1024 * 1024
TELEGRAM_MAX_TEXT = 4096
#: What the commands say to Rasa, per language (plain text: Rasa's NLU decides).
COMMAND_TEXT = {
    "start": {"zh": "你好", "en": "hello"},
    "status": {"zh": "我的案件进展如何？", "en": "What is the status of my claim?"},
    "cancel": {"zh": "我想取消这次理赔登记", "en": "I want to cancel my claim"},
    "human": {"zh": "我要转人工客服", "en": "I want to talk to a human"},
    "lang": {"zh": "请用中文回答", "en": "please answer in English"},
}
CASE_CARD = {
    "zh": "案件 {reference}\n类别：{category}\n阶段：{stage}",
    "en": "Case {reference}\nCategory: {category}\nStage: {stage}",
}

router = APIRouter()


class TelegramInbox:
    """Which update ids were already taken (SQLite; one short connection per call)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_absolute():
            self.path = PROJECT_ROOT / self.path
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS telegram_inbox ("
                " update_id INTEGER PRIMARY KEY, received_at TEXT NOT NULL, done_at TEXT)"
            )
            db.execute(
                "CREATE TABLE IF NOT EXISTS telegram_chats ("
                " sender TEXT PRIMARY KEY, chat_id INTEGER NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def claim(self, update_id: int) -> bool:
        """True the first time an update id is seen, False on any re-delivery."""
        with self._connect() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO telegram_inbox (update_id, received_at) VALUES (?, ?)",
                (update_id, datetime.now(UTC).isoformat()),
            )
            return cursor.rowcount == 1

    def done(self, update_id: int) -> None:
        with self._connect() as db:
            db.execute(
                "UPDATE telegram_inbox SET done_at = ? WHERE update_id = ?",
                (datetime.now(UTC).isoformat(), update_id),
            )

    def remember_chat(self, sender: str, chat_id: int) -> None:
        """The chat ``sender`` last wrote from: where their replies go."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO telegram_chats (sender, chat_id) VALUES (?, ?)"
                " ON CONFLICT (sender) DO UPDATE SET chat_id = excluded.chat_id",
                (sender, chat_id),
            )

    def chat_of(self, sender: str) -> int | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT chat_id FROM telegram_chats WHERE sender = ?", (sender,)
            ).fetchone()
        return int(row[0]) if row else None

    def status(self, update_id: int) -> str | None:
        """``received``, ``done`` or None (never seen)."""
        with self._connect() as db:
            row = db.execute(
                "SELECT done_at FROM telegram_inbox WHERE update_id = ?", (update_id,)
            ).fetchone()
        if row is None:
            return None
        return "done" if row[0] else "received"


def sender_of_user(user_id: int) -> str:
    return f"tg:{user_id}"


def _chunks(text: str, size: int = TELEGRAM_MAX_TEXT) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


class TelegramBridge:
    """Owns the PTB application; ``start``/``stop`` from the gateway's lifespan."""

    def __init__(self, settings: GatewaySettings, hub: ConversationHub) -> None:
        if settings.telegram_bot_token is None:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        self.settings = settings
        self.hub = hub
        self.inbox = TelegramInbox(settings.telegram_inbox_path)
        self.webhook_url = settings.telegram_webhook_url
        secret = settings.telegram_webhook_secret
        self.webhook_secret = secret.get_secret_value() if secret else secrets.token_urlsafe(32)
        builder = (
            Application.builder()
            .token(settings.telegram_bot_token.get_secret_value())
            .base_url(settings.telegram_api_url)
            .base_file_url(settings.telegram_file_url)
            .rate_limiter(AIORateLimiter(max_retries=3))
        )
        if self.webhook_url:
            builder = builder.updater(None)
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self._add_handlers()

    # -- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        app = self.application
        await app.initialize()
        self.hub.register_channel("tg", self.push)
        await app.start()
        if self.webhook_url:
            await app.bot.set_webhook(
                url=self.webhook_url,
                secret_token=self.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            assert app.updater is not None
            await app.updater.start_polling(
                timeout=int(self.settings.telegram_poll_timeout),
                allowed_updates=Update.ALL_TYPES,
                error_callback=lambda error: log.warning("Telegram polling: %s", error),
            )
        log.info("Telegram bridge running (%s)", "webhook" if self.webhook_url else "polling")

    async def stop(self) -> None:
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()

    async def feed_webhook(self, data: dict[str, Any], secret: str | None) -> None:
        """One update POSTed by Telegram; refused unless it carries our secret token."""
        if not secret or not hmac.compare_digest(secret, self.webhook_secret):
            raise PermissionError("bad webhook secret")
        update = Update.de_json(data, self.application.bot)
        await self.application.update_queue.put(update)

    # -- handlers --------------------------------------------------------------------

    def _add_handlers(self) -> None:
        app = self.application
        app.add_handler(TypeHandler(Update, self._claim), group=-1)
        for name in ("start", "status", "cancel", "human"):
            app.add_handler(CommandHandler(name, self._command))
        app.add_handler(CommandHandler("lang", self._lang))
        app.add_handler(CallbackQueryHandler(self._button))
        app.add_handler(MessageHandler(filters.PHOTO | filters.Document.ALL, self._file))
        app.add_handler(MessageHandler(filters.TEXT, self._text))
        app.add_handler(
            MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, self._unsupported)
        )
        app.add_handler(TypeHandler(Update, self._done), group=1)
        app.add_error_handler(self._error)

    async def _claim(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_user is None or update.effective_chat is None:
            # A channel post or a service update: nobody to serve as a customer.
            log.info("Telegram update %s has no user; ignored", update.update_id)
            raise ApplicationHandlerStop
        if not await asyncio.to_thread(self.inbox.claim, update.update_id):
            log.info("Telegram update %s already handled; dropped", update.update_id)
            raise ApplicationHandlerStop
        await asyncio.to_thread(
            self.inbox.remember_chat, self._sender(update), update.effective_chat.id
        )

    async def _done(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await asyncio.to_thread(self.inbox.done, update.update_id)

    def _sender(self, update: Update) -> str:
        """The customer: the user who wrote (checked present in ``_claim``), not the chat."""
        assert update.effective_user is not None
        return sender_of_user(update.effective_user.id)

    def _language(self, update: Update) -> str:
        """The hub's language for this chat, else the Telegram client's language."""
        sender = self._sender(update)
        conv_language = self.hub.language(sender)
        user = update.effective_user
        if self.hub.has_language(sender) or user is None or not user.language_code:
            return conv_language
        return "zh" if user.language_code.lower().startswith("zh") else "en"

    async def _typing(self, update: Update) -> None:
        if update.effective_chat is not None:
            await update.effective_chat.send_action(ChatAction.TYPING)

    async def _text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.text is None:
            return
        await self._typing(update)
        replies = await self.hub.handle_customer_text(
            self._sender(update), message.text, {"channel": "telegram"}
        )
        await self.send(self._sender(update), replies)

    async def _command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.text is None:
            return
        name = message.text.split()[0].lstrip("/").split("@")[0].lower()
        language = self._language(update)
        await self._typing(update)
        replies = await self.hub.handle_customer_text(
            self._sender(update), COMMAND_TEXT[name][language], {"channel": "telegram"}
        )
        await self.send(self._sender(update), replies)

    async def _lang(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = [a.lower() for a in (context.args or [])]
        chosen = next((a for a in args if a in ("zh", "en")), None)
        if chosen is None:
            language = self._language(update)
            keyboard = InlineKeyboardMarkup(
                [[InlineKeyboardButton("中文", callback_data="lang:zh"),
                  InlineKeyboardButton("English", callback_data="lang:en")]]
            )
            chat = update.effective_chat
            assert chat is not None
            await chat.send_message(gateway_message("language_choose", language),
                                    reply_markup=keyboard)
            return
        await self._set_language(update, chosen)

    async def _set_language(self, update: Update, language: str) -> None:
        sender = self._sender(update)
        self.hub.set_language(sender, language)
        replies = await self.hub.handle_customer_text(
            sender, COMMAND_TEXT["lang"][language], {"channel": "telegram", "language": language}
        )
        await self.send(sender, replies)

    async def _button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        data = query.data or ""
        if isinstance(query.message, Message):
            await query.message.edit_reply_markup(reply_markup=None)
        if data.startswith("lang:"):
            await self._set_language(update, data.split(":", 1)[1])
            return
        sender = self._sender(update)
        index = int(data[2:]) if data.startswith("b:") and data[2:].isdigit() else -1
        button = self.hub.button(sender, index)
        if button is None:
            return
        await self._typing(update)
        replies = await self.hub.handle_customer_text(
            sender, button["title"], {"channel": "telegram"}, payload=button["payload"]
        )
        await self.send(sender, replies)

    async def _file(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        sender = self._sender(update)
        language = self._language(update)
        if message.photo:
            photo = message.photo[-1]  # the largest size Telegram made
            file_id, size = photo.file_id, photo.file_size
            name = f"photo_{photo.file_unique_id}"  # the type is sniffed from the bytes
        elif message.document is not None:
            doc = message.document
            file_id, size = doc.file_id, doc.file_size
            name = doc.file_name or f"document_{doc.file_unique_id}"
        else:
            return
        limit = min(TELEGRAM_MAX_DOWNLOAD, self.hub.evidence.max_bytes if self.hub.evidence
                    else TELEGRAM_MAX_DOWNLOAD)
        if size is not None and size > limit:
            refusal = self.hub.refusal("evidence_too_large", language, limit=human_size(limit))
            await self.send(sender, [refusal])
            return
        await self._typing(update)
        telegram_file = await context.bot.get_file(file_id)
        data = bytes(await telegram_file.download_as_bytearray())
        if not self.hub.has_language(sender):
            self.hub.set_language(sender, language)
        _, replies = await self.hub.handle_customer_file(
            sender, data, name, {"channel": "telegram"}
        )
        if message.caption:
            replies += await self.hub.handle_customer_text(
                sender, message.caption, {"channel": "telegram"}
            )
        await self.send(sender, replies)

    async def _unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat is None or update.effective_message is None:
            return
        await update.effective_chat.send_message(
            gateway_message("unsupported", self._language(update))
        )

    async def _error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("Telegram update failed: %r", update, exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await update.effective_chat.send_message(
                    gateway_message("error", self._language(update))
                )
            except Exception:  # noqa: BLE001 - the apology itself failed; logged, nothing else to do
                log.exception("could not apologise to chat %s", update.effective_chat.id)

    # -- outgoing --------------------------------------------------------------------

    async def push(self, sender: str, frames: list[dict[str, Any]]) -> None:
        """The hub's pusher for ``tg:`` senders (agent replies, answers after an outage)."""
        messages: list[dict[str, Any]] = []
        language = self.hub.language(sender)
        for frame in frames:
            kind = frame.get("type")
            if kind == "agent" and frame.get("text"):
                who = frame.get("agent")
                prefix = f"{who}: " if who else ""
                messages.append({"text": f"{prefix}{frame['text']}"})
            elif kind == "mode":
                key = "handoff_waiting" if frame.get("mode") == "human" else None
                if key:
                    messages.append({"text": gateway_message(key, language)})
            elif kind == "bot":
                messages.append({k: v for k, v in frame.items() if k != "type"})
        await self.send(sender, messages)

    async def send(self, sender: str, messages: list[dict[str, Any]]) -> None:
        """Render hub/Rasa messages as Telegram messages (text, inline keyboard, case card)."""
        # The chat they last wrote from; never seen (e.g. pushed before any update): a
        # private chat, whose id is the user's id.
        chat_id = await asyncio.to_thread(self.inbox.chat_of, sender)
        if chat_id is None:
            chat_id = int(sender.split(":", 1)[1])
        bot = self.application.bot
        language = self.hub.language(sender)
        for message in messages:
            text = str(message.get("text") or "")
            custom = message.get("custom")
            if isinstance(custom, dict) and custom.get("type") == "case":
                text = CASE_CARD[language if language in CASE_CARD else "en"].format(
                    reference=custom.get("reference") or "-",
                    category=custom.get("category") or "-",
                    stage=custom.get("stage") or "-",
                )
            if not text:
                continue
            markup = None
            buttons = message.get("buttons") or []
            if buttons:
                offered = [b.get("payload") for b in (self.hub.offered(sender))]
                rows = [
                    [InlineKeyboardButton(str(b.get("title", "")),
                                          callback_data=f"b:{offered.index(b.get('payload'))}")]
                    for b in buttons
                    if b.get("payload") in offered
                ]
                markup = InlineKeyboardMarkup(rows) if rows else None
            parts = _chunks(text)
            for i, part in enumerate(parts):
                await bot.send_message(
                    chat_id, part, reply_markup=markup if i == len(parts) - 1 else None
                )


async def start_telegram(settings: GatewaySettings, hub: ConversationHub) -> TelegramBridge | None:
    """Start the bridge when ``TELEGRAM_BOT_TOKEN`` is set; None otherwise."""
    if settings.telegram_bot_token is None:
        return None
    bridge = TelegramBridge(settings, hub)
    await bridge.start()
    return bridge


@router.post("/telegram/webhook", include_in_schema=False)
async def telegram_webhook(request: Request) -> dict[str, bool]:
    bridge: TelegramBridge | None = getattr(request.app.state, "telegram", None)
    if bridge is None or not bridge.webhook_url:
        raise HTTPException(status_code=404)
    try:
        await bridge.feed_webhook(
            await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        )
    except PermissionError as exc:
        raise HTTPException(status_code=403) from exc
    return {"ok": True}
