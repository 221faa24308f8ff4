"""The conversation hub: every customer message of every channel passes through here.

Why a hub: the gateway owns the customer connections, so it alone can decide per
conversation whether Rasa or a human agent answers, push an agent's reply into an open web
page or a Telegram chat, and keep one transcript. Channels (web, Telegram) only translate
their transport to :meth:`ConversationHub.handle_customer_text` and register a pusher.

Sender ids are channel identities: ``web:<session>``, ``tg:<chat id>``.

Modes: ``bot`` (Rasa answers) or ``human`` (an agent does; customer text goes to agent
subscribers only). A mode change is persisted as an audit entry and replayed by
:meth:`ConversationHub.start`, so a gateway restart keeps a human's chat with the human.
Rasa switches a chat to ``human`` itself by sending ``{"custom": {"type": "handoff"}}``.

Every message for Rasa is first kept in the outbox table (bot/outbox.py) and forgotten
once Rasa answered. When Rasa is down the customer hears an apology at once (beyond the
per-sender limit: a clear refusal) and a supervised worker sends the kept messages in
order once Rasa is back, pushing the replies; a gateway restart loses none of them. A
message whose reply never came (read timeout) is looked up in Rasa's tracker by its key
before it is sent again, so Rasa never hears it twice. One gateway per case database
sends the outbox (docs/deploy.md already routes each conversation through one gateway).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from bot.evidence import AcceptedEvidence, EvidenceIntake, human_size, rejection_key
from bot.messages import gateway_message
from bot.outbox import Outbox, Outgoing
from bot.rasa_client import RasaMaybeDelivered, RasaUnavailable
from bot.rate_limit import RateLimiter
from bot.sanitize import clean_customer_text, visible_text
from bot.transcript import Transcript, channel_of
from db.evidence_store import EvidenceRejected
from understanding.language import detect_language

log = logging.getLogger(__name__)

Mode = Literal["bot", "human"]
#: Delivers frames (``{"type": "bot"|"agent"|"mode"|..., ...}``) to one customer.
Pusher = Callable[[str, list[dict[str, Any]]], Awaitable[None]]


class RasaLike(Protocol):
    async def send(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]: ...

    async def replies_to(self, sender: str, key: str) -> list[dict[str, Any]] | None: ...


class JsonSink(Protocol):
    """An open customer connection (a FastAPI WebSocket fits)."""

    async def send_json(self, data: Any, mode: str = "text") -> None: ...


@dataclass
class HubConfig:
    max_message_chars: int = 2000
    retry_seconds: float = 2.0
    max_pending_per_sender: int = 20
    default_language: str = "zh"
    #: How long after a missing reply Rasa may still be working on that message; only
    #: then does the tracker decide whether it arrived (set to Rasa's client timeout).
    recheck_seconds: float = 30.0
    #: Messages (and files) per customer per minute, and at most this many at once.
    customer_per_minute: float = 30.0
    customer_burst: float = 20.0
    #: Conversations whose state (language, offered buttons) is kept in memory.
    max_conversations: int = 10_000


@dataclass
class _Conversation:
    mode: Mode = "bot"
    language: str | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    #: Button payloads Rasa offered last; only these may reach Rasa unsanitised.
    buttons: list[dict[str, str]] = field(default_factory=list)


class _Conversations(OrderedDict[str, _Conversation]):
    """Per-sender state, created on first use and bounded: beyond ``limit`` the oldest
    idle bot-mode conversations are forgotten (their language is detected again; a human's
    chat is never dropped, it is replayed from the audit log anyway)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __missing__(self, sender: str) -> _Conversation:
        conv = _Conversation()
        self[sender] = conv
        if len(self) > self.limit:
            idle = [s for s, c in self.items() if c.mode == "bot" and not c.lock.locked()]
            for old in idle[: len(self) - self.limit]:
                if old != sender:
                    del self[old]
        return conv


def is_handoff(message: dict[str, Any]) -> bool:
    return _custom_type(message) == "handoff"


def _custom_type(message: dict[str, Any]) -> str | None:
    custom = message.get("custom")
    return str(custom.get("type")) if isinstance(custom, dict) else None


class Eraser(Protocol):
    """Removes a sender's conversation from Rasa's tracker store (bot/tracker_eraser.py)."""

    def erase(self, sender: str) -> int: ...


def _now() -> str:
    return datetime.now(UTC).isoformat()


class ConversationHub:
    """Routes customer messages to Rasa or to agents and pushes replies back."""

    def __init__(
        self,
        rasa: RasaLike,
        transcript: Transcript,
        config: HubConfig | None = None,
        evidence: EvidenceIntake | None = None,
        outbox: Outbox | None = None,
        eraser: Eraser | None = None,
    ) -> None:
        self.rasa = rasa
        self.transcript = transcript
        self.outbox = outbox or Outbox(transcript.sessions)
        self.eraser = eraser
        self.evidence = evidence
        self.config = config or HubConfig()
        self._conversations = _Conversations(self.config.max_conversations)
        self._limiter = RateLimiter(
            self.config.customer_per_minute, self.config.customer_burst,
            max_keys=self.config.max_conversations,
        )
        self._sinks: dict[str, set[JsonSink]] = defaultdict(set)
        self._agents: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)
        self._pushers: dict[str, Pusher] = {}
        self._retry_task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    # -- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Reload hand-off modes from the audit log and start the retry loop."""
        for sender, mode in (await asyncio.to_thread(self.transcript.modes)).items():
            self._conversations[sender].mode = "human" if mode == "human" else "bot"
        self._retry_task = asyncio.create_task(self._supervise(), name="hub-retry")

    async def stop(self) -> None:
        if self._retry_task is not None:
            self._retry_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retry_task
            self._retry_task = None

    # -- registration ----------------------------------------------------------------

    def register_channel(self, prefix: str, pusher: Pusher) -> None:
        """A channel that can push to its customers without them asking (``tg``)."""
        self._pushers[prefix] = pusher

    def subscribe_customer(self, sender: str, sink: JsonSink) -> Callable[[], None]:
        """An open web page of ``sender``; returns the unsubscribe function."""
        self._sinks[sender].add(sink)
        return lambda: _discard(self._sinks, sender, sink)

    def subscribe_agent(
        self, sender: str, queue: asyncio.Queue[dict[str, Any]]
    ) -> Callable[[], None]:
        """Agent console feed for one sender, or ``"*"`` for every conversation.

        Events: ``{"type": "customer"|"bot"|"agent"|"mode"|"evidence", "sender", "text",
        "at", ...}``.
        """
        self._agents[sender].add(queue)
        return lambda: _discard(self._agents, sender, queue)

    # -- state -----------------------------------------------------------------------

    def mode(self, sender: str) -> Mode:
        return self._conversations[sender].mode if sender in self._conversations else "bot"

    def human_senders(self) -> list[str]:
        return [s for s, c in self._conversations.items() if c.mode == "human"]

    def language(self, sender: str) -> str:
        conv = self._conversations.get(sender)
        return (conv.language if conv else None) or self.config.default_language

    def has_language(self, sender: str) -> bool:
        conv = self._conversations.get(sender)
        return conv is not None and conv.language is not None

    def offered(self, sender: str) -> list[dict[str, str]]:
        """The buttons Rasa offered this sender last, in order (``title``, ``payload``)."""
        conv = self._conversations.get(sender)
        return list(conv.buttons) if conv else []

    def set_language(self, sender: str, language: str) -> None:
        if language in ("zh", "en"):
            self._conversations[sender].language = language

    def button(self, sender: str, index: int) -> dict[str, str] | None:
        """The ``index``-th button Rasa offered this sender last (Telegram callbacks)."""
        buttons = self._conversations[sender].buttons
        return buttons[index] if 0 <= index < len(buttons) else None

    async def set_mode(
        self, sender: str, mode: Mode, agent: str | None = None, *, reason: str = ""
    ) -> None:
        """Give the chat to a human (``human``) or back to the bot; persisted."""
        if mode not in ("bot", "human"):
            raise ValueError(f"mode must be bot or human, got {mode!r}")
        conv = self._conversations[sender]
        conv.mode = mode
        actor = agent or "bot"
        await asyncio.to_thread(
            self.transcript.record_mode, sender, mode, actor=actor, reason=reason
        )
        frame = {"type": "mode", "mode": mode, "agent": agent}
        await self._deliver(sender, [frame])
        await self._to_agents(sender, {"type": "mode", "mode": mode, "agent": agent})

    # -- customer side ---------------------------------------------------------------

    def _language_for(self, sender: str, text: str, metadata: dict[str, Any]) -> str:
        conv = self._conversations[sender]
        if metadata.get("language") in ("zh", "en"):
            conv.language = str(metadata["language"])
            return conv.language
        return conv.language or detect_language(text, default=self.config.default_language)

    def throttled(self, sender: str, language: str) -> dict[str, Any] | None:
        """The "slow down" answer when this sender is over its rate, else None."""
        wait = self._limiter.allow(sender)
        if not wait:
            return None
        return {**self.refusal("slow_down", language, seconds=wait), "retry_after": wait}

    def refusal(self, key: str, language: str, **values: object) -> dict[str, Any]:
        """A gateway sentence shaped like a Rasa message; ``gateway`` names the reason."""
        return {"text": gateway_message(key, language, **values), "gateway": key}

    async def handle_customer_text(
        self,
        sender: str,
        text: str,
        metadata: dict[str, Any] | None = None,
        *,
        payload: str | None = None,
    ) -> list[dict[str, Any]]:
        """One customer message; returns what to show now (Rasa's messages or a refusal).

        ``payload`` is a button payload the customer pressed: it reaches Rasa verbatim only
        if Rasa offered it to this sender, otherwise it is cleaned like typed text.
        """
        metadata = dict(metadata or {})
        metadata.setdefault("channel", channel_of(sender))
        conv = self._conversations[sender]
        language = self._language_for(sender, text[: self.config.max_message_chars], metadata)
        if (slow := self.throttled(sender, language)) is not None:
            return [slow]
        offered = {b.get("payload") for b in conv.buttons}
        limit = self.config.max_message_chars
        if payload is not None and payload in offered:
            to_rasa = payload
            shown = visible_text(text[: limit * 4])[:limit]
        else:
            cleaned = clean_customer_text(text, limit)
            if cleaned.problem:
                return [self.refusal(cleaned.problem, language, limit=limit)]
            to_rasa, shown = cleaned.text, cleaned.shown
        await asyncio.to_thread(
            self.transcript.record, sender, "customer", shown or to_rasa, language=language
        )
        await self._to_agents(sender, {"type": "customer", "text": shown or to_rasa})
        if conv.mode == "human":
            return []
        return await self._to_rasa(sender, to_rasa, metadata, language)

    async def handle_customer_file(
        self,
        sender: str,
        data: bytes,
        filename: str | None,
        metadata: dict[str, Any] | None = None,
        *,
        require_case: bool = False,
    ) -> tuple[AcceptedEvidence | None, list[dict[str, Any]]]:
        """Keep an evidence file on the customer's case, then tell Rasa (or the agent).

        Returns the accepted file (None when refused) and the messages to show: the
        confirmation followed by Rasa's answer, or the refusal in the customer's language.
        ``require_case``: refuse unless we already know the sender (they wrote to us
        before): web ids cost nothing to make, so an upload from a brand-new one must not
        create a draft. A known customer without a case still gets one (nothing is lost).
        """
        if self.evidence is None:
            raise RuntimeError("this hub has no evidence intake")
        metadata = dict(metadata or {})
        metadata.setdefault("channel", channel_of(sender))
        conv = self._conversations[sender]
        if metadata.get("language") in ("zh", "en"):
            conv.language = str(metadata["language"])
        language = self.language(sender)
        if (slow := self.throttled(sender, language)) is not None:
            return None, [slow]
        if require_case and not await asyncio.to_thread(self.transcript.known, sender):
            return None, [self.refusal("evidence_no_case", language)]
        try:
            accepted = await asyncio.to_thread(
                self.evidence.accept, sender, data, filename, language=language
            )
        except EvidenceRejected as error:
            log.info("evidence from %s refused: %s", sender, error.reason_code)
            return None, [
                self.refusal(
                    rejection_key(error), language,
                    limit=human_size(self.evidence.max_bytes), detail=error.message,
                )
            ]
        stored = accepted.stored
        confirmation = self.refusal(
            "evidence_received", language, name=stored.original_name,
            size=human_size(stored.size), short=stored.sha256[:12],
            reference=accepted.reference,
        )
        confirmation["evidence"] = accepted.to_json()
        await asyncio.to_thread(
            self.transcript.record, sender, "customer",
            f"[evidence] {stored.original_name} sha256={stored.sha256}", language=language,
        )
        await self._to_agents(sender, {"type": "evidence", **accepted.to_json()})
        if conv.mode == "human":
            return accepted, [confirmation]
        metadata["evidence"] = [accepted.to_json()]
        told = gateway_message("evidence_told_rasa", language, names=stored.original_name)
        return accepted, [confirmation, *await self._to_rasa(sender, told, metadata, language)]

    async def _to_rasa(
        self, sender: str, text: str, metadata: dict[str, Any], language: str
    ) -> list[dict[str, Any]]:
        """Keep the message in the outbox, send it (unless older ones wait), answer."""
        conv = self._conversations[sender]
        async with conv.lock:
            waiting = await asyncio.to_thread(self.outbox.count, sender)
            if waiting >= self.config.max_pending_per_sender:
                return [self.refusal("rasa_down", language)]
            item = await asyncio.to_thread(self.outbox.add, sender, text, metadata, language)
            if waiting:
                self._wake.set()
                return [self.refusal("rasa_down_queued", language)]
            try:
                messages = await self.rasa.send(sender, text, item.metadata)
            except RasaUnavailable as exc:
                log.warning("Rasa unavailable for %s: %s", sender, exc)
                await self._failed(item, exc)
                self._wake.set()
                return [self.refusal("rasa_down_queued", language)]
            await asyncio.to_thread(self.outbox.done, item.key)
            if not messages and conv.mode == "bot":
                # Rasa answered with nothing: an action failed (e.g. the action server is
                # down). The message is in the tracker and transcript; say so.
                log.warning("Rasa gave no reply to %s", sender)
                messages = [self.refusal("no_reply", language)]
            await self._after_rasa(sender, messages, language)
            return messages

    async def _failed(self, item: Outgoing, exc: RasaUnavailable) -> None:
        maybe = isinstance(exc, RasaMaybeDelivered)
        await asyncio.to_thread(self.outbox.failed, item.key, maybe_delivered=maybe)

    async def _after_rasa(
        self, sender: str, messages: list[dict[str, Any]], language: str
    ) -> None:
        """Transcript, agent feed, offered buttons and hand-off of one Rasa answer."""
        conv = self._conversations[sender]
        buttons = [b for m in messages for b in (m.get("buttons") or []) if isinstance(b, dict)]
        conv.buttons = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in buttons
        ]
        # After "delete my data" the confirmation is not stored: it would open a new
        # customer record for the identity that was just erased.
        deleted = any(_custom_type(m) == "data_deleted" for m in messages)
        for message in messages:
            text = message.get("text")
            if text:
                if not deleted:
                    await asyncio.to_thread(
                        self.transcript.record, sender, "bot", str(text), language=language
                    )
                await self._to_agents(sender, {"type": "bot", "text": str(text)})
        if deleted:
            await self._forget(sender)
        handoff = next((m["custom"] for m in messages if is_handoff(m)), None)
        if handoff is not None and conv.mode != "human":
            conv.mode = "human"
            await asyncio.to_thread(
                self.transcript.record_mode, sender, "human", actor="bot",
                reason=str(handoff.get("reason") or ""),
            )
            await self._to_agents(
                sender, {"type": "mode", "mode": "human", "agent": None, "handoff": handoff}
            )

    async def _supervise(self) -> None:
        """Keep the outbox worker alive: an unexpected error is logged, then it restarts."""
        while True:
            try:
                await self._retry_loop()
            except Exception:
                log.exception("outbox worker failed; restarting it")
                await asyncio.sleep(self.config.retry_seconds)

    async def _forget(self, sender: str) -> None:
        """The customer deleted their data (the action said ``data_deleted``): erase
        the Rasa conversation, what was still on its way, and what we hold in memory."""
        await asyncio.to_thread(self.outbox.forget_sender, sender)
        if self.eraser is not None:
            erased = await asyncio.to_thread(self.eraser.erase, sender)
            log.info("erased %d tracker events of a deleted customer", erased)
        conv = self._conversations[sender]
        conv.buttons, conv.language = [], None

    async def _retry_loop(self) -> None:
        """Send kept messages, oldest sender first; also those a previous run left."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.config.retry_seconds)
            self._wake.clear()
            await self.retry_now()

    async def _flush(self, sender: str) -> None:
        conv = self._conversations[sender]
        async with conv.lock:
            for item in await asyncio.to_thread(self.outbox.of, sender):
                if not await self._send_kept(sender, item):
                    return

    async def _send_kept(self, sender: str, item: Outgoing) -> bool:
        """One kept message to Rasa (or its answer from the tracker); False to stop."""
        try:
            messages = None
            if item.uncertain:
                if not self._may_recheck(item):
                    return False
                messages = await self.rasa.replies_to(sender, item.key)
            if messages is None:
                messages = await self.rasa.send(sender, item.text, item.metadata)
        except RasaUnavailable as exc:
            await self._failed(item, exc)
            return False
        await asyncio.to_thread(self.outbox.done, item.key)
        await self._after_rasa(sender, messages, item.language)
        await self._deliver(sender, [{"type": "bot", **m} for m in messages])
        return True

    def _may_recheck(self, item: Outgoing) -> bool:
        if item.failed_at is None:
            return True
        waited = (datetime.now(UTC) - item.failed_at).total_seconds()
        return waited >= self.config.recheck_seconds

    async def retry_now(self) -> None:
        """Flush every sender's kept messages once (the worker, tests)."""
        for sender in await asyncio.to_thread(self.outbox.senders):
            await self._flush(sender)

    def pending(self, sender: str) -> int:
        """How many of this sender's messages wait for Rasa."""
        return self.outbox.count(sender)

    # -- agent side ------------------------------------------------------------------

    async def push_to_customer(
        self, sender: str, message: dict[str, Any], *, record: bool = True
    ) -> bool:
        """Send an agent's (or the system's) message into the customer's chat.

        ``message``: ``{"text": ..., "agent": "alice"}``; stored in the transcript as an
        agent message unless ``record`` is False. True if a live connection took it (a web
        page that is closed shows it from the transcript on its next load).
        """
        frame = {"type": "agent", **message}
        text = str(message.get("text") or "")
        if record and text:
            await asyncio.to_thread(
                self.transcript.record, sender, "agent", text, language=self.language(sender)
            )
        await self._to_agents(sender, {"type": "agent", **message})
        return await self._deliver(sender, [frame])

    async def _deliver(self, sender: str, frames: list[dict[str, Any]]) -> bool:
        if not frames:
            return False
        delivered = False
        for sink in list(self._sinks.get(sender, ())):
            try:
                for frame in frames:
                    await sink.send_json(frame)
                delivered = True
            except Exception:  # noqa: BLE001 - a closed page must not stop the others
                log.info("dropping closed connection of %s", sender)
                self._sinks[sender].discard(sink)
        pusher = self._pushers.get(sender.split(":", 1)[0])
        if pusher is not None:
            try:
                await pusher(sender, frames)
                delivered = True
            except Exception:
                log.exception("could not push to %s", sender)
        return delivered

    async def _to_agents(self, sender: str, event: dict[str, Any]) -> None:
        event = {"sender": sender, "at": _now(), **event}
        for queue in list(self._agents.get(sender, ())) + list(self._agents.get("*", ())):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(event)

    async def notify_agents(self, sender: str, event: dict[str, Any]) -> None:
        """Channels report things agents should see (e.g. ``{"type": "evidence"}``)."""
        await self._to_agents(sender, event)


def _discard(registry: dict[str, set[Any]], sender: str, item: object) -> None:
    """Unsubscribe, dropping the sender's entry once empty (bounded per-sender state)."""
    items = registry.get(sender)
    if items is not None:
        items.discard(item)
        if not items:
            del registry[sender]
