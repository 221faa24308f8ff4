"""Form validators: each form asks only for what is still missing.

The answers are extracted for every message by `action_validate_slot_mappings`; here each
form only decides, through `understanding.slots.required_slots`, which of its questions remain.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from understanding.slots import required_slots


class IntakeFormValidator(FormValidationAction):
    """Shared behaviour; subclasses only name their form."""

    form = ""

    def name(self) -> str:
        return f"validate_{self.form}"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        slots: dict[str, Any] = dict(tracker.current_slot_values())
        return required_slots(self.form, slots)


class ValidateIncidentForm(IntakeFormValidator):
    form = "incident_form"


class ValidateImpactForm(IntakeFormValidator):
    form = "impact_form"


class ValidateLiabilityForm(IntakeFormValidator):
    form = "liability_form"


class ValidateEvidenceForm(IntakeFormValidator):
    form = "evidence_form"


class ValidateContactForm(IntakeFormValidator):
    form = "contact_form"
