"""Form validators ask only for what `understanding.slots.required_slots` says is missing."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.forms import (
    ActionAskEndedAt,
    ValidateContactForm,
    ValidateEvidenceForm,
    ValidateImpactForm,
    ValidateIncidentForm,
    ValidateLiabilityForm,
)
from understanding.slots import required_slots

from .conftest import D20, said, tracker

BASE = {
    "description": "数据库出问题了", "affected_systems": ["database"],
    "started_at": D20.format("09:00"), "ended_at": D20.format("13:00"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("validator", "slots", "asked"),
    [
        (ValidateIncidentForm(), {}, "description"),
        (ValidateIncidentForm(), {"description": "支付宕机"}, "category"),
        (ValidateIncidentForm(), {"description": "x", "category": "outage"}, "affected_systems"),
        (ValidateIncidentForm(), {**BASE, "category": "outage"}, None),
        (ValidateIncidentForm(), {**BASE, "category": "functional_defect"}, None),
        # a leak is asked when it was stopped (in leak words: ActionAskEndedAt)
        (ValidateIncidentForm(), {**BASE, "category": "security_breach", "ended_at": None},
         "ended_at"),
        (ValidateIncidentForm(), {**BASE, "category": "data_loss"}, "data_leaked"),
        (ValidateIncidentForm(), {**BASE, "category": "data_loss", "data_leaked": True},
         "leaked_data_kinds"),
        (ValidateIncidentForm(), {**BASE, "category": "security_breach", "data_leaked": False},
         None),
        (ValidateIncidentForm(), {**BASE, "category": "security_breach", "data_leaked": True,
                                  "leaked_data_kinds": ["phone_number"]}, "leaked_records"),
        (ValidateIncidentForm(), {**BASE, "category": "security_breach", "data_leaked": True,
                                  "leaked_data_kinds": ["phone_number"], "leaked_records": 30.0,
                                  "detected_at": D20.format("15:00")}, None),
        (ValidateIncidentForm(), {**BASE, "category": "outage", "ended_at": None}, "ended_at"),
        (ValidateImpactForm(), {"revenue_lost": {"amount": "0", "currency": "CNY"}}, None),
        (ValidateLiabilityForm(), {"customer_config_changed": False}, "third_party_involved"),
        (ValidateLiabilityForm(), {"customer_config_changed": False,
                                   "third_party_involved": True}, None),
        (ValidateEvidenceForm(), {"evidence_items": ["system_logs"]}, None),
        (ValidateContactForm(), {"customer_name": "张三"}, "customer_contact"),
        (ValidateContactForm(), {"customer_contact": "a@b.com"}, "customer_name"),
    ],
)  # fmt: skip
async def test_the_form_asks_the_next_missing_slot(
    domain: DomainDict, validator: FormValidationAction, slots: dict[str, Any], asked: str | None
) -> None:
    form = validator.form_name()
    t = tracker(domain, "好的", intent="affirm", slots=slots, active_loop=form,
                requested_slot="description")  # fmt: skip
    dispatcher = CollectingDispatcher()
    events = await validator.run(dispatcher, t, domain)
    first = [SlotSet("asked_slot", asked), SlotSet("asked_times", 1)] if asked else []
    assert events == [*first, SlotSet("requested_slot", asked)]
    assert said(dispatcher) == []
    needed = required_slots(form, t.current_slot_values())
    assert (needed[0] if needed else None) == asked


def test_validator_names_follow_the_forms(domain: DomainDict) -> None:
    names = [v.name() for v in (ValidateIncidentForm(), ValidateImpactForm(),
             ValidateLiabilityForm(), ValidateEvidenceForm(), ValidateContactForm())]  # fmt: skip
    intake = [form for form in domain["forms"] if form != "access_code_form"]
    assert names == [f"validate_{form}" for form in intake]
    assert all(name in domain["actions"] for name in names)


@pytest.mark.parametrize(
    ("category", "response"),
    [("security_breach", "utter_ask_ended_at_leak"),
     ("functional_defect", "utter_ask_ended_at_defect"),
     ("outage", "utter_ask_ended_at"), (None, "utter_ask_ended_at")],
)  # fmt: skip
def test_the_end_is_asked_in_the_words_of_the_case(
    domain: DomainDict, category: str | None, response: str
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = Tracker.from_dict({"sender_id": "t", "slots": {"category": category}, "events": []})
    assert ActionAskEndedAt().run(dispatcher, tracker, domain) == []
    assert [m["response"] for m in dispatcher.messages] == [response]
