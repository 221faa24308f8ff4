"""Dialogue simulator: scripted customers file claims through the gateway; the cases are checked.

Each conversation in ``tests/simulator/conversations.yml`` has an id, a language, scripted
``turns`` and a ``facts`` sheet. Plain-string turns are said in order; a turn written as
``{when: <slot>, say: <text>}`` waits until the bot asks for ``<slot>`` (``confirm`` is the
summary) and is said instead of the answer, which is how corrections, FAQ digressions and
requests for a human are placed mid-form. Otherwise the simulator looks at what the bot
just asked (``requested_slot`` in the Rasa tracker of the session's sender) and answers from the
fact sheet, so it does not assume a question order. At the summary it confirms; it stops
when the case is submitted, when the chat is handed to a human, or after 12 turns.

Then it reads the case from the database and compares it field by field with ``expect``
(category, stage, status, start/restore times, losses and currency, estimate, escalation,
leaked data kinds, contact, ...). Writes ``reports/simulation.json`` and
``reports/simulation.md`` and prints the table. Failed conversations are reported, not
fatal: the exit code is 0 unless the simulation could not run.

    .venv/bin/python scripts/simulate.py [--only ID] [--limit N]
        [--gateway-url URL --rasa-url URL --token T --database-url URL]

Without the URLs it starts its own stack (``tests/integration/stack.py``: Rasa, actions and
gateway on free loopback ports with a temporary tracker and case database).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CONVERSATIONS = ROOT / "tests" / "simulator" / "conversations.yml"
REPORTS = ROOT / "reports"
MAX_TURNS = 12
TZ = ZoneInfo("Asia/Shanghai")
CONFIRM = "confirm"
CATEGORIES = (
    "outage", "data_loss", "security_breach", "functional_defect", "transmission_failure",
    "service_interruption", "release_recall",
)  # fmt: skip

#: requested_slot -> the fact-sheet keys that answer it, first present wins.
SLOT_FACTS: dict[str, tuple[str, ...]] = {
    "description": ("description",),
    "category": ("category_answer",),
    "affected_systems": ("system",),
    "started_at": ("started",),
    "ended_at": ("restored",),
    "data_leaked": ("data_leaked",),
    "leaked_data_kinds": ("leaked_kinds",),
    "revenue_lost": ("loss",),
    "customer_config_changed": ("liability",),
    "third_party_involved": ("third_party", "liability"),
    "evidence_items": ("evidence",),
    "customer_name": ("name", "contact"),
    "customer_contact": ("contact_detail", "contact"),
    CONFIRM: ("confirm",),
    "cancel_pending": ("keep_going",),
}
#: Answers a customer gives without a fact sheet entry.
DEFAULT_ANSWERS: dict[str, dict[str, str]] = {
    "en": {"confirm": "yes", "keep_going": "no, let's continue", "third_party": "no",
           "data_leaked": "no", "report": "I want to file a compensation claim"},
    "zh": {"confirm": "确认", "keep_going": "不，继续", "third_party": "没有",
           "data_leaked": "没有", "report": "我要申请事故赔偿"},
}


# --------------------------------------------------------------------------- conversations


@dataclass(frozen=True)
class ScriptTurn:
    """A scripted message: said when it is next and ``when`` matches (None: at once)."""

    say: str
    when: str | None = None


@dataclass(frozen=True)
class Conversation:
    id: str
    language: str
    turns: tuple[ScriptTurn, ...]
    facts: Mapping[str, str]
    expect: Mapping[str, Any]
    style: str = ""
    note: str = ""

    @property
    def outcome(self) -> str:
        return str(self.expect.get("outcome", "submitted"))

    @property
    def category(self) -> str | None:
        value = self.expect.get("category")
        return str(value) if value else None


def parse_conversation(raw: Mapping[str, Any]) -> Conversation:
    turns: list[ScriptTurn] = []
    for item in raw.get("turns") or ():
        if isinstance(item, str):
            turns.append(ScriptTurn(item))
        elif isinstance(item, Mapping) and "say" in item:
            when = item.get("when")
            turns.append(ScriptTurn(str(item["say"]), str(when) if when else None))
        else:
            raise ValueError(f"{raw.get('id')}: bad turn {item!r}")
    language = str(raw.get("language", ""))
    if language not in ("zh", "en"):
        raise ValueError(f"{raw.get('id')}: language must be zh or en")
    return Conversation(
        id=str(raw["id"]), language=language, turns=tuple(turns),
        facts={str(k): str(v) for k, v in (raw.get("facts") or {}).items()},
        expect=dict(raw.get("expect") or {}), style=str(raw.get("style", "")),
        note=str(raw.get("note", "")),
    )


def load_conversations(path: Path = CONVERSATIONS) -> list[Conversation]:
    data = yaml.safe_load(path.read_text("utf-8"))
    items = data.get("conversations", data) if isinstance(data, Mapping) else data
    conversations = [parse_conversation(item) for item in items]
    ids = [c.id for c in conversations]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate conversation ids: {duplicates}")
    return conversations


# --------------------------------------------------------------------------- answer picking


@dataclass(frozen=True)
class BotState:
    """What the bot is waiting for, read from the tracker after a turn."""

    requested_slot: str | None = None
    active_loop: str | None = None
    awaiting_confirmation: bool = False
    cancel_pending: bool = False
    case_submitted: bool = False
    case_reference: str | None = None
    handed_off: bool = False

    @property
    def asking(self) -> str | None:
        """The question the bot is waiting on: a slot name, ``confirm`` or None."""
        if self.cancel_pending:
            return "cancel_pending"
        if self.requested_slot:
            return self.requested_slot
        if self.awaiting_confirmation:
            return CONFIRM
        return None


def state_from_tracker(tracker: Mapping[str, Any], *, handed_off: bool = False) -> BotState:
    slots = tracker.get("slots") or {}
    loop = tracker.get("active_loop") or {}
    reference = slots.get("case_reference")
    return BotState(
        requested_slot=slots.get("requested_slot") or None,
        active_loop=loop.get("name") or None,
        awaiting_confirmation=slots.get("awaiting_confirmation") is True,
        cancel_pending=slots.get("cancel_pending") is True,
        case_submitted=slots.get("case_submitted") is True,
        case_reference=str(reference) if reference else None,
        handed_off=handed_off,
    )


@dataclass(frozen=True)
class Answer:
    text: str
    source: str  # "script", "fact:<key>", "default:<key>", "payload"
    payload: str | None = None


@dataclass
class Progress:
    next_turn: int = 0
    asked: list[str] = field(default_factory=list)


def fact_answer(conversation: Conversation, asking: str) -> Answer | None:
    """The fact-sheet answer to the bot's question, or None when the sheet has none."""
    for key in SLOT_FACTS.get(asking, (asking,)):
        if conversation.facts.get(key):
            return Answer(conversation.facts[key], f"fact:{key}")
    if asking == "category" and conversation.category in CATEGORIES:
        # A customer who is asked to pick a type clicks the matching button.
        payload = f'/report_incident{{"category": "{conversation.category}"}}'
        return Answer(conversation.category or "", "payload", payload)
    defaults = DEFAULT_ANSWERS[conversation.language]
    for key in SLOT_FACTS.get(asking, (asking,)):
        if key in defaults:
            return Answer(defaults[key], f"default:{key}")
    if asking in defaults:
        return Answer(defaults[asking], f"default:{asking}")
    return None


def pick_answer(conversation: Conversation, state: BotState, progress: Progress) -> Answer | None:
    """The next customer message. Advances ``progress`` past a scripted turn it uses.

    Order: the next scripted turn when it is unconditional or its ``when`` is what the bot is
    asking; otherwise the fact answering the bot's question; with no question pending and no
    intake under way, the incident description. None: nothing sensible to say.
    """
    asking = state.asking
    if progress.next_turn < len(conversation.turns):
        turn = conversation.turns[progress.next_turn]
        if turn.when is None or turn.when == asking:
            progress.next_turn += 1
            return Answer(turn.say, "script")
    if asking is not None:
        progress.asked.append(asking)
        return fact_answer(conversation, asking)
    idle = state.active_loop is None and not state.case_reference
    if idle:
        # No intake under way: say what happened, then once more as an explicit request.
        tries = progress.asked.count("-")
        progress.asked.append("-")
        if tries == 0 and conversation.facts.get("description"):
            return Answer(conversation.facts["description"], "fact:description")
        if tries <= 1:
            key = "report" if conversation.facts.get("report") else "default:report"
            text = conversation.facts.get("report") or DEFAULT_ANSWERS[conversation.language][
                "report"
            ]
            return Answer(text, key if key.startswith("default") else "fact:report")
    return None


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class FieldResult:
    field: str
    expected: Any
    actual: Any
    ok: bool


def resolve_time(spec: str, now: datetime) -> datetime:
    """``d-1 09:00`` (days from today, local time) or ``2026-11-20 14:00`` -> aware datetime."""
    spec = spec.strip()
    local_now = now.astimezone(TZ)
    if spec.startswith("d"):
        day_part, _, clock = spec.partition(" ")
        offset = int(day_part[1:] or 0)
        hour, minute = (int(x) for x in clock.split(":"))
        day = local_now.date() + timedelta(days=offset)
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)
    return datetime.fromisoformat(spec).replace(tzinfo=TZ)


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _fmt_time(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(TZ).strftime("%Y-%m-%d %H:%M")
    return value


def _same_time(expected: Any, actual: Any, now: datetime) -> tuple[Any, bool]:
    if expected is None or expected == "ongoing":
        return expected, actual == expected
    want = resolve_time(str(expected), now)
    if not isinstance(actual, str) or actual == "ongoing":
        return _fmt_time(want), False
    try:
        got = datetime.fromisoformat(actual)
    except ValueError:
        return _fmt_time(want), False
    return _fmt_time(want), abs((got - want).total_seconds()) < 60


def _subset(expected: Any, actual: Any) -> bool:
    want = {str(x) for x in (expected if isinstance(expected, list) else [expected])}
    return want <= {str(x) for x in actual or ()}


def _equal_money(expected: Any, actual: Any) -> bool:
    if expected is None:
        return actual is None
    want, got = _decimal(expected), _decimal(actual)
    return want is not None and got is not None and want == got


Comparator = Callable[[Any, Any], bool]
COMPARATORS: dict[str, Comparator] = {
    "revenue_lost": _equal_money,
    "recovery_cost": _equal_money,
    "downtime_hours": _equal_money,
    "affected_systems": _subset,
    "leaked_kinds": _subset,
    "evidence": _subset,
}
#: Expectation keys that are not case fields.
NOT_FIELDS = frozenset({"outcome"})


def compare_fields(
    expected: Mapping[str, Any], observed: Mapping[str, Any], now: datetime
) -> list[FieldResult]:
    """One result per expected field; ``observed`` comes from :func:`observe_case`."""
    results: list[FieldResult] = []
    for name, want in expected.items():
        if name in NOT_FIELDS:
            continue
        got = observed.get(name)
        if name in ("started_at", "restored_at"):
            shown, ok = _same_time(want, got, now)
            results.append(FieldResult(name, shown, _fmt_time_str(got), ok))
            continue
        compare = COMPARATORS.get(name)
        if compare is not None:
            ok = compare(want, got)
        elif isinstance(want, bool) or want is None:
            ok = got is want or got == want
        else:
            ok = str(got) == str(want) if got is not None else False
        results.append(FieldResult(name, want, got, ok))
    return results


def _fmt_time_str(value: Any) -> Any:
    if isinstance(value, str) and value != "ongoing":
        try:
            return _fmt_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


def observe_case(case: Any, summary: Any, estimate: Any) -> dict[str, Any]:
    """The comparable facts of a stored case as plain values (times as ISO strings)."""
    from claims.case import LossKind, TimelineKind

    started = case.first(TimelineKind.STARTED)
    restored = case.first(TimelineKind.RESTORED)
    started_entries = [e for e in case.timeline if e.kind == TimelineKind.STARTED]
    ongoing = restored is None and any(e.note == "ongoing" for e in started_entries)

    def loss(kind: Any) -> str | None:
        amounts = [item.amount for item in case.losses if item.kind == kind]
        return str(sum((m.amount for m in amounts), Decimal(0))) if amounts else None

    currencies = sorted({item.amount.currency for item in case.losses})
    downtime = case.downtime_hours()
    return {
        "reference": case.reference,
        "category": case.category.value if case.category else None,
        "stage": summary.stage if summary is not None else getattr(case.stage, "value", None),
        "status": summary.status if summary is not None else None,
        "escalated": bool(summary.escalated) if summary is not None else None,
        "started_at": started.isoformat() if started else None,
        "restored_at": "ongoing" if ongoing else (restored.isoformat() if restored else None),
        "downtime_hours": str(downtime) if downtime is not None else None,
        "revenue_lost": loss(LossKind.DIRECT),
        "recovery_cost": loss(LossKind.RECOVERY_COST),
        "currency": currencies[0] if len(currencies) == 1 else (currencies or case.currency),
        "monthly_fee": str(case.monthly_fee.amount) if case.monthly_fee else None,
        "estimate": estimate is not None,
        "data_leaked": case.data_leak is not None,
        "leaked_kinds": sorted(case.data_leak.kinds) if case.data_leak else [],
        "affected_systems": list(case.affected_systems),
        "evidence": sorted({e.kind.value for e in case.evidence}),
        "customer_email": case.customer_email,
        "customer_phone": case.customer_phone,
        "customer_name": case.customer_name,
        "customers_affected": case.customers_affected or None,
        "config_changed": case.liability.customer_config_changed,
        "third_party_involved": case.liability.third_party_involved,
    }


# --------------------------------------------------------------------------- running


@dataclass
class TurnLog:
    asking: str | None
    source: str
    said: str
    bot: list[str]


@dataclass
class ConversationResult:
    id: str
    language: str
    category: str | None
    style: str
    expected_outcome: str
    outcome: str = "not_run"
    session: str = ""
    completed: bool = False
    turns: int = 0
    reference: str | None = None
    fields: list[FieldResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    transcript: list[TurnLog] = field(default_factory=list)

    @property
    def fields_ok(self) -> int:
        return sum(1 for f in self.fields if f.ok)

    @property
    def passed(self) -> bool:
        return self.completed and all(f.ok for f in self.fields)


class Target:
    """Where the stack under test lives."""

    def __init__(
        self, gateway_url: str, rasa_url: str, token: str, database_url: str,
        session_key: str | None = None,
    ) -> None:  # fmt: skip
        self.gateway_url = gateway_url.rstrip("/")
        self.rasa_url = rasa_url.rstrip("/")
        self.token = token
        self.database_url = database_url
        self.client = httpx.Client(timeout=120)
        # The gateway issues web sessions; its SESSION_HMAC_KEY names their Rasa sender ids.
        self.session_key = (session_key or os.environ.get("SESSION_HMAC_KEY", "")).encode()
        self.sessions: dict[str, str] = {}

    def session_token(self, session: str) -> str:
        if session not in self.sessions:
            issued = self.client.post(f"{self.gateway_url}/chat/session")
            issued.raise_for_status()
            self.sessions[session] = str(issued.json()["token"])
        return self.sessions[session]

    def sender(self, session: str) -> str:
        from bot.web_sessions import sender_of, token_hmac

        key = self.session_key
        return sender_of(key, token_hmac(key, self.session_token(session)))

    def say(self, session: str, answer: Answer) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"text": answer.text}
        if answer.payload:
            body["payload"] = answer.payload
        response = self.client.post(
            f"{self.gateway_url}/chat/messages", json=body,
            headers={"X-Chat-Session": self.session_token(session)},
        )  # fmt: skip
        if response.status_code >= 500:
            response.raise_for_status()
        return list(response.json().get("messages") or [])

    def tracker(self, session: str) -> dict[str, Any]:
        response = self.client.get(
            f"{self.rasa_url}/conversations/{self.sender(session)}/tracker",
            params={"token": self.token},
        )
        response.raise_for_status()
        return dict(response.json())

    def load_case(self, reference: str) -> dict[str, Any] | None:
        os.environ["DATABASE_URL"] = self.database_url
        from db.engine import make_engine, make_session_factory
        from db.uow import UnitOfWork

        engine = make_engine(self.database_url)
        try:
            with UnitOfWork(make_session_factory(engine)) as uow:
                case = uow.cases.get(reference)
                if case is None:
                    return None
                return observe_case(
                    case, uow.cases.summary(reference), uow.cases.latest_estimate(reference)
                )
        finally:
            engine.dispose()


def _custom(messages: Sequence[Mapping[str, Any]], kind: str) -> dict[str, Any] | None:
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("type") == kind:
            return custom
    return None


def run_conversation(target: Target, conversation: Conversation) -> ConversationResult:
    result = ConversationResult(
        conversation.id, conversation.language, conversation.category, conversation.style,
        conversation.outcome,
    )
    session = f"sim{uuid.uuid4().hex[:20]}"
    result.session = session
    progress = Progress()
    state = BotState()
    reference: str | None = None
    while result.turns < MAX_TURNS:
        answer = pick_answer(conversation, state, progress)
        if answer is None:
            result.outcome = "stuck"
            result.notes.append(f"nothing to say (bot asking {state.asking!r}, "
                                f"loop {state.active_loop!r})")
            break
        asking = state.asking
        messages = target.say(session, answer)
        result.turns += 1
        result.transcript.append(TurnLog(
            asking, answer.source, answer.text,
            [str(m.get("text")) for m in messages if m.get("text")],
        ))
        case_payload = _custom(messages, "case")
        handoff = _custom(messages, "handoff")
        state = state_from_tracker(target.tracker(session), handed_off=handoff is not None)
        reference = state.case_reference or reference
        if case_payload and case_payload.get("reference"):
            reference = str(case_payload["reference"])
        if handoff is not None:
            reference = str(handoff.get("reference") or reference or "") or None
            result.outcome = "handoff"
            break
        if state.case_submitted or (case_payload is not None and asking == CONFIRM):
            if not state.case_submitted:
                result.notes.append("submitted, but the tracker lost case_submitted")
            result.outcome = "submitted"
            break
    else:
        result.outcome = "turn_cap"
    result.reference = reference
    result.completed = result.outcome == conversation.outcome
    if progress.next_turn < len(conversation.turns):
        unused = [t.say for t in conversation.turns[progress.next_turn:]]
        result.notes.append(f"scripted turns never said: {unused}")
    repeats = sorted({s for s in progress.asked if s != "-" and progress.asked.count(s) > 1})
    if repeats:
        result.notes.append(f"asked more than once: {repeats}")
    observed = target.load_case(reference) if reference else None
    if observed is None:
        result.notes.append("no case in the database")
        observed = {}
    result.fields = compare_fields(conversation.expect, observed, datetime.now(TZ))
    return result


# --------------------------------------------------------------------------- reporting


def _turn_stats(results: Sequence[ConversationResult]) -> dict[str, Any]:
    turns = [r.turns for r in results if r.completed and r.outcome == "submitted"]
    return {
        "completed_intakes": len(turns),
        "mean_turns": round(statistics.fmean(turns), 2) if turns else None,
        "median_turns": statistics.median(turns) if turns else None,
    }


def totals(results: Sequence[ConversationResult]) -> dict[str, Any]:
    checked = sum(len(r.fields) for r in results)
    ok = sum(r.fields_ok for r in results)
    # Fields of conversations that left a case behind: how well the case was filled in,
    # apart from conversations that never got started.
    with_case = [r for r in results if r.reference]
    case_checked = sum(len(r.fields) for r in with_case)
    case_ok = sum(r.fields_ok for r in with_case)
    return {
        "conversations": len(results),
        "completed": sum(1 for r in results if r.completed),
        "completion_rate": round(sum(1 for r in results if r.completed) / len(results), 3)
        if results else None,
        "passed": sum(1 for r in results if r.passed),
        "fields_checked": checked,
        "fields_ok": ok,
        "field_accuracy": round(ok / checked, 3) if checked else None,
        "field_accuracy_with_case": round(case_ok / case_checked, 3) if case_checked else None,
        **_turn_stats(results),
    }


def summarise(results: Sequence[ConversationResult]) -> dict[str, Any]:
    by_language = {
        lang: totals([r for r in results if r.language == lang])
        for lang in sorted({r.language for r in results})
    }
    by_field: dict[str, dict[str, int]] = {}
    for r in results:
        for f in r.fields:
            entry = by_field.setdefault(f.field, {"checked": 0, "ok": 0})
            entry["checked"] += 1
            entry["ok"] += int(f.ok)
    return {"total": totals(results), "by_language": by_language, "by_field": by_field}


def report_json(results: Sequence[ConversationResult], meta: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **meta,
        "summary": summarise(results),
        "conversations": [
            {**{k: v for k, v in asdict(r).items() if k not in ("fields", "transcript")},
             "passed": r.passed,
             "fields": {f.field: {"expected": f.expected, "actual": f.actual, "ok": f.ok}
                        for f in r.fields},
             "transcript": [asdict(t) for t in r.transcript]}
            for r in results
        ],
    }


def _num(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def markdown(results: Sequence[ConversationResult]) -> str:
    summary = summarise(results)
    lines = [
        "| scope | conversations | completed | completion rate | fields ok | field accuracy |"
        " field accuracy (cases only) | mean turns | median turns |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    scopes = [("all", summary["total"])] + list(summary["by_language"].items())
    for name, t in scopes:
        lines.append(
            f"| {name} | {t['conversations']} | {t['completed']} | {_num(t['completion_rate'])} "
            f"| {t['fields_ok']}/{t['fields_checked']} | {_num(t['field_accuracy'])} "
            f"| {_num(t['field_accuracy_with_case'])} "
            f"| {_num(t['mean_turns'])} | {_num(t['median_turns'])} |"
        )
    lines += ["", "| field | checked | ok |", "|---|---|---|"]
    for name, entry in sorted(summary["by_field"].items()):
        lines.append(f"| {name} | {entry['checked']} | {entry['ok']} |")
    lines += ["", "| id | lang | category | outcome | turns | fields | failed fields |",
              "|---|---|---|---|---|---|---|"]
    for r in results:
        failed = "; ".join(f"{f.field}: want {f.expected!r} got {f.actual!r}"
                           for f in r.fields if not f.ok)
        outcome = r.outcome if r.completed else f"**{r.outcome}** (want {r.expected_outcome})"
        lines.append(f"| {r.id} | {r.language} | {r.category or '-'} | {outcome} | {r.turns} "
                     f"| {r.fields_ok}/{len(r.fields)} | {failed.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- main


def _select(conversations: list[Conversation], only: str | None, limit: int | None
            ) -> list[Conversation]:
    if only:
        wanted = set(only.split(","))
        conversations = [c for c in conversations if c.id in wanted]
        missing = wanted - {c.id for c in conversations}
        if missing:
            raise SystemExit(f"unknown conversation id(s): {sorted(missing)}")
    return conversations[:limit] if limit else conversations


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="conversation id (comma-separated for several)")
    parser.add_argument("--limit", type=int, help="run only the first N conversations")
    parser.add_argument("--conversations", default=str(CONVERSATIONS))
    parser.add_argument("--gateway-url")
    parser.add_argument("--rasa-url")
    parser.add_argument("--token", default="", help="Rasa HTTP API token")
    parser.add_argument("--database-url")
    parser.add_argument("--verbose", action="store_true", help="print each transcript")
    args = parser.parse_args(argv)

    conversations = _select(load_conversations(Path(args.conversations)), args.only, args.limit)
    given = [args.gateway_url, args.rasa_url, args.database_url]
    if any(given) and not all(given):
        parser.error("--gateway-url, --rasa-url and --database-url go together")

    stack = None
    workdir = None
    started = time.monotonic()
    try:
        if all(given):
            target = Target(args.gateway_url, args.rasa_url, args.token, args.database_url)
        else:
            from tests.integration.stack import Stack

            workdir = tempfile.TemporaryDirectory(prefix="simulate-")
            stack = Stack(Path(workdir.name))
            print("starting the stack (Rasa model load takes ~60 s)", flush=True)
            stack.start()
            target = Target(stack.gateway_url, stack.rasa_url, stack.rasa_token,
                            stack.env()["DATABASE_URL"], stack.session_key)
        results: list[ConversationResult] = []
        for conversation in conversations:
            try:
                result = run_conversation(target, conversation)
            except httpx.HTTPError as exc:
                result = ConversationResult(conversation.id, conversation.language,
                                            conversation.category, conversation.style,
                                            conversation.outcome, outcome="error")
                result.notes.append(f"{type(exc).__name__}: {exc}")
            results.append(result)
            mark = "PASS" if result.passed else "FAIL"
            print(f"{mark} {result.id}: {result.outcome} in {result.turns} turns, "
                  f"fields {result.fields_ok}/{len(result.fields)}", flush=True)
            if args.verbose or not result.passed:
                for f in result.fields:
                    if not f.ok:
                        print(f"     {f.field}: expected {f.expected!r}, got {f.actual!r}")
                for note in result.notes:
                    print(f"     note: {note}")
            if args.verbose:
                for t in result.transcript:
                    print(f"     [{t.asking}] {t.source}> {t.said}")
    except Exception:  # noqa: BLE001 - could not run at all: say why, exit 2
        traceback.print_exc()
        return 2
    finally:
        if stack is not None:
            stack.stop()
        if workdir is not None:
            workdir.cleanup()

    meta = {"generated_at": datetime.now(TZ).isoformat(timespec="seconds"),
            "seconds": round(time.monotonic() - started, 1), "max_turns": MAX_TURNS}
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "simulation.json").write_text(
        json.dumps(report_json(results, meta), ensure_ascii=False, indent=2, default=str))
    table = markdown(results)
    (REPORTS / "simulation.md").write_text("# Dialogue simulation\n\n" + table)
    print()
    print(table)
    t = summarise(results)["total"]
    print(f"simulation: {t['completed']}/{t['conversations']} completed "
          f"({_num(t['completion_rate'])}), field accuracy {_num(t['field_accuracy'])} "
          f"({t['fields_ok']}/{t['fields_checked']}; {_num(t['field_accuracy_with_case'])} "
          f"where a case exists), turns per completed intake "
          f"mean {_num(t['mean_turns'])} median {_num(t['median_turns'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
