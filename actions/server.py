"""The action server's entry point: rasa-sdk's app, refusing every caller without the token.

Why not ``python -m rasa_sdk``: that server runs any action for any caller, and the actions
read and write customers' cases, so anything reaching port 5055 could act as any customer.
Rasa sends ``action_endpoint.token`` (endpoints.yml) as the query parameter ``token``; every
request except ``/health`` must carry it (compared in constant time) or gets 401.

Run as ``python -m actions.server --port 5055`` with ``ACTION_SERVER_TOKEN`` set; the token is
read once here, in ``main``, and handed to each Sanic worker's app through the loader.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
from functools import partial

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app_for_serve
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.worker.loader import AppLoader

ENV_VAR = "ACTION_SERVER_TOKEN"
TOKEN_PARAM = "token"
OPEN_PATHS = frozenset({"/health"})

log = logging.getLogger(__name__)


def token_matches(expected: str, given: str | None) -> bool:
    """Constant-time comparison; an empty or missing token never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def guarded_app(package: str, token: str) -> Sanic:
    """rasa-sdk's app for ``package`` with a request middleware that checks the token."""
    executor = ActionExecutor()
    executor.register_package(package)
    app = create_app_for_serve(executor, cors_origins=None)

    @app.on_request
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        if token_matches(token, request.args.get(TOKEN_PARAM)):
            return None
        return response.json({"error": "unauthorized"}, status=401)

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", default="actions")
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args(argv)
    token = os.environ.get(ENV_VAR, "")
    if not token:
        raise SystemExit(f"the action server needs a token: set {ENV_VAR}")
    utils.configure_colored_logging(logging.INFO)
    utils.update_sanic_log_level()
    loader = AppLoader(factory=partial(guarded_app, args.actions, token))
    app = loader.load()
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    log.info("action server on http://%s:%s (token required)", host, args.port)
    app.prepare(host=host, port=args.port, workers=utils.number_of_sanic_workers())
    Sanic.serve(primary=app, app_loader=loader)


if __name__ == "__main__":
    main()
