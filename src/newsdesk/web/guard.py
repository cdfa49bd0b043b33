"""The web app's guard: an ASGI middleware in front of every request.

It checks the token from the headers before any body byte is read, bounds and times request
bodies (413, 408), accepts only JSON writes to the API, and adds the security headers
(``CSP`` and friends) to every response.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi.responses import JSONResponse

__all__ = ["BODY_TIMEOUT", "CSP", "TOKEN_NEEDED", "ASGIApp", "Guard", "token_ok"]

#: Every response carries this policy: scripts, styles and requests only from this server;
#: no inline script, no plugin, no framing, forms post only here.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

ASGIApp = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
    Awaitable[None],
]


# Seconds a client gets to deliver each part of a request body: a client that opens an upload
# and stalls holds a connection and its buffered bytes (150 stalled 8 MB uploads: 1.16 GB).
BODY_TIMEOUT = 10.0
#: What a request without the server's token is told.
TOKEN_NEEDED = "this server needs a token: send 'Authorization: Bearer $NEWSDESK_TOKEN'"


def token_ok(token: str, authorization: str | None) -> bool:
    """Whether an ``Authorization`` header value carries ``token`` as a bearer token."""
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)


class Guard:
    """ASGI middleware: the token checked from the headers before any body byte is read,
    bounded and timed request bodies (413, 408), and the security headers."""

    def __init__(
        self, app: ASGIApp, max_body: int, token: str | None = None, guard_reads: bool = False
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.token = token
        self.guard_reads = guard_reads

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[Any]],
        send: Callable[[Any], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0] not in _HEADER_NAMES]
                message = {**message, "headers": headers + _SECURITY_HEADERS}
            await send(message)

        async def refuse(status: int, detail: str, headers: dict[str, str] | None = None) -> None:
            """Answer ``status`` with ``detail`` without reading (more of) the request."""
            response = JSONResponse({"detail": detail}, status_code=status, headers=headers)
            await response(scope, receive, send_secured)

        headers = dict(scope.get("headers", []))
        writes = scope["method"] in ("POST", "PUT", "PATCH", "DELETE")
        if (
            self.token is not None
            and (writes or (self.guard_reads and not scope["path"].startswith("/static/")))
            and not token_ok(self.token, headers.get(b"authorization", b"").decode("latin-1"))
        ):
            await refuse(401, TOKEN_NEEDED, {"WWW-Authenticate": "Bearer", "connection": "close"})
            return
        if scope["method"] in ("POST", "PUT", "PATCH"):
            kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
            if scope["path"].startswith("/api/") and kind != b"application/json":
                # A cross-site form can post text/plain without a CORS preflight; JSON it
                # cannot, so writes accept JSON only.
                await refuse(415, "send the body as application/json")
                return
            declared = headers.get(b"content-length")
            too_big = declared is not None and declared.isdigit() and int(declared) > self.max_body
            chunks: list[bytes] = []
            size = 0
            while not too_big:
                try:
                    message = await asyncio.wait_for(receive(), BODY_TIMEOUT)
                except TimeoutError:
                    detail = f"request body not received within {BODY_TIMEOUT:g} s"
                    await refuse(408, detail, {"connection": "close"})
                    return
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                too_big = size > self.max_body
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
            if too_big:
                detail = f"request body larger than {self.max_body:,} bytes"
                await refuse(413, detail, {"connection": "close"})
                return
            body = b"".join(chunks)
            replayed = False

            async def replay() -> Any:
                nonlocal replayed
                if replayed:
                    return await receive()
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}

            await self.app(scope, replay, send_secured)
            return
        await self.app(scope, receive, send_secured)


_HEADER_NAMES = {name for name, _ in _SECURITY_HEADERS}
