"""Write stories/rules_intake.yml: the intake's form chain and its digression rules.

Five forms times a dozen interruptions is a lot of near-identical YAML, so it is generated
from the tables below; `tests/unit/test_generated_rules.py` checks the file is current.
Run: .venv/bin/python scripts/gen_rules.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

OUT = Path(__file__).resolve().parent.parent / "stories" / "rules_intake.yml"

FORMS = ["incident_form", "impact_form", "liability_form", "evidence_form", "contact_form"]

# intent -> the bot's answer; afterwards the form asks its pending question again.
DIGRESSIONS = {
    "faq": ["action_answer_faq"],
    "chitchat": ["action_answer_chitchat"],
    "challenge_bot": ["utter_iamabot"],
    "change_language": ["utter_language_changed"],
    "out_of_scope": ["action_answer_faq"],
    "correct_answer": ["action_apply_correction"],
    "greet": ["utter_continue_intake"],
    "say_thanks": ["utter_you_are_welcome"],
    "ask_status": ["action_case_status"],
    "export_data": ["action_export_data"],
}

# intent -> action after which the bot waits without asking again (a person takes over).
PAUSES = {"request_human": "action_request_human"}


def in_form(form: str, intent: str, actions: list[str]) -> dict[str, Any]:
    steps: list[dict[str, Any]] = [{"intent": intent}]
    steps += [{"action": a} for a in actions]
    steps += [{"action": form}, {"active_loop": form}]
    return {
        "rule": f"{intent} inside {form}",
        "condition": [{"active_loop": form}],
        "steps": steps,
    }


def confirmed_inside(
    form: str, intent: str, ask: str, pending: str, done: str, withdrawn: str
) -> list[dict[str, Any]]:
    """An account request inside a form that is asked to confirm first: yes ends the
    intake with it (deleting the data it collected), no goes back to the form."""
    def condition() -> list[dict[str, Any]]:  # a list each, or the YAML shares it by alias
        return [{"active_loop": form}, {"slot_was_set": [{pending: True}]}]

    return [
        {"rule": f"{intent} inside {form} asks first", "condition": [{"active_loop": form}],
         "steps": [{"intent": intent}, {"action": ask}, {"slot_was_set": [{pending: True}]}]},
        {"rule": f"{intent} confirmed inside {form}", "condition": condition(),
         "steps": [{"intent": "affirm"}, {"action": done}, {"active_loop": None},
                   {"slot_was_set": [{pending: False}]}]},
        {"rule": f"{intent} withdrawn inside {form}", "condition": condition(),
         "steps": [{"intent": "deny"}, {"action": withdrawn}, {"slot_was_set": [{pending: False}]},
                   {"action": form}, {"active_loop": form}]},
    ]  # fmt: skip


def rules() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {
            "rule": "an incident report starts the intake",
            "steps": [
                {"intent": "report_incident"},
                {"action": "action_start_intake"},
                {"slot_was_set": [{"intake_active": True}]},
                {"action": "incident_form"},
                {"active_loop": "incident_form"},
            ],
        }
    ]
    for current, following in zip(FORMS, FORMS[1:], strict=False):
        out.append(
            {
                "rule": f"{current} done, continue with {following}",
                "condition": [{"active_loop": current}],
                "steps": [
                    {"action": current},
                    {"active_loop": None},
                    {"slot_was_set": [{"requested_slot": None}]},
                    {"action": following},
                    {"active_loop": following},
                ],
            }
        )
    out.append(
        {
            "rule": "all forms done, summarise and ask to confirm",
            "condition": [{"active_loop": FORMS[-1]}],
            "steps": [
                {"action": FORMS[-1]},
                {"active_loop": None},
                {"slot_was_set": [{"requested_slot": None}]},
                {"action": "action_summarize_claim"},
                {"slot_was_set": [{"awaiting_confirmation": True}]},
            ],
        }
    )
    for form in FORMS:
        for intent, actions in DIGRESSIONS.items():
            out.append(in_form(form, intent, actions))
        for intent, action in PAUSES.items():
            out.append(
                {
                    "rule": f"{intent} inside {form}",
                    "condition": [{"active_loop": form}],
                    "steps": [{"intent": intent}, {"action": action}],
                }
            )
        out += confirmed_inside(form, "delete_data", "action_ask_delete_data", "delete_pending",
                                "action_delete_data", "action_keep_data")  # fmt: skip
        out.append(
            {
                "rule": f"cancel inside {form} asks first",
                "condition": [{"active_loop": form}],
                "steps": [
                    {"intent": "cancel_intake"},
                    {"action": "action_ask_cancel"},
                    {"slot_was_set": [{"cancel_pending": True}]},
                ],
            }
        )
        out.append(
            {
                "rule": f"cancel confirmed inside {form}",
                "condition": [{"active_loop": form}, {"slot_was_set": [{"cancel_pending": True}]}],
                "steps": [
                    {"intent": "affirm"},
                    {"action": "action_cancel_intake"},
                    {"active_loop": None},
                    {"slot_was_set": [{"cancel_pending": False}, {"intake_active": False}]},
                ],
            }
        )
        out.append(
            {
                "rule": f"cancel withdrawn inside {form}",
                "condition": [{"active_loop": form}, {"slot_was_set": [{"cancel_pending": True}]}],
                "steps": [
                    {"intent": "deny"},
                    {"action": "action_keep_intake"},
                    {"slot_was_set": [{"cancel_pending": False}]},
                    {"action": form},
                    {"active_loop": form},
                ],
            }
        )
    return out


def render() -> str:
    header = "# Generated by scripts/gen_rules.py: edit the script, not this file.\n"
    body = yaml.safe_dump(
        {"version": "3.1", "rules": rules()}, allow_unicode=True, sort_keys=False, width=100
    )
    return header + body


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {OUT}\n")
