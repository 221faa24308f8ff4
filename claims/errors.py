"""The one error the domain raises for bad input, naming the field that is wrong.

Callers (CLI, actions, staff API) catch this and show the message; anything else escaping
the domain is a bug. It is a ``ValueError`` so older callers that catch that still work.
"""

from __future__ import annotations


class ClaimsValidationError(ValueError):
    """An input value is missing, malformed, negative or out of bounds."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")
