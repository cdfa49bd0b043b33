"""The HTTP protocol ``newsdesk serve`` runs: uvicorn's, plus a deadline on request headers.

uvicorn (0.55) has no setting for how long a client may take to send a request's headers:
``timeout_keep_alive`` only covers the idle time between requests and is cancelled by the
first byte received, so a client that sends one header byte every few seconds (slow-loris)
holds its connection, and a few hundred of them hold every connection the server allows.
ASGI middleware cannot help, since the app is called only once the headers are complete.
Here the protocol itself arms a timer when a connection opens (and when the next request on
a kept-alive connection starts arriving) and disarms it when the headers are parsed; a
client still sending headers when it fires gets ``408`` and the connection is closed.
Bodies have their own per-read timeout in the app's guard (``BODY_TIMEOUT``).
"""

from __future__ import annotations

import asyncio
from typing import Any

__all__ = ["HEADER_TIMEOUT", "header_deadline_protocol"]

#: Seconds a client gets to send a request line and all its headers (ordinary clients send
#: them in one packet; 10 s leaves room for a slow mobile link).
HEADER_TIMEOUT = 10.0

_TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 36\r\nconnection: close\r\n\r\nrequest headers not received in time"
)


def header_deadline_protocol(seconds: float = HEADER_TIMEOUT) -> type[asyncio.Protocol]:
    """Return uvicorn's HTTP protocol class with a deadline of ``seconds`` on request headers.

    Pass it as ``uvicorn.run(app, http=header_deadline_protocol())``. Works on both of
    uvicorn's implementations (httptools when installed, else h11): both create a new
    request cycle (``self.cycle``) when a request's headers are complete.

    Example:
        >>> protocol = header_deadline_protocol(5.0)
        >>> protocol.header_timeout
        5.0
    """
    if seconds <= 0:
        raise ValueError("seconds must be > 0")
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    base: Any = AutoHTTPProtocol

    class HeaderDeadline(base):  # type: ignore[misc]
        header_timeout = seconds

        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(transport)
            self._seen_cycle: object = None
            self._waiting = True  # for the headers of a request
            self._timer: asyncio.TimerHandle | None = None
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self._waiting and self._timer is None:
                self._arm()  # the next request on a kept-alive connection starts arriving
            super().data_received(data)
            if self.cycle is not None and self.cycle is not self._seen_cycle:
                self._seen_cycle = self.cycle
                self._waiting = False
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._waiting = True  # idle until the next byte: timeout_keep_alive's job

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._timer = self.loop.call_later(self.header_timeout, self._expired)

        def _disarm(self) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

        def _expired(self) -> None:
            self._timer = None
            if self._waiting and not self.transport.is_closing():
                self.transport.write(_TIMED_OUT)
                self.transport.close()

    HeaderDeadline.__qualname__ = HeaderDeadline.__name__ = f"HeaderDeadline{base.__name__}"
    return HeaderDeadline
