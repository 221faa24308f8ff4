"""`python -m bot`: run the gateway with uvicorn on the configured loopback address."""

from __future__ import annotations

import sys

import uvicorn

from bot.app import create_app
from bot.auth import WeakToken
from bot.settings import get_settings


def main() -> None:
    settings = get_settings()
    try:
        app = create_app(settings)
    except WeakToken as error:
        sys.exit(f"gateway not started: {error}")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")


if __name__ == "__main__":
    main()
