"""Nothing lost, nothing twice: customer messages survive a Rasa outage and a gateway restart.

Issue 16 item 6. The outage queue used to live in the gateway's memory (a gateway restart
during a Rasa outage dropped it), and a message whose reply never came back (Rasa killed or
too slow after it had the message) was resent as if undelivered, so Rasa heard it twice.

A stack of its own, because the tests kill Rasa and restart the gateway. Counting is done in
the case database's transcript table (what the customer said, what the bot answered) and in
Rasa's tracker (what Rasa heard), never by timing.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.integration.stack import MODEL, Stack
from tests.integration.test_faults import kill9, with_db

pytestmark = pytest.mark.integration

CUSTOMERS = 50
#: How long the delivery of the whole burst may take before the test calls it lost.
PATIENCE = 120.0


def own_stack(
    factory: pytest.TempPathFactory, name: str, env: dict[str, str]
) -> Iterator[Stack]:
    """A stack of one test module's own, with ``env`` added (the fixture body)."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first", pytrace=False)
    running = Stack(workdir=factory.mktemp(name), extra_env=env)
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    env = {"RASA_RETRY_SECONDS": "0.5", "RASA_TIMEOUT_SECONDS": "4"}
    yield from own_stack(tmp_path_factory, "delivery", env)


def send(stack: Stack, session: str, text: str) -> int:
    """One web message; the status (200 answered, 503 kept for later) or 0 if refused."""
    try:
        response = httpx.post(
            f"{stack.gateway_url}/chat/messages", json={"text": text},
            headers=stack.session_headers(session), timeout=60,
        )
    except httpx.HTTPError:
        return 0
    return response.status_code


def transcript_counts(stack: Stack, who: str, senders: list[str]) -> dict[str, int]:
    """Messages of ``who`` (customer | bot) per sender identity, from the transcript table."""
    from db.models import TranscriptRow

    def run(uow: Any) -> dict[str, int]:
        counts: dict[str, int] = {}
        for sender in senders:
            customer = uow.cases.customer_for_identity(sender)
            stmt = select(func.count(TranscriptRow.id)).where(
                TranscriptRow.customer_id == (customer.id if customer else -1),
                TranscriptRow.sender == who,
            )
            counts[sender] = int(uow.session.execute(stmt).scalar_one())
        return counts

    return dict(with_db(stack, run))


def heard(stack: Stack, sender: str, text: str) -> int:
    """How many times Rasa's tracker holds this customer message."""
    events: list[dict[str, Any]] = stack.tracker(sender)["events"]  # type: ignore[assignment]
    return sum(1 for e in events if e.get("event") == "user" and e.get("text") == text)


def wait_for_replies(stack: Stack, senders: list[str]) -> dict[str, int]:
    """Until every sender has a bot reply in the transcript (or PATIENCE runs out)."""
    deadline = time.monotonic() + PATIENCE
    while True:
        replies = transcript_counts(stack, "bot", senders)
        if all(replies.get(s, 0) > 0 for s in senders) or time.monotonic() > deadline:
            return replies
        time.sleep(1)


def test_burst_with_rasa_killed_and_gateway_restarted_loses_and_doubles_nothing(
    outage: Stack,
) -> None:
    sessions = [f"burst{i:02d}{uuid.uuid4().hex[:8]}" for i in range(CUSTOMERS)]
    texts = {outage.sender(s): f"hello, this is customer {s[5:7]}" for s in sessions}
    by_session = {s: texts[outage.sender(s)] for s in sessions}
    senders = [outage.sender(s) for s in sessions]
    with ThreadPoolExecutor(max_workers=CUSTOMERS) as pool:
        first = [pool.submit(send, outage, s, by_session[s]) for s in sessions[: CUSTOMERS // 2]]
        while not any(f.done() for f in first):
            time.sleep(0.05)
        kill9(outage, "rasa")  # mid-burst: some answered, some in flight, some not sent
        rest = [pool.submit(send, outage, s, by_session[s]) for s in sessions[CUSTOMERS // 2 :]]
        statuses = [f.result() for f in first + rest]
    assert 0 not in statuses, statuses  # every message was taken (answered or kept)
    # While Rasa is still down the gateway restarts: a queue in memory would be gone now.
    outage.restart("gateway")
    outage.start("rasa")

    replies = wait_for_replies(outage, senders)
    said = transcript_counts(outage, "customer", senders)
    assert [s for s in senders if replies.get(s, 0) == 0] == []  # nothing lost
    assert {s: said.get(s) for s in senders} == {s: 1 for s in senders}
    doubled = {s: n for s in senders if (n := heard(outage, s, texts[s])) != 1}
    assert doubled == {}  # nothing heard twice (or never)


def test_reply_timeout_is_not_resent_as_undelivered(outage: Stack) -> None:
    """Rasa has the message but answers after the gateway gave up: it must not hear it twice.

    A regression check more than a reproduction: Sanic cancels the request of a client that
    went away, so even the old resend-on-timeout was heard once here. The rule itself is
    pinned in tests/bot/test_outbox.py; the burst test above exercises it for real (under
    load Rasa answers after the 4 s timeout).
    """
    session = f"slow{uuid.uuid4().hex}"
    sender = outage.sender(session)
    text = "hello, I would like to report an outage"
    rasa = outage.processes["rasa"]
    os.killpg(rasa.pid, signal.SIGSTOP)  # Rasa takes the request but cannot answer in time
    try:
        status = send(outage, session, text)
    finally:
        os.killpg(rasa.pid, signal.SIGCONT)
    assert status == 503  # the customer was told the answer comes later
    replies = wait_for_replies(outage, [sender])
    assert replies.get(sender, 0) > 0
    time.sleep(3)  # a few retry rounds: a wrong resend would have happened by now
    assert heard(outage, sender, text) == 1
    assert transcript_counts(outage, "customer", [sender])[sender] == 1
