"""No customer-facing text of the staff side renders a raw code: stage changes, the staff
group's escalation notice, the Markdown packet and the console all show names.
"""

from __future__ import annotations

import json
import re

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from bot.staff.notify import announce_escalation, stage_message
from claims.names import CODES, Names
from claims.policy import default_policy
from db.evidence_store import EvidenceStore
from db.packet import case_packet, render_markdown
from db.uow import UnitOfWork
from tests.bot.test_staff_api import auth, make_app, seed, sessions, store, template_db

__all__ = ["sessions", "store", "template_db"]  # fixtures

#: Codes a reader could mistake for words when shown (``closed``) are left out: a code
#: with an underscore is never a name.
SNAKE_CODES = sorted({c for codes in CODES.values() for c in codes if "_" in c})


def raw_codes(text: str) -> list[str]:
    return [c for c in SNAKE_CODES if re.search(rf"(?<![\w/-]){c}(?![\w-])", text)]


@pytest.fixture(scope="module")
def names() -> Names:
    return Names(default_policy())


@pytest.mark.parametrize("language", ["zh", "en"])
def test_stage_messages_name_every_stage(names: Names, language: str) -> None:
    for stage in CODES["stage"]:
        text = stage_message(names, "CLM-2026-000001", stage, "", language)
        assert names.stage(stage, language) in text and raw_codes(text) == [], text


async def test_escalation_notice_names_the_reason(names: Names) -> None:
    sent: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json={"ok": True})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        for reason in CODES["reason"]:
            assert await announce_escalation(
                names, "token", "-100", reference="CLM-2026-000001", priority=40,
                reason=reason, console_url=None, client=client,
            )  # fmt: skip
    for reason, payload in zip(CODES["reason"], sent, strict=True):
        assert names.reason(reason, "zh") in payload["text"]
        assert names.reason(reason, "en") in payload["text"]
        assert raw_codes(payload["text"]) == [], payload["text"]


def visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_packet_markdown_and_console_show_names(
    sessions: sessionmaker[Session], store: EvidenceStore, names: Names, language: str
) -> None:
    ref = seed(sessions, store)
    app, _ = make_app(sessions, store)
    client = TestClient(app)
    moved = client.post(f"/api/cases/{ref}/stage", headers=auth(),
                        json={"stage": "evidence_collection", "notify": False})  # fmt: skip
    assert moved.status_code == 200
    with UnitOfWork(sessions) as uow:
        packet = case_packet(uow, ref)
    assert packet["stage"]["current"] == "evidence_collection"  # the JSON keeps codes
    text = render_markdown(packet, language, names)
    assert names.stage("evidence_collection", language) in text
    assert names.loss("lost_orders", language) in text
    assert names.evidence("screenshots", language) in text
    assert names.reason("customer_requested_human", language) in text
    # the audit log lists actions (stage_changed ...), not names of the kinds above
    assert raw_codes(text) == [], raw_codes(text)
    page = client.get(f"/staff/cases/{ref}", headers=auth())
    queue = client.get("/staff", headers=auth())
    for html in (page.text, queue.text):
        assert raw_codes(visible(html)) == [], raw_codes(visible(html))
    assert names.stage("evidence_collection", "en") in page.text
    labels = client.get("/api/stages", headers=auth()).json()["labels"]
    assert labels["investigation"] == {"zh": "调查评估", "en": "Investigation and assessment"}
