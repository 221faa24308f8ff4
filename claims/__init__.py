"""The claims domain: pure rules for incident compensation claims.

Modules: ``case`` (dataclasses), ``stages`` (transitions), ``categories`` (classifier),
``liability``, ``losses``, ``compensation``, ``durations``, ``evidence``, ``escalation``,
``policy`` (the YAML policy), ``render`` (zh/en text), ``status`` (draft/open/closed),
``lifecycle`` (the case use cases, on a unit of work) and ``cli`` (``python -m claims``).
Nothing is loaded at import time; call ``claims.policy.load_policy()`` and pass the policy.
"""
