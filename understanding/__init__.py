"""Text → facts: what a customer's words say, kept apart from the rules in `claims/`.

One parser per quantity: amounts and counts are read by `amounts`, times by `timeparse`.
The spaCy entity_ruler's `money`/`duration`/`datetime`/`percent`/`affected_count` spans are
evaluated as NLU output but read by no code (docs/architecture.md says why).
"""
