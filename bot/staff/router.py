"""The staff side as one router for ``bot/app.py``: API, console pages and the watcher.

``bot/app.py`` builds the service (case store, evidence store, names, the hub) and passes it
in; nothing here reads settings or opens a database.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import APIRouter, FastAPI

from bot.auth import AgentDirectory
from bot.staff.api import build_api
from bot.staff.console import LoginGuard, build_console
from bot.staff.service import StaffService
from bot.staff.watcher import HandoffWatcher


def staff_router(
    service: StaffService,
    directory: AgentDirectory,
    watcher: HandoffWatcher | None = None,
    guard: LoginGuard | None = None,
) -> APIRouter:
    """API + console (+ the hand-off watcher as a lifespan task when one is given)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.staff = service
        task = asyncio.create_task(watcher.run(), name="handoff-watcher") if watcher else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task

    router = APIRouter(lifespan=lifespan)
    api, sockets = build_api(service, directory)
    router.include_router(api)
    router.include_router(sockets)
    router.include_router(build_console(service, directory, guard))
    return router
