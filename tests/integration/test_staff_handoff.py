"""Human hand-off end to end in headless Chromium: customer widget + agent console.

Customer asks for a person in the web widget; an agent (another browser context) signs in
at /staff, claims the case, replies; the reply shows in the customer's page; the customer
answers; the agent hands back and the bot answers the next message. Screenshots go to
test-artifacts/screenshots/.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.stack import ROOT, Stack

SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

pytestmark = [
    pytest.mark.integration,
    pytest.mark.browser,
]


@pytest.fixture
def browser() -> Iterator[object]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _escalated_case(stack: Stack, sender: str, timeout: float = 60) -> str:
    """The reference of *this* customer's case once it is in the staff queue.

    Other tests on the shared stack leave escalated cases too, so the queue's first
    entry may belong to someone else.
    """
    from db.engine import make_engine, make_session_factory
    from db.uow import UnitOfWork

    engine = make_engine(stack.env()["DATABASE_URL"])
    headers = {"Authorization": f"Bearer {stack.staff_token}"}
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with UnitOfWork(make_session_factory(engine)) as uow:
                customer = uow.cases.customer_for_identity(sender)
                mine = set(uow.cases.cases_of_customer(customer.id)) if customer else set()
            queue = httpx.get(f"{stack.gateway_url}/api/cases?escalated=true", headers=headers)
            if queue.status_code == 200:
                for case in queue.json()["cases"]:
                    if case["reference"] in mine:
                        return str(case["reference"])
            time.sleep(1)
    finally:
        engine.dispose()
    raise AssertionError("this customer's case did not appear in the staff queue")


def test_customer_agent_handoff_and_back(stack: Stack, browser: object) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    customer = browser.new_context(locale="en-US")  # type: ignore[attr-defined]
    agent = browser.new_context(locale="en-US")  # type: ignore[attr-defined]
    page = customer.new_page()
    page.goto(stack.gateway_url + "/")
    box = page.get_by_test_id("input")

    def say(text: str) -> None:
        box.fill(text)
        page.get_by_test_id("send").click()

    say("Our payment system was down for 3 hours yesterday and we lost orders.")
    page.wait_for_selector(".cw-msg.cw-bot", timeout=60_000)
    say("I want to talk to a human agent")
    page.wait_for_timeout(3000)
    page.screenshot(path=str(SHOTS / "handoff-1-customer-asked.png"), full_page=True)
    token = page.evaluate("localStorage.getItem('claim-intake-token')")
    reference = _escalated_case(stack, stack.sender_of_token(str(token)))

    console = agent.new_page()
    console.goto(stack.gateway_url + "/staff/login")
    console.fill("#agent", "alice")
    console.fill("#token", stack.staff_token)
    console.click("button[type=submit]")
    console.wait_for_selector(f"text={reference}")
    console.screenshot(path=str(SHOTS / "handoff-2-queue.png"), full_page=True)
    console.goto(f"{stack.gateway_url}/staff/cases/{reference}")
    console.click("#btn-claim")
    console.wait_for_selector("#btn-release", timeout=10_000)
    console.wait_for_selector("#chat-state.ok", timeout=10_000)
    console.fill("#chat-text", "Hello, I'm Alice from support. How can I help?")
    console.press("#chat-text", "Enter")

    page.wait_for_selector(".cw-msg.cw-agent:has-text('Alice from support')", timeout=15_000)
    page.screenshot(path=str(SHOTS / "handoff-3-customer-sees-agent.png"), full_page=True)
    say("We lost about 120 orders.")
    console.wait_for_selector("#chat-log .msg.customer:has-text('120 orders')", timeout=15_000)
    console.screenshot(path=str(SHOTS / "handoff-4-agent-chat.png"), full_page=True)

    console.click("#btn-handback")
    page.wait_for_timeout(1500)
    bots_before = page.locator(".cw-msg.cw-bot").count()
    say("What is the status of my case?")
    page.wait_for_function(
        "n => document.querySelectorAll('.cw-msg.cw-bot').length > n", arg=bots_before,
        timeout=60_000,
    )  # fmt: skip
    page.screenshot(path=str(SHOTS / "handoff-5-bot-back.png"), full_page=True)
    customer.close()
    agent.close()
