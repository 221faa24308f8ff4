"""The web widget in headless Chromium against the real stack (Rasa, actions, gateway).

A phone-sized page: full intakes in English and Chinese, a screenshot upload that lands
in the case with its sha256, a reload that keeps the conversation, and an agent reply
(through the staff API) that appears in the open page. Screenshots go to
test-artifacts/screenshots/.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.bot.fake_telegram import PNG
from tests.integration.stack import ROOT, Stack

pytestmark = [pytest.mark.integration, pytest.mark.browser]

SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, stack: Stack) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    tab = context.new_page()
    tab.goto(f"{stack.gateway_url}/")
    wait_connected(tab)
    yield tab
    context.close()


def wait_connected(tab: Any) -> None:
    tab.wait_for_selector(".cw[data-ready='true'][data-connected='true']", timeout=30_000)


def shot(tab: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def answers(tab: Any) -> int:
    return int(tab.locator(".cw-bot, .cw-error, .cw-card, .cw-agent").count())


def settle(tab: Any, before: int, timeout: float = 120) -> None:
    """Wait for the first answer, then until no more arrive for a moment."""
    deadline = time.monotonic() + timeout
    while answers(tab) <= before:
        if time.monotonic() > deadline:
            raise AssertionError(f"no answer; log: {tab.locator('.cw-log').inner_text()}")
        tab.wait_for_timeout(100)
    count = answers(tab)
    while True:
        tab.wait_for_timeout(800)
        if answers(tab) == count or time.monotonic() > deadline:
            return
        count = answers(tab)


def say(tab: Any, text: str) -> None:
    before = answers(tab)
    tab.locator(".cw-input").fill(text)
    tab.locator(".cw-input").press("Enter")
    settle(tab, before)


def set_language(tab: Any, language: str) -> None:
    root_lang = tab.locator(".cw").get_attribute("lang")
    if not str(root_lang).startswith(language):
        tab.get_by_test_id("lang-toggle").click()
    assert str(tab.locator(".cw").get_attribute("lang")).startswith(language)


def upload(tab: Any, tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    before = answers(tab)
    tab.get_by_test_id("file").set_input_files(str(path))
    tab.wait_for_selector(".cw-file-msg[data-sha256]", timeout=60_000)
    settle(tab, before)
    return str(tab.locator(".cw-file-msg").last.get_attribute("data-sha256"))


def evidence_of(stack: Stack, reference: str) -> list[Any]:
    from db.engine import make_engine, make_session_factory
    from db.uow import UnitOfWork

    engine = make_engine(stack.env()["DATABASE_URL"])
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            return uow.cases.evidence(reference)
    finally:
        engine.dispose()


def test_full_english_intake_and_screenshot_upload(page: Any, stack: Stack, tmp_path: Path) -> None:
    set_language(page, "en")
    for text in [
        "Our payment API was down yesterday from 9am to 1pm, we lost about $12,000 in "
        "orders and 3000 customers were affected",
        "no, nothing changed on our side and no third party was involved",
        "we have system logs and screenshots",
        "John Smith, john.smith@example.com",
    ]:
        say(page, text)
    shot(page, "widget-en-before-confirm")
    yes = page.locator(".cw-qr", has_text="Yes")
    if yes.count():
        before = answers(page)
        yes.first.click()
        settle(page, before)
    else:
        say(page, "yes")
    card = page.get_by_test_id("case-card")
    card.wait_for(timeout=60_000)
    reference = str(card.get_attribute("data-reference"))
    assert reference.startswith("CLM-")
    shot(page, "widget-en-case-card")
    sha = upload(page, tmp_path, "screenshot.png", PNG)
    assert sha == hashlib.sha256(PNG).hexdigest()
    shot(page, "widget-en-uploaded")
    assert sha in {e.sha256 for e in evidence_of(stack, reference)}


def test_full_chinese_intake(page: Any, stack: Stack) -> None:
    set_language(page, "zh")
    for text in [
        "昨天上午10点我们的会员系统被黑了，5万名用户的手机号被泄露，到中午12点才修复，损失大约20万元",
        "昨天中午发现的",  # a leak asks when the customer learned of it
        "没有，我们没改过配置，也没有第三方",
        "有系统日志和泄露通知",
        "王小明，13800138000",
        "确认",
    ]:
        say(page, text)
    card = page.get_by_test_id("case-card")
    card.wait_for(timeout=60_000)
    assert str(card.get_attribute("data-reference")).startswith("CLM-")
    assert "案件" in card.inner_text()
    shot(page, "widget-zh-case-card")


def test_screenshot_upload_lands_in_the_case(page: Any, stack: Stack, tmp_path: Path) -> None:
    set_language(page, "en")
    say(page, "hello")
    sha = upload(page, tmp_path, "screenshot.png", PNG)
    assert sha == hashlib.sha256(PNG).hexdigest()
    text = page.locator(".cw-log").inner_text()
    reference = next(w for w in text.replace(".", " ").split() if w.startswith("CLM-"))
    assert sha in {e.sha256 for e in evidence_of(stack, reference)}
    shot(page, "widget-upload")


def test_a_program_named_png_is_refused_in_the_page(page: Any, tmp_path: Path) -> None:
    set_language(page, "en")
    path = tmp_path / "screenshot.png"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 500)
    page.get_by_test_id("file").set_input_files(str(path))
    page.wait_for_selector(".cw-error", timeout=30_000)
    assert page.locator(".cw-file-msg").count() == 0
    shot(page, "widget-refused-upload")


def test_reload_keeps_the_conversation(page: Any) -> None:
    set_language(page, "en")
    say(page, "hello, are you a bot?")
    session = page.evaluate("window.ClaimChat.session()")
    before = page.locator(".cw-msg").count()
    page.reload()
    wait_connected(page)
    page.wait_for_function(f"document.querySelectorAll('.cw-msg').length >= {before}")
    assert page.evaluate("window.ClaimChat.session()") == session
    assert "hello, are you a bot?" in page.locator(".cw-log").inner_text()
    shot(page, "widget-after-reload")


def test_agent_reply_appears_in_the_open_page(page: Any, stack: Stack, tmp_path: Path) -> None:
    set_language(page, "en")
    say(page, "hello")
    upload(page, tmp_path, "screenshot.png", PNG)  # the upload opens a draft case
    text = page.locator(".cw-log").inner_text()
    reference = next(w for w in text.replace(".", " ").split() if w.startswith("CLM-"))
    response = httpx.post(
        f"{stack.gateway_url}/api/cases/{reference}/reply",
        headers={"Authorization": f"Bearer {stack.staff_token}", "X-Agent": "alice"},
        json={"text": "Hello, this is Alice from support."}, timeout=30,
    )
    assert response.status_code == 200, response.text
    page.locator(".cw-agent", has_text="Hello, this is Alice from support.").wait_for(
        timeout=30_000
    )
    shot(page, "widget-agent-push")


def test_a_refused_session_is_renewed_and_the_message_still_goes(
    browser: Any, stack: Stack
) -> None:
    """A token the gateway never issued (or one that expired) in localStorage: the widget
    gets a new session and the customer's message is answered, not lost."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    context.add_init_script("localStorage.setItem('claim-intake-token', 'made-up-or-expired')")
    tab = context.new_page()
    try:
        tab.goto(f"{stack.gateway_url}/")
        wait_connected(tab)
        token = tab.evaluate("window.ClaimChat.session()")
        assert token != "made-up-or-expired"
        assert tab.evaluate("localStorage.getItem('claim-intake-token')") == token
        set_language(tab, "en")
        say(tab, "hello")
        assert tab.locator(".cw-bot").count() >= 1
        assert "hello" in str(stack.tracker(stack.sender_of_token(str(token))))
    finally:
        context.close()
