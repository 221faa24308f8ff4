"""Gateway tests (hub, channels, staff API)."""
