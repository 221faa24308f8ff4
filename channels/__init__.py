"""Rasa input channels of ours; loaded by Rasa (``.venv-rasa``), never by the gateway."""
