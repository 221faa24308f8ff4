"""`python -m bot`: run the gateway with uvicorn on the configured loopback address."""

from __future__ import annotations

import uvicorn

from bot.app import create_app
from bot.settings import get_settings


def main() -> None:
    settings = get_settings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


if __name__ == "__main__":
    main()
