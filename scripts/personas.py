"""Persona player and stubborn player: customers we did not write for the parser, scored.

The persona player drives the real stack (gateway web chat -> Rasa -> actions) with the
200 conversations in ``tests/personas/``. It says the persona's opening, then each turn
reads what the bot is waiting for from Rasa's tracker (``requested_slot``, the active loop,
the confirmation step) and answers from the persona's fact sheet in the persona's own words.
It never looks at how the product parses text: the fact sheet and the slot the bot asks for
are all it uses, so the numbers measure the product, not the player.

The stubborn player opens with a message that names only the incident category and then
answers "I don't know" or something off-topic to everything, to measure whether the bot
gets stuck asking the same question (issue "Never stuck").

    .venv/bin/python scripts/personas.py [--half tuning|heldout|all] [--lang en|zh]
        [--limit N] [--only ID] [--stubborn]   (--stubborn alone: only the stubborn player)
        [--gateway-url URL --rasa-url URL --token T --staff-token S]

Without the URLs it starts its own stack (``tests/integration/stack.py``). Reports go to
``reports/personas_<half>.{json,md}`` and ``reports/personas_stubborn.{json,md}``. The
held-out half is loaded only when asked for and reported as aggregates only: no transcript,
fact or expected value of a held-out conversation is written or printed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts import simulate  # noqa: E402
from scripts.simulate import CATEGORIES, TZ, Answer, BotState, state_from_tracker  # noqa: E402

PERSONAS = ROOT / "tests" / "personas"
REPORTS = ROOT / "reports"
MAX_TURNS = 20
STUBBORN_TURNS = 15
#: A customer asked the same question this many times in a row (and answering it the same
#: way every time, since the player is deterministic) gives up: the chat is stuck.
GIVE_UP_REPEATS = 6
CONFIRM = "confirm"
CANCEL = "cancel_pending"
LANGUAGES = ("en", "zh")

#: requested_slot (domain/intake.yml forms) -> fact-sheet keys that answer it, first wins.
SLOT_FACTS: dict[str, tuple[str, ...]] = {
    "description": ("description",),
    "affected_systems": ("system", "feature"),
    "sub_type": ("feature", "version"),
    "started_at": ("started", "since"),
    "ended_at": ("restored",),
    "detected_at": ("notified",),
    "data_leaked": ("data_leaked",),
    "leaked_data_kinds": ("leaked_kinds",),
    "leaked_records": ("records",),
    "customers_affected": ("records",),
    "orders_lost": ("records",),
    "revenue_lost": ("loss",),
    "recovery_cost": ("loss",),
    "monthly_fee": ("monthly_fee",),
    "sla_terms": ("sla",),
    "release_version": ("version",),
    "remedy_wanted": ("remedy",),
    "customer_config_changed": ("liability",),
    "third_party_involved": ("third_party",),
    "third_party": ("third_party",),
    "evidence_items": ("evidence",),
    "customer_name": ("name",),
    "customer_company": ("name",),
    "customer_contact": ("contact_detail",),
    "customer_email": ("contact_detail",),
    "customer_phone": ("contact_detail",),
}

#: What any customer says when the sheet has nothing: plain words, never parser keywords.
PHRASES: dict[str, dict[str, str]] = {
    "en": {"unknown": "I don't know.", CONFIRM: "Yes, that's right.",
           CANCEL: "No, let's carry on.", "report": "I'd like to file a claim for this."},
    "zh": {"unknown": "不清楚。", CONFIRM: "对，没错。", CANCEL: "不，继续吧。",
           "report": "我想为这个申请赔偿。"},
}  # fmt: skip

#: Stubborn openings: they name the category and nothing else.
STUBBORN_OPENINGS: dict[str, dict[str, str]] = {
    "en": {
        "outage": "Your service had an outage.",
        "data_loss": "We lost data on your platform.",
        "security_breach": "There was a security breach.",
        "functional_defect": "A feature of yours is broken.",
        "transmission_failure": "Data transfers failed.",
        "service_interruption": "Your service was interrupted.",
        "release_recall": "You recalled a bad release.",
    },
    "zh": {
        "outage": "你们的服务宕机了。",
        "data_loss": "我们的数据丢了。",
        "security_breach": "出了安全事件。",
        "functional_defect": "有个功能坏了。",
        "transmission_failure": "数据传输失败了。",
        "service_interruption": "你们的服务中断了。",
        "release_recall": "你们召回了一个有问题的版本。",
    },
}
STUBBORN_DONT_KNOW: dict[str, tuple[str, ...]] = {
    "en": ("I don't know.", "No idea.", "Not sure, sorry."),
    "zh": ("不知道。", "不清楚。", "我也说不上来。"),
}
STUBBORN_OFF_TOPIC: dict[str, tuple[str, ...]] = {
    "en": ("What's the weather like today?", "Do you like football?", "My cat is asleep."),
    "zh": ("今天天气怎么样？", "你喜欢看足球吗？", "我家猫在睡觉。"),
}

#: Persona-sheet data kinds -> the product's vocabulary (conventions.md `data_kind`).
KIND_NAMES = {"phone": "phone_number", "email": "email_address",
              "transaction": "purchase_history"}  # fmt: skip


# --------------------------------------------------------------------------- personas


@dataclass(frozen=True)
class Persona:
    """One simulated customer: what they say first, what they know, what the case must be."""

    id: str
    language: str
    category: str
    opening: str
    facts: Mapping[str, str]
    expect: Mapping[str, Any]
    unknown: tuple[str, ...] = ()
    dont_know: str = ""
    mid_question: str | None = None
    correction: tuple[str, str] | None = None  # (fact key it follows, what is said)
    style: str = ""


def parse_persona(raw: Mapping[str, Any]) -> Persona:
    """Build a Persona from one YAML entry; a malformed entry raises ValueError."""
    language = str(raw.get("language", ""))
    if language not in LANGUAGES:
        raise ValueError(f"{raw.get('id')}: language must be en or zh")
    correction = raw.get("correction")
    fix = None
    if isinstance(correction, Mapping):
        fix = (str(correction["after"]), str(correction["say"]))
    return Persona(
        id=str(raw["id"]), language=language, category=str(raw.get("category", "")),
        opening=str(raw["opening"]),
        facts={str(k): str(v) for k, v in (raw.get("facts") or {}).items()},
        expect=dict(raw.get("expect") or {}),
        unknown=tuple(str(u) for u in raw.get("unknown") or ()),
        dont_know=str(raw.get("dont_know") or ""),
        mid_question=str(raw["mid_question"]) if raw.get("mid_question") else None,
        correction=fix, style=str(raw.get("style", "")),
    )


def persona_files(half: str, languages: Iterable[str]) -> list[Path]:
    """The files of one half; held-out files are only named here, when that half is asked."""
    return [PERSONAS / f"{lang}_{half}.yml" for lang in languages]


def load_personas(half: str, languages: Iterable[str]) -> list[Persona]:
    """Parse the personas of one half (``tuning`` or ``heldout``) for the given languages."""
    personas: list[Persona] = []
    for path in persona_files(half, languages):
        data = yaml.safe_load(path.read_text("utf-8"))
        items = data.get("conversations", data) if isinstance(data, Mapping) else data
        personas.extend(parse_persona(item) for item in items)
    return personas


# --------------------------------------------------------------------------- answering


@dataclass
class Progress:
    """What the player has said so far, so inserts happen once and idle turns are bounded."""

    given: set[str] = field(default_factory=set)
    answered: int = 0
    mid_done: bool = False
    correction_done: bool = False
    idle: int = 0


def slot_answer(persona: Persona, slot: str) -> Answer:
    """The persona's answer to the bot asking for ``slot``.

    The first fact key mapped to the slot that the sheet has wins; a slot whose keys are
    listed in ``unknown`` gets the persona's own "don't know"; anything else gets a neutral
    "I don't know" (a customer asked something their sheet never mentions).
    """
    keys = SLOT_FACTS.get(slot, (slot,))
    for key in keys:
        if persona.facts.get(key):
            return Answer(persona.facts[key], f"fact:{key}")
    if persona.dont_know and any(key in persona.unknown for key in keys):
        return Answer(persona.dont_know, "dont_know")
    return Answer(PHRASES[persona.language]["unknown"], "unknown")


def category_click(persona: Persona, buttons: Sequence[Mapping[str, Any]]) -> Answer | None:
    """Click the offered button for the persona's own category, as a customer would."""
    wanted = f'"category": "{persona.category}"'
    for button in buttons:
        payload = str(button.get("payload") or "")
        if wanted in payload.replace("'", '"'):
            return Answer(str(button.get("title") or persona.category), "button", payload)
    return None


def insert_due(persona: Persona, asking: str | None, progress: Progress) -> Answer | None:
    """A correction right after the corrected fact was given; a side question mid-way."""
    if persona.correction and not progress.correction_done:
        after, say = persona.correction
        if after in progress.given:
            progress.correction_done = True
            return Answer(say, "correction")
    if persona.mid_question and not progress.mid_done and (
        progress.answered >= 3 or asking == CONFIRM
    ):
        progress.mid_done = True
        return Answer(persona.mid_question, "mid_question")
    return None


def next_answer(
    persona: Persona, state: BotState, progress: Progress,
    buttons: Sequence[Mapping[str, Any]] = (),
) -> Answer | None:
    """The persona's next message given what the bot waits for; None: nothing left to say."""
    asking = state.asking
    inserted = insert_due(persona, asking, progress)
    if inserted is not None:
        return inserted
    phrases = PHRASES[persona.language]
    if asking in (CONFIRM, CANCEL):
        return Answer(phrases[asking], asking)
    if asking == "category":
        click = category_click(persona, buttons)
        return click or Answer(persona.facts.get("description", phrases["unknown"]),
                               "fact:description")
    if asking is not None:
        answer = slot_answer(persona, asking)
        progress.answered += 1
        if answer.source.startswith("fact:"):
            progress.given.add(answer.source[5:])
        return answer
    # Nothing asked: tell what happened, then ask for a claim outright, then give up.
    progress.idle += 1
    if progress.idle == 1 and persona.facts.get("description"):
        progress.given.add("description")
        return Answer(persona.facts["description"], "fact:description")
    if progress.idle <= 2:
        return Answer(phrases["report"], "report")
    return None


def stubborn_answer(language: str, index: int) -> Answer:
    """The stubborn customer's ``index``-th reply (0-based): don't-know and off-topic alternate."""
    pool = STUBBORN_DONT_KNOW if index % 2 == 0 else STUBBORN_OFF_TOPIC
    phrasings = pool[language]
    kind = "dont_know" if index % 2 == 0 else "off_topic"
    return Answer(phrasings[(index // 2) % len(phrasings)], kind)


def longest_run(questions: Sequence[str | None]) -> tuple[int, str | None]:
    """The longest run of the same question asked in a row, and which question it was."""
    best, best_q, run, prev = 0, None, 0, None
    for q in questions:
        run = run + 1 if q is not None and q == prev else (1 if q is not None else 0)
        prev = q
        if run > best:
            best, best_q = run, q
    return best, best_q


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class FieldResult:
    """One expected case field against what the filed case holds."""

    field: str
    expected: Any
    actual: Any
    ok: bool


def resolve_time(spec: str, chat_day: datetime) -> datetime:
    """``d-N HH:MM``: N days before the chat day, local time in Asia/Shanghai."""
    day_part, _, clock = spec.strip().partition(" ")
    if not day_part.startswith("d"):
        raise ValueError(f"not a d-N HH:MM time: {spec!r}")
    offset = int(day_part[1:] or 0)
    hour, minute = (int(x) for x in clock.split(":"))
    day = chat_day.astimezone(TZ).date() + timedelta(days=offset)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def _parse_iso(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def time_ok(expected: Any, actual: Any, chat_day: datetime) -> bool:
    """Times match to the minute (at most 60 s apart); ``ongoing`` wants no end time.

    ``null`` (the customer did not know) wants no time at all, so a made-up time is wrong.
    """
    if expected == "ongoing":
        return actual in (None, "ongoing")
    if expected is None:
        return actual is None
    got = _parse_iso(actual)
    if got is None:
        return False
    return abs((got - resolve_time(str(expected), chat_day)).total_seconds()) <= 60


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except InvalidOperation:
        return None


def amount_ok(expected: Any, actual: Any) -> bool:
    """An exact amount or a ``{min, max}`` range (inclusive); null wants no amount."""
    got = _decimal(actual)
    if expected is None:
        return got is None
    if got is None:
        return False
    if isinstance(expected, Mapping):
        low, high = _decimal(expected.get("min")), _decimal(expected.get("max"))
        return (low is None or got >= low) and (high is None or got <= high)
    want = _decimal(expected)
    return want is not None and got == want


def _digits(value: Any) -> str:
    return "".join(ch for ch in str(value or "") if ch.isdigit())


def phone_ok(expected: Any, actual: Any) -> bool:
    """Same number, with or without the country code (+86 / +1 written or not)."""
    want, got = _digits(expected), _digits(actual)
    if not want or not got:
        return want == got
    return want == got or (len(min(want, got, key=len)) >= 7 and (
        want.endswith(got) or got.endswith(want)))


def kinds_ok(expected: Any, actual: Any) -> bool:
    """The same set of leaked data kinds, named in the product's vocabulary."""
    want = {KIND_NAMES.get(str(k), str(k)) for k in expected or ()}
    return want == {str(k) for k in actual or ()}


def field_ok(name: str, expected: Any, actual: Any, chat_day: datetime) -> bool:
    """Compare one field by its kind: times, money, contact, kinds, or plain equality."""
    if name in ("started_at", "restored_at"):
        return time_ok(expected, actual, chat_day)
    if name in ("revenue_lost", "recovery_cost"):
        return amount_ok(expected, actual)
    if name == "customer_phone":
        return phone_ok(expected, actual)
    if name == "customer_email":
        return str(actual or "").strip().lower() == str(expected or "").strip().lower()
    if name == "leaked_kinds":
        return kinds_ok(expected, actual)
    if isinstance(expected, bool) or expected is None:
        return actual is expected
    return actual is not None and str(actual) == str(expected)


TIME_FIELDS = ("started_at", "restored_at")


def times_in_future(expect: Mapping[str, Any], chat_start: datetime) -> bool:
    """Whether an expected ``d-0`` time lies after the chat started.

    The personas were written as if chatting late in the day ("this morning at 11:45"); run
    earlier, the story is impossible (a sane product reads a future clock time as yesterday),
    so the times of such a persona are not scored in that run (counted as ``time_skipped``).
    """
    specs = [expect.get(name) for name in TIME_FIELDS]
    return any(isinstance(spec, str) and spec.startswith("d")
               and resolve_time(spec, chat_start) > chat_start for spec in specs)


def score(expect: Mapping[str, Any], observed: Mapping[str, Any], chat_day: datetime
          ) -> list[FieldResult]:
    """One result per expected field; ``observed`` comes from :func:`observe_packet`.

    ``chat_day`` is when the chat started; times are left out when :func:`times_in_future`.
    """
    skip = TIME_FIELDS if times_in_future(expect, chat_day) else ()
    return [FieldResult(name, want, observed.get(name),
                        field_ok(name, want, observed.get(name), chat_day))
            for name, want in expect.items() if name not in skip]


def _first_at(timeline: Sequence[Mapping[str, Any]], kind: str) -> str | None:
    times = [str(e["at"]) for e in timeline if e.get("kind") == kind and e.get("at")]
    return min(times, key=lambda t: _parse_iso(t) or datetime.max.replace(tzinfo=TZ),
               default=None)


def observe_packet(packet: Mapping[str, Any]) -> dict[str, Any]:
    """The comparable facts of a case packet (``GET /api/cases/{ref}``) as plain values."""
    timeline = list(packet.get("timeline") or ())
    restored = _first_at(timeline, "restored")
    ongoing = any(e.get("kind") == "started" and e.get("note") == "ongoing" for e in timeline)
    # The persona's loss is what the customer says they lost, whatever kind the product
    # files it under (a contractor's invoice is a recovery cost, a refund its own kind).
    losses = list(packet.get("losses") or ())
    amounts = [_decimal((loss.get("amount") or {}).get("amount")) for loss in losses]
    currencies = sorted({str((loss.get("amount") or {}).get("currency")) for loss in losses})
    leak = packet.get("data_leak")
    customer = packet.get("customer") or {}
    facts = packet.get("facts") or {}
    return {
        "category": packet.get("category"),
        "started_at": _first_at(timeline, "started"),
        "restored_at": restored or ("ongoing" if ongoing else None),
        "revenue_lost": str(sum((a for a in amounts if a is not None), Decimal(0)))
        if losses else None,
        "currency": currencies[0] if len(currencies) == 1 else (currencies or facts.get(
            "currency")),
        "data_leaked": leak is not None,
        "leaked_kinds": sorted((leak or {}).get("kinds") or ()),
        "customer_email": customer.get("email"),
        "customer_phone": customer.get("phone"),
        "customer_name": customer.get("name"),
    }


# --------------------------------------------------------------------------- running


class Target(simulate.Target):
    """The stack under test; the case is read through the staff API, as an agent sees it."""

    def __init__(
        self, gateway_url: str, rasa_url: str, token: str, staff_token: str,
        session_key: str | None = None,
    ) -> None:  # fmt: skip
        super().__init__(gateway_url, rasa_url, token, database_url="", session_key=session_key)
        self.staff_token = staff_token

    def case(self, reference: str) -> dict[str, Any] | None:
        """The case packet from the staff API, as an agent would see it; None if absent."""
        response = self.client.get(f"{self.gateway_url}/api/cases/{reference}",
                                   headers={"Authorization": f"Bearer {self.staff_token}"})
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return dict(response.json())


def _custom(messages: Sequence[Mapping[str, Any]], kind: str) -> dict[str, Any] | None:
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("type") == kind:
            return custom
    return None


def _buttons(messages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    offered: list[dict[str, Any]] = []
    for message in messages:
        offered.extend(b for b in message.get("buttons") or () if isinstance(b, dict))
    return offered


@dataclass
class Turn:
    """One exchange: what the bot was asking, what the customer said, what came back."""

    asking: str | None
    source: str
    said: str
    bot: list[str]


@dataclass
class Exchange:
    """The outcome of one message: the bot's state after it and any case or hand-off."""

    state: BotState
    buttons: list[dict[str, Any]]
    reference: str | None
    filed: bool
    handoff: bool


def exchange(target: Target, session: str, answer: Answer, before: BotState,
             log: list[Turn]) -> Exchange:
    """Send ``answer``, log the turn and read back the tracker and the custom messages."""
    messages = target.say(session, answer)
    log.append(Turn(before.asking, answer.source, answer.text,
                    [str(m.get("text")) for m in messages if m.get("text")]))
    case_card = _custom(messages, "case")
    handoff = _custom(messages, "handoff")
    state = state_from_tracker(target.tracker(session), handed_off=handoff is not None)
    reference = state.case_reference
    if case_card and case_card.get("reference"):
        reference = str(case_card["reference"])
    if handoff is not None and handoff.get("reference"):
        reference = str(handoff["reference"])
    filed = state.case_submitted or (case_card is not None and before.asking == CONFIRM)
    return Exchange(state, _buttons(messages), reference, filed, handoff is not None)


@dataclass
class PersonaResult:
    """How one persona conversation went and how the case scored."""

    id: str
    language: str
    category: str
    style: str
    ended: str = "not_run"  # case, handoff, stuck (nothing to say), gave_up, turn_cap, error
    turns: int = 0
    reference: str | None = None
    fields: list[FieldResult] = field(default_factory=list)
    longest_repeat: int = 0
    repeated_question: str | None = None
    time_skipped: bool = False  # the expected times had not happened yet at chat time
    notes: list[str] = field(default_factory=list)
    transcript: list[Turn] = field(default_factory=list)

    @property
    def fields_ok(self) -> int:
        return sum(1 for f in self.fields if f.ok)

    @property
    def correct(self) -> bool:
        return self.ended == "case" and all(f.ok for f in self.fields)

    @property
    def stuck(self) -> bool:
        return self.ended in ("stuck", "turn_cap", "gave_up")


def play(target: Target, persona: Persona, result: PersonaResult) -> list[str | None]:
    """Drive one persona until a case, a hand-off, nothing to say or the turn cap."""
    session = f"persona{uuid.uuid4().hex[:16]}"
    progress = Progress()
    questions: list[str | None] = []
    answer: Answer | None = Answer(persona.opening, "opening")
    state = BotState()
    buttons: list[dict[str, Any]] = []
    while result.turns < MAX_TURNS:
        if answer is None:
            result.ended = "stuck"
            result.notes.append(f"nothing to say (asking {state.asking!r}, "
                                f"loop {state.active_loop!r})")
            return questions
        if answer.source not in ("opening", "correction", "mid_question"):
            questions.append(state.asking)
            if longest_run(questions[-GIVE_UP_REPEATS:])[0] >= GIVE_UP_REPEATS:
                result.ended = "gave_up"
                result.notes.append(f"asked {state.asking!r} {GIVE_UP_REPEATS} times in a row")
                return questions
        step = exchange(target, session, answer, state, result.transcript)
        result.turns += 1
        state, buttons = step.state, step.buttons
        result.reference = step.reference or result.reference
        if step.handoff or step.filed:
            result.ended = "handoff" if step.handoff else "case"
            return questions
        answer = next_answer(persona, state, progress, buttons)
    result.ended = "turn_cap"
    return questions


def run_persona(target: Target, persona: Persona) -> PersonaResult:
    """Play one persona, then fetch its case from the staff API and score it."""
    result = PersonaResult(persona.id, persona.language, persona.category, persona.style)
    chat_day = datetime.now(TZ)
    try:
        questions = play(target, persona, result)
    except httpx.HTTPError as exc:
        result.ended = "error"
        result.notes.append(f"{type(exc).__name__}: {exc}")
        questions = []
    result.longest_repeat, result.repeated_question = longest_run(questions)
    packet = target.case(result.reference) if result.reference else None
    if packet is None:
        result.notes.append("no case")
    result.fields = score(persona.expect, observe_packet(packet) if packet else {}, chat_day)
    result.time_skipped = times_in_future(persona.expect, chat_day)
    return result


@dataclass
class StubbornResult:
    """Whether a customer who knows nothing still reaches an end within the turn limit."""

    language: str
    category: str
    turns: int = 0
    longest_repeat: int = 0
    repeated_question: str | None = None
    idle_turns: int = 0  # replies while the bot asked nothing (no form question pending)
    summary_turn: int | None = None
    case_turn: int | None = None
    handoff_turn: int | None = None
    transcript: list[Turn] = field(default_factory=list)

    @property
    def ended(self) -> str:
        if self.handoff_turn is not None:
            return "handoff"
        if self.case_turn is not None:
            return "case"
        return "summary" if self.summary_turn is not None else "stuck"


def run_stubborn(target: Target, language: str, category: str) -> StubbornResult:
    """Open with the category only, then don't-know / off-topic to every question."""
    result = StubbornResult(language, category)
    session = f"stubborn{uuid.uuid4().hex[:16]}"
    answer = Answer(STUBBORN_OPENINGS[language][category], "opening")
    state = BotState()
    questions: list[str | None] = []
    while result.turns < STUBBORN_TURNS:
        if answer.source != "opening":
            questions.append(state.asking)
        step = exchange(target, session, answer, state, result.transcript)
        result.turns += 1
        state = step.state
        if state.awaiting_confirmation and result.summary_turn is None:
            result.summary_turn = result.turns
        if step.handoff or step.filed:
            if step.handoff:
                result.handoff_turn = result.turns
            else:
                result.case_turn = result.turns
            break
        answer = stubborn_answer(language, result.turns - 1)
    result.longest_repeat, result.repeated_question = longest_run(questions)
    result.idle_turns = questions.count(None)
    return result


# --------------------------------------------------------------------------- reporting


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def aggregate(results: Sequence[PersonaResult]) -> dict[str, Any]:
    """Totals of a group of conversations: correct-case rate, turns, field accuracy, stuck."""
    checked = sum(len(r.fields) for r in results)
    ok = sum(r.fields_ok for r in results)
    turns = [r.turns for r in results]
    return {
        "conversations": len(results),
        "correct_cases": sum(r.correct for r in results),
        "correct_rate": _rate(sum(r.correct for r in results), len(results)),
        "cases": sum(r.ended == "case" for r in results),
        "handoffs": sum(r.ended == "handoff" for r in results),
        "stuck": sum(r.stuck for r in results),
        "errors": sum(r.ended == "error" for r in results),
        "median_turns": statistics.median(turns) if turns else None,
        "fields_ok": ok,
        "fields_expected": checked,
        "field_accuracy": _rate(ok, checked),
        "max_repeat": max((r.longest_repeat for r in results), default=0),
        "time_skipped": sum(r.time_skipped for r in results),
    }


def summarise(results: Sequence[PersonaResult]) -> dict[str, Any]:
    """Aggregates overall, per language, per category, and per expected field."""
    by_field: dict[str, dict[str, int]] = {}
    for r in results:
        for f in r.fields:
            entry = by_field.setdefault(f.field, {"expected": 0, "ok": 0})
            entry["expected"] += 1
            entry["ok"] += int(f.ok)
    return {
        "all": aggregate(results),
        "by_language": {lang: aggregate([r for r in results if r.language == lang])
                        for lang in LANGUAGES if any(r.language == lang for r in results)},
        "by_category": {cat: aggregate([r for r in results if r.category == cat])
                        for cat in CATEGORIES if any(r.category == cat for r in results)},
        "by_field": by_field,
    }


def _num(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def aggregate_table(summary: Mapping[str, Any]) -> list[str]:
    """The Markdown table of the aggregates, one row per scope."""
    lines = ["| scope | convs | correct cases | correct rate | cases | handoffs | stuck "
             "| median turns | fields ok | field accuracy | max repeat | times skipped |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    scopes = [("all", summary["all"]), *summary["by_language"].items(),
              *summary["by_category"].items()]
    for name, t in scopes:
        lines.append(
            f"| {name} | {t['conversations']} | {t['correct_cases']} | {_num(t['correct_rate'])} "
            f"| {t['cases']} | {t['handoffs']} | {t['stuck']} | {_num(t['median_turns'])} "
            f"| {t['fields_ok']}/{t['fields_expected']} | {_num(t['field_accuracy'])} "
            f"| {t['max_repeat']} | {t['time_skipped']} |")
    lines += ["", "| field | expected | ok |", "|---|---|---|"]
    lines += [f"| {name} | {e['expected']} | {e['ok']} |"
              for name, e in sorted(summary["by_field"].items())]
    return lines


def detail_table(results: Sequence[PersonaResult]) -> list[str]:
    """Per-conversation rows (tuning only: held-out details are never written)."""
    lines = ["| id | lang | category | ended | turns | fields | longest repeat | wrong fields |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        wrong = "; ".join(f"{f.field}: want {f.expected!r} got {f.actual!r}"
                          for f in r.fields if not f.ok).replace("|", "/")
        repeat = f"{r.longest_repeat} ({r.repeated_question})" if r.longest_repeat > 1 else "1"
        lines.append(f"| {r.id} | {r.language} | {r.category} | {r.ended} | {r.turns} "
                     f"| {r.fields_ok}/{len(r.fields)} | {repeat} | {wrong} |")
    return lines


def persona_report(half: str, results: Sequence[PersonaResult], meta: Mapping[str, Any]
                   ) -> tuple[dict[str, Any], str]:
    """JSON and Markdown of one half; the held-out half gets aggregates only."""
    summary = summarise(results)
    data: dict[str, Any] = {**meta, "half": half, "summary": summary}
    lines = [f"# Persona player: {half} half", "", *aggregate_table(summary)]
    if half != "heldout":
        data["conversations"] = [
            {**{k: v for k, v in asdict(r).items() if k != "fields"},
             "correct": r.correct,
             "fields": {f.field: {"expected": f.expected, "actual": f.actual, "ok": f.ok}
                        for f in r.fields}}
            for r in results]
        lines += ["", *detail_table(results)]
    return data, "\n".join(lines) + "\n"


def stubborn_report(results: Sequence[StubbornResult], meta: Mapping[str, Any]
                    ) -> tuple[dict[str, Any], str]:
    """JSON and Markdown of the stubborn runs: one row per language and category."""
    lines = ["# Stubborn player", "",
             f"| lang | category | turns | longest repeat | idle replies | summary by turn "
             f"| case by turn | handoff by turn | ended (within {STUBBORN_TURNS}) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        repeat = f"{r.longest_repeat} ({r.repeated_question})" if r.longest_repeat else "0"
        lines.append(f"| {r.language} | {r.category} | {r.turns} | {repeat} | {r.idle_turns} "
                     f"| {_num(r.summary_turn)} | {_num(r.case_turn)} | {_num(r.handoff_turn)} "
                     f"| {r.ended} |")
    ended = [r.ended for r in results]
    lines += ["", f"stuck: {ended.count('stuck')}/{len(results)}, "
              f"max repeat: {max((r.longest_repeat for r in results), default=0)}"]
    data = {**meta, "results": [{**asdict(r), "ended": r.ended} for r in results]}
    return data, "\n".join(lines) + "\n"


def write_report(name: str, data: Mapping[str, Any], text: str) -> None:
    """Write ``reports/<name>.json`` and ``.md`` and print the table."""
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / f"{name}.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), "utf-8")
    (REPORTS / f"{name}.md").write_text(text, "utf-8")
    print()
    print(text, flush=True)


# --------------------------------------------------------------------------- main


def run_half(target: Target, half: str, languages: Sequence[str], limit: int | None,
             only: set[str] | None) -> None:
    """Play every persona of one half and write its report; held-out lines name no persona."""
    personas: list[Persona] = []
    for lang in languages:
        chosen = [p for p in load_personas(half, [lang]) if not only or p.id in only]
        personas.extend(chosen[:limit] if limit else chosen)
    started, results = time.monotonic(), []
    for index, persona in enumerate(personas, 1):
        result = run_persona(target, persona)
        results.append(result)
        if half == "heldout":  # progress only: nothing about any one held-out persona
            if index % 10 == 0 or index == len(personas):
                print(f"heldout: {index}/{len(personas)} played", flush=True)
            continue
        extra = (f" repeat {result.longest_repeat}x {result.repeated_question}"
                 if result.longest_repeat > 1 else "")
        print(f"{'OK  ' if result.correct else 'FAIL'} {persona.id}: {result.ended} in "
              f"{result.turns} turns, fields {result.fields_ok}/{len(result.fields)}{extra}",
              flush=True)
    meta = {"generated_at": datetime.now(TZ).isoformat(timespec="seconds"),
            "seconds": round(time.monotonic() - started, 1), "max_turns": MAX_TURNS}
    write_report(f"personas_{half}", *persona_report(half, results, meta))


def run_stubborn_all(target: Target, languages: Sequence[str]) -> None:
    """One stubborn conversation per language and category; writes its report."""
    started, results = time.monotonic(), []
    for lang in languages:
        for category in CATEGORIES:
            result = run_stubborn(target, lang, category)
            results.append(result)
            print(f"{lang} {category}: {result.ended}, longest repeat {result.longest_repeat}",
                  flush=True)
    meta = {"generated_at": datetime.now(TZ).isoformat(timespec="seconds"),
            "seconds": round(time.monotonic() - started, 1), "max_turns": STUBBORN_TURNS}
    write_report("personas_stubborn", *stubborn_report(results, meta))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command line; the four stack options go together (reuse a running stack)."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--half", choices=("tuning", "heldout", "all"),
                        help="default tuning; with --stubborn only when given")
    parser.add_argument("--lang", choices=("en", "zh", "all"), default="all")
    parser.add_argument("--limit", type=int, help="first N personas per language and half")
    parser.add_argument("--only", help="persona ids, comma-separated")
    parser.add_argument("--stubborn", action="store_true",
                        help="run the stubborn player (after --half, when given too)")
    parser.add_argument("--gateway-url")
    parser.add_argument("--rasa-url")
    parser.add_argument("--token", default="", help="Rasa HTTP API token")
    parser.add_argument("--staff-token", default="", help="staff API token of the gateway")
    args = parser.parse_args(argv)
    if bool(args.gateway_url) != bool(args.rasa_url):
        parser.error("--gateway-url and --rasa-url go together")
    if args.half is None and not args.stubborn:
        args.half = "tuning"
    return args


def run(args: argparse.Namespace, target: Target) -> None:
    """Run what the arguments ask for against ``target``."""
    languages = LANGUAGES if args.lang == "all" else (args.lang,)
    only = set(args.only.split(",")) if args.only else None
    halves = {None: (), "all": ("tuning", "heldout")}.get(args.half, (args.half,))
    for half in halves:
        run_half(target, half, languages, args.limit, only)
    if args.stubborn:
        run_stubborn_all(target, languages)


def main(argv: list[str] | None = None) -> int:
    """Start a stack unless one is given, run, and stop it; exit 2 when it could not run."""
    args = parse_args(argv)
    stack, workdir = None, None
    try:
        if args.gateway_url:
            target = Target(args.gateway_url, args.rasa_url, args.token, args.staff_token)
        else:
            from tests.integration.stack import Stack

            workdir = tempfile.TemporaryDirectory(prefix="personas-")
            stack = Stack(Path(workdir.name))
            print("starting the stack (Rasa model load takes ~60 s)", flush=True)
            stack.start()
            target = Target(stack.gateway_url, stack.rasa_url, stack.rasa_token,
                            stack.staff_token, stack.session_key)
        run(args, target)
    except Exception:  # noqa: BLE001 - could not run at all: say why, exit 2
        traceback.print_exc()
        return 2
    finally:
        if stack is not None:
            stack.stop()
        if workdir is not None:
            workdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
