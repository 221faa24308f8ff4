"""Text → facts: what a customer's words say, kept apart from the rules in `claims/`."""
