"""Property: the action that computes the estimate never raises, whatever the slots hold."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.intake import ActionSubmitClaim
from understanding.slots import INTAKE_SLOTS

from .conftest import load_domain, tracker
from .test_intake_actions import OUTAGE_EN

DOMAIN = load_domain()
AMOUNT = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str), st.text(max_size=8),
    st.integers().map(str), st.sampled_from(["1e26", "-5", "1e1000", "NaN", ""]),
)  # fmt: skip
VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12),
    st.fixed_dictionaries({"amount": AMOUNT, "currency": st.sampled_from(["CNY", "USD", "XX"])}),
    st.lists(st.text(max_size=6), max_size=3),
    st.datetimes(timezones=st.just(None)).map(lambda d: d.isoformat() + "+08:00"),
)  # fmt: skip


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.dictionaries(st.sampled_from(INTAKE_SLOTS), VALUE, max_size=8))
def test_submit_never_raises(domain: DomainDict, extra: dict[str, Any]) -> None:
    slots = {**OUTAGE_EN, **extra, "awaiting_confirmation": True}
    dispatcher = CollectingDispatcher()
    events = ActionSubmitClaim().run(dispatcher, tracker(DOMAIN, "yes", slots=slots), domain)
    assert isinstance(events, list)
    assert dispatcher.messages  # the customer always hears something
