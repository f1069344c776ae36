"""The Starlette application: routing, authentication, scopes and faults.

Routes come from the generated operation table, so the server answers exactly the
paths of the spec (trailing slash included), each also under PostHog's deprecated
``/api/environments/`` alias: the same handler, plus the ``Deprecation``, ``Sunset``
and successor ``Link`` headers PostHog adds there. Each request passes, in PostHog's
order, through: faults, routing (the state's ``environments_only`` and ``unrouted``
options), authentication (401), the project check (404), the scope check (403), body
parsing, and finally a synchronous handler run under the state lock. HANDLERS is
keyed by operation id; an operation added to the spec before its handler is written
answers 501, so regenerating from a new spec needs no edit here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import httpx
from posthog_api_client.operations import OPERATIONS, Operation
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Match, Route
from starlette.types import Message, Receive, Scope, Send

from . import computed, prompts, resources
from ._errors import (
    ApiError,
    authentication_failed,
    envelope,
    method_not_allowed,
    missing_scope,
    not_authenticated,
    not_found,
    server_error,
    throttled,
)
from ._http import Ctx, Handler, Reply
from ._json import parse_body
from .state import ServerState

HANDLERS: dict[str, Handler] = {**prompts.HANDLERS, **resources.HANDLERS, **computed.HANDLERS}
_RECORD = "posthog_api.testing.record"
_BODY_METHODS = frozenset({"POST", "PATCH", "PUT"})
# Every route takes every method, so the endpoint itself answers 405 in DRF's shape.
_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
CANONICAL_PREFIX = "/api/projects/"
ALIAS_PREFIX = "/api/environments/"
SUNSET = "Fri, 31 Jul 2026 00:00:00 GMT"
CURRENT_PROJECT = "@current"


def not_implemented(operation_id: str) -> ApiError:
    """501 in DRF's error shape for an operation of the spec that has no handler yet."""
    return ApiError(
        501,
        envelope(
            "server_error",
            "not_implemented",
            f"the local server does not implement {operation_id}: add a handler for it "
            "to HANDLERS in posthog_api/testing/app.py",
        ),
    )


def scope_satisfied(needed: str, granted: tuple[str, ...]) -> bool:
    """``*`` grants everything; ``X:write`` also grants ``X:read``."""
    if "*" in granted or needed in granted:
        return True
    obj, _, action = needed.partition(":")
    return action == "read" and f"{obj}:write" in granted


def _authenticate(request: Request, state: ServerState) -> tuple[str, ...]:
    header = request.headers.get("authorization")
    if not header:
        raise not_authenticated()
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise not_authenticated()
    scopes = state.scopes_of(token.strip())
    if scopes is None:
        raise authentication_failed()
    return scopes


async def _read_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}  # DRF reads an empty body as an empty form: every field is missing
    return parse_body(raw)  # NaN, inf, lone surrogates and deep nesting are a 400


def _routed(state: ServerState, operation: Operation, alias: bool) -> bool:
    """Whether this server version serves ``operation`` under this prefix."""
    names = {operation.operation_id, operation.tag}
    if names & state.unrouted:
        return False
    return alias or not names & state.environments_only


def _alias_headers(request: Request) -> dict[str, str]:
    """PostHog's deprecation headers: the successor is the same path and query on the
    canonical prefix."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    path = raw.decode("latin-1")
    successor = CANONICAL_PREFIX + path[len(ALIAS_PREFIX) :]
    query = request.scope.get("query_string", b"").decode("latin-1")
    if query:
        successor += "?" + query
    return {
        "Deprecation": "true",
        "Sunset": SUNSET,
        "Link": f'<{successor}>; rel="successor-version"',
    }


def _response(reply: Reply) -> Response:
    if reply.body is None:
        return Response(status_code=reply.status, headers=reply.headers)
    return JSONResponse(reply.body, status_code=reply.status, headers=reply.headers)


def _endpoint(state: ServerState, operations: Mapping[str, Operation], alias: bool) -> Any:
    allowed = ", ".join(sorted(operations))

    async def endpoint(request: Request) -> Response:
        operation = operations.get(request.method)
        headers = _alias_headers(request) if alias else {}
        if operation is None:
            # A path whose every operation is unrouted here does not exist at all.
            present = any(_routed(state, op, alias) for op in operations.values())
        else:
            present = _routed(state, operation, alias)
        if not present:
            missing = not_found("Endpoint not found.")
            return JSONResponse(missing.body, status_code=missing.status, headers=headers)
        record = request.scope.get(_RECORD)
        if record is not None and operation is not None:
            record.operation_id = operation.operation_id
        try:
            granted = _authenticate(request, state)
            if request.path_params.get("project_id") not in (state.project_id, CURRENT_PROJECT):
                raise not_found("Project not found.")
            if operation is None:
                raise method_not_allowed(request.method)
            for needed in operation.scopes:
                if not scope_satisfied(needed, granted):
                    raise missing_scope(needed)
            handler = HANDLERS.get(operation.operation_id)
            if handler is None:
                raise not_implemented(operation.operation_id)
            body = await _read_body(request) if request.method in _BODY_METHODS else None
            ctx = Ctx(
                state=state,
                method=request.method,
                url=str(request.url),
                params={k: str(v) for k, v in request.path_params.items()},
                query=list(request.query_params.multi_items()),
                body=body,
            )
            # No await below: the check-then-write of every handler is atomic.
            with state.lock:
                reply = handler(ctx)
        except ApiError as error:
            reply = Reply(error.status, error.body, dict(error.headers))
        if reply.status == 405 and reply.body is None:
            reply.headers.setdefault("Allow", allowed)
        reply.headers.update(headers)
        return _response(reply)

    return endpoint


async def _not_found(request: Request, exc: Exception) -> Response:
    """Django's APPEND_SLASH: GET without the slash is redirected; the rest is PostHog's
    catch-all for ``/api/...`` paths no view serves (no authentication, no project check)."""
    path = request.url.path
    if request.method in ("GET", "HEAD") and not path.endswith("/"):
        probe = {**request.scope, "path": path + "/"}
        if any(route.matches(probe)[0] is Match.FULL for route in request.app.router.routes):
            target = request.url.replace(path=path + "/")
            return RedirectResponse(str(target), status_code=301)
    missing = not_found("Endpoint not found.")
    return JSONResponse(missing.body, status_code=missing.status)


class _LocalPostHog(Starlette):
    """Starlette plus the outermost layer: the request log and the faults.

    The faults act here, outside Starlette's own error middleware, so that a dropped
    connection can close the real socket before any response is started.
    """

    server_state: ServerState

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        state = self.server_state
        record = state.record(
            scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1")
        )
        scope = {**scope, _RECORD: record}

        async def logged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.status = message["status"]
            await send(message)

        decision = state.faults.decide(scope["method"])
        if decision.delay > 0:
            await asyncio.sleep(decision.delay)
        if decision.drop:
            record.dropped = True
            await _drop_connection(send)
            return
        early: ApiError | None = None
        if decision.throttle is not None:
            early = throttled(decision.throttle)
        elif decision.error is not None:
            early = server_error(decision.error)
        if early is not None:
            response = _response(Reply(early.status, early.body, early.headers))
            await response(scope, receive, logged_send)
            return
        await super().__call__(scope, receive, logged_send)


async def _drop_connection(send: Send) -> None:
    """Close the connection without a response.

    Under uvicorn the ``send`` callable is bound to the connection's request cycle,
    which holds the socket transport: closing it makes the client see the peer hang
    up (httpx: ``RemoteProtocolError: Server disconnected without sending a
    response``). In process (``httpx.ASGITransport``) there is no socket, so the same
    httpx exception is raised straight to the caller instead.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
    transport.close()
    for _ in range(200):  # let uvicorn notice, so it does not try to answer 500
        if getattr(cycle, "disconnected", True):
            break
        await asyncio.sleep(0.001)


def create_app(state: ServerState) -> Starlette:
    """An ASGI app serving every operation of the spec against ``state``."""
    by_path: dict[str, dict[str, Operation]] = {}
    for operation in OPERATIONS.values():
        by_path.setdefault(operation.path, {})[operation.method] = operation
    routes = []
    for path, ops in sorted(by_path.items()):
        routes.append(Route(path, _endpoint(state, ops, alias=False), methods=_ALL_METHODS))
        if path.startswith(CANONICAL_PREFIX):
            alias = ALIAS_PREFIX + path[len(CANONICAL_PREFIX) :]
            routes.append(Route(alias, _endpoint(state, ops, alias=True), methods=_ALL_METHODS))
    app = _LocalPostHog(routes=routes, exception_handlers={404: _not_found})
    app.router.redirect_slashes = False
    app.server_state = state
    return app
