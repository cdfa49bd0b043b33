"""Polite, bounded, SSRF-safe HTTP fetching for feeds and pages.

Everything newsdesk takes from the network comes through ``Fetcher.fetch``:

- only ``http``/``https`` URLs;
- no requests to loopback, private, link-local, multicast, reserved or otherwise
  non-global addresses unless ``FetchOptions.allow_networks`` names them. The host is
  resolved and *every* address checked before the request, again on every redirect, and
  once more at connect time by the transport, which connects only to an address it has just
  vetted (so a DNS answer that changes between check and connect cannot slip through);
- bounded redirects, and one total deadline per fetch (connect, every header and body
  read: the socket itself is given only the time left, so a server that drips header
  bytes cannot stretch it); a maximum body size enforced while streaming (on the decoded
  bytes, so a gzip bomb stops at the limit too) and at most one ``Content-Encoding``
  layer (``gzip, gzip, gzip`` would inflate each layer whole before any check);
- conditional GET: pass the ``etag``/``last_modified`` of the previous answer and a
  ``304 Not Modified`` comes back as a result with ``not_modified`` set and no body.

Failures raise ``FetchError`` (an ``InputError``): one line naming the URL and the problem.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import certifi
import httpcore
import httpx
from httpcore._backends.base import SOCKET_OPTION

from . import __version__
from .errors import InputError

__all__ = [
    "DEFAULT_USER_AGENT",
    "FetchError",
    "FetchOptions",
    "FetchResult",
    "Fetcher",
    "Resolver",
    "address_problem",
    "check_url",
    "fetch",
    "system_resolver",
]

DEFAULT_USER_AGENT = f"newsdesk/{__version__} (news brief builder; polite feed reader)"

# Resolves (host, port) to IP address strings. Injected in tests so that no DNS query leaves
# the machine; the default asks the system resolver.
Resolver = Callable[[str, int], Sequence[str]]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchError(InputError):
    """A URL could not be fetched; ``str(err)`` is ``"<url>: <problem>"`` on one line.

    ``status`` is the HTTP status when the server answered, ``retry_after`` the seconds the
    server asked us to wait (429/503 ``Retry-After``), when it said so.
    """

    def __init__(
        self,
        url: str,
        reason: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(url, reason)
        self.url = url
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class FetchOptions:
    """Limits and manners of every fetch.

    ``timeout`` bounds each fetch as a whole (connect, redirects and body). ``max_bytes`` is
    10 MB: the largest real feed we know of is ~3 MB and the largest page in the extraction
    benchmarks ~2.5 MB. ``allow_networks`` lists CIDR blocks that may be fetched although
    they are not global (e.g. ``("127.0.0.1/32",)`` for a local test server).
    """

    timeout: float = 20.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    allow_networks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ValueError("FetchOptions.timeout must be > 0 seconds")
        if self.max_bytes <= 0:
            raise ValueError("FetchOptions.max_bytes must be > 0")
        if self.max_redirects < 0:
            raise ValueError("FetchOptions.max_redirects must be >= 0")
        for network in self.allow_networks:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError as exc:
                raise ValueError(
                    f"FetchOptions.allow_networks: {network!r} is not a CIDR block "
                    "(write e.g. '127.0.0.1/32' or '10.0.0.0/8')"
                ) from exc


@dataclass(frozen=True)
class FetchResult:
    """One fetched resource. ``url`` is the final URL after redirects."""

    requested_url: str
    url: str
    status: int
    content: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """True when the server answered 304: the caller's copy is current."""
        return self.status == 304


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve ``host`` with the system resolver; return its distinct addresses in order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone id
        if address not in seen:
            seen.append(address)
    return seen


_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def address_problem(address: str, allow_networks: Iterable[str] = ()) -> str | None:
    """Say why ``address`` may not be fetched, or return None when it may.

    Args:
        address: an IPv4 or IPv6 address string.
        allow_networks: CIDR blocks allowed even though they are not global.

    Returns:
        None, or a short reason such as ``"loopback address 127.0.0.1"``.

    Example:
        >>> address_problem("10.1.2.3")
        'private address 10.1.2.3'
    """
    try:
        ip: _IPAddress = ipaddress.ip_address(address)
    except ValueError:
        return f"not an IP address: {address!r}"
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    for block in allow_networks:
        network = ipaddress.ip_network(block, strict=False)
        if ip.version == network.version and ip in network:
            return None
    if ip.is_loopback:
        kind = "loopback"
    elif ip.is_link_local:
        kind = "link-local"
    elif ip.is_multicast:
        kind = "multicast"
    elif ip.is_unspecified:
        kind = "unspecified"
    elif ip.is_reserved:
        kind = "reserved"
    elif ip.is_private:
        kind = "private"
    elif not ip.is_global:
        kind = "non-global"
    else:
        return None
    return f"{kind} address {ip}"


def _host_and_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = scheme or "none"
        raise FetchError(url, f"only http and https URLs are fetched (scheme: {shown})")
    try:
        host = parts.hostname
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise FetchError(url, f"invalid URL ({exc})") from exc
    if not host:
        raise FetchError(url, "URL has no host")
    return host, port


def _vetted_addresses(
    url: str, host: str, port: int, resolver: Resolver, allow_networks: Sequence[str]
) -> list[str]:
    try:
        addresses = [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        try:
            addresses = list(resolver(host, port))
        except (OSError, UnicodeError) as exc:
            raise FetchError(url, f"cannot resolve host {host!r}") from exc
    if not addresses:
        raise FetchError(url, f"host {host!r} has no addresses")
    # Every address is checked, not just the first: the connection may use any of them.
    for address in addresses:
        problem = address_problem(address, allow_networks)
        if problem is not None:
            raise FetchError(
                url,
                f"refusing to fetch {host}: {problem} (allow it with --allow-network)",
            )
    return addresses


def check_url(
    url: str, *, options: FetchOptions | None = None, resolver: Resolver = system_resolver
) -> list[str]:
    """Check that ``url`` may be fetched; return the vetted addresses of its host.

    Args:
        url: the URL to check.
        options: supplies ``allow_networks`` (default: none allowed).
        resolver: host resolver (default: the system's).

    Returns:
        The host's addresses, all allowed.

    Raises:
        FetchError: the scheme is not http(s), the host does not resolve, or an address is
            not allowed.

    Example:
        >>> check_url("http://127.0.0.1/feed.xml")  # doctest: +IGNORE_EXCEPTION_DETAIL
        Traceback (most recent call last):
        newsdesk.fetch.FetchError: http://127.0.0.1/feed.xml: refusing to fetch ...
    """
    opts = options or FetchOptions()
    host, port = _host_and_port(url)
    return _vetted_addresses(url, host, port, resolver, opts.allow_networks)


class _Refused(Exception):
    """Raised inside the transport when a connect-time address check fails."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Deadline(threading.local):
    """The monotonic deadline of the fetch running on this thread (None: no fetch)."""

    at: float | None = None

    def left(self, timeout: float | None) -> float | None:
        """Return ``timeout`` cut to the time left; raise ReadTimeout when none is left."""
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("fetch deadline passed")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write gets only the time left in the fetch."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._deadline.left(timeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Connects only to addresses it has itself resolved and vetted (defeats DNS rebinding)."""

    def __init__(self, resolver: Resolver, allow_networks: Sequence[str]) -> None:
        self._resolver = resolver
        self._allow = tuple(allow_networks)
        self._inner = httpcore.SyncBackend()
        self.deadline = _Deadline()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = _vetted_addresses(host, host, port, self._resolver, self._allow)
        except FetchError as exc:
            raise _Refused(exc.reason) from None
        last: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    timeout=self.deadline.left(timeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
                return _DeadlineStream(stream, self.deadline)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are never used for fetching")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, resolver: Resolver, allow_networks: Sequence[str]) -> None:
        super().__init__(trust_env=False)
        self.backend = _GuardedBackend(resolver, allow_networks)
        # httpx builds its pool in __init__ without a way to pass a network backend, so we
        # replace the pool with one that has the same settings plus our guarded backend.
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl.create_default_context(cafile=certifi.where()),
            max_connections=10,
            max_keepalive_connections=5,
            keepalive_expiry=5.0,
            network_backend=self.backend,
        )


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


class Fetcher:
    """An HTTP client with newsdesk's limits; the caller owns (and closes) it.

    Args:
        options: limits and allowed networks.
        resolver: host resolver (tests inject one so no DNS query leaves the machine).

    Example:
        >>> with Fetcher(FetchOptions(timeout=10)) as fetcher:  # doctest: +SKIP
        ...     result = fetcher.fetch("https://example.org/feed.xml")
    """

    def __init__(
        self, options: FetchOptions | None = None, *, resolver: Resolver = system_resolver
    ) -> None:
        self.options = options or FetchOptions()
        self._resolver = resolver
        transport = _GuardedTransport(resolver, self.options.allow_networks)
        self._deadline = transport.backend.deadline
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(self.options.timeout),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": self.options.user_agent},
        )

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
    ) -> FetchResult:
        """Fetch ``url`` with a conditional GET, following redirects within the limits.

        Args:
            url: an http(s) URL.
            etag: the ``ETag`` of the copy the caller holds (sent as ``If-None-Match``).
            last_modified: its ``Last-Modified`` (sent as ``If-Modified-Since``).
            accept: an ``Accept`` header value.

        Returns:
            The result; ``not_modified`` is set (and ``content`` empty) on 304.

        Raises:
            FetchError: refused address or scheme, network failure, timeout, too many
                redirects, body over ``max_bytes``, or an HTTP error status.
        """
        opts = self.options
        deadline = time.monotonic() + opts.timeout
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        current = url.split("#", 1)[0]
        self._deadline.at = deadline
        try:
            return self._follow(url, current, headers, deadline)
        finally:
            self._deadline.at = None

    def _follow(
        self, url: str, current: str, headers: dict[str, str], deadline: float
    ) -> FetchResult:
        opts = self.options
        for hop in range(opts.max_redirects + 1):
            try:
                check_url(current, options=opts, resolver=self._resolver)
            except FetchError as exc:
                if hop == 0:
                    raise
                raise FetchError(url, f"redirected to {current}: {exc.reason}") from None
            location = self._request(url, current, headers, deadline)
            if isinstance(location, FetchResult):
                return location
            current = location
        raise FetchError(url, f"more than {opts.max_redirects} redirects")

    def _request(
        self, url: str, current: str, headers: dict[str, str], deadline: float
    ) -> FetchResult | str:
        """Send one request; return the result, or the next URL when redirected."""
        opts = self.options
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(url, f"timed out after {opts.timeout:g} s")
        try:
            with self._client.stream(
                "GET", current, headers=headers, timeout=remaining
            ) as response:
                status = response.status_code
                if status in _REDIRECTS:
                    target = response.headers.get("location")
                    if not target:
                        raise FetchError(url, f"HTTP {status} redirect without a Location")
                    next_url: str = urljoin(current, target.strip()).split("#", 1)[0]
                    return next_url
                if status == 304:
                    return FetchResult(
                        url,
                        current,
                        304,
                        etag=response.headers.get("etag"),
                        last_modified=response.headers.get("last-modified"),
                    )
                if status >= 400 or status < 200:
                    raise FetchError(
                        url,
                        f"HTTP {status} {response.reason_phrase}".rstrip(),
                        status=status,
                        retry_after=_retry_after(response.headers.get("retry-after")),
                    )
                content = self._read_body(url, response, deadline)
                return FetchResult(
                    url,
                    current,
                    status,
                    content,
                    content_type=response.headers.get("content-type"),
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
        except _Refused as exc:
            raise FetchError(url, exc.reason) from None
        except httpx.TimeoutException as exc:
            raise FetchError(url, f"timed out after {opts.timeout:g} s") from exc
        except httpx.InvalidURL as exc:
            raise FetchError(url, f"invalid URL ({exc})") from exc
        except httpx.HTTPError as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise FetchError(url, f"cannot fetch: {detail}") from exc

    def _read_body(self, url: str, response: httpx.Response, deadline: float) -> bytes:
        limit = self.options.max_bytes
        layers = [
            c.strip().lower()
            for c in response.headers.get("content-encoding", "").split(",")
            if c.strip() and c.strip().lower() != "identity"
        ]
        if len(layers) > 1:
            # Each layer is decoded whole per network chunk before the size check sees it:
            # 298 bytes of "gzip, gzip, gzip" inflate to 4 GB in one step. No real server
            # stacks encodings.
            raise FetchError(
                url, f"refusing stacked Content-Encoding ({', '.join(layers)}): one layer at most"
            )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"response of {int(declared):,} bytes exceeds {limit:,} bytes")
        chunks: list[bytes] = []
        size = 0
        # iter_bytes yields decoded bytes, so the limit also caps what a compressed body
        # expands to; the deadline stops a server that drips bytes just under the timeout.
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(url, f"response exceeds {limit:,} bytes")
            if time.monotonic() > deadline:
                raise FetchError(url, f"timed out after {self.options.timeout:g} s")
            chunks.append(chunk)
        return b"".join(chunks)


def fetch(
    url: str,
    *,
    options: FetchOptions | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    resolver: Resolver = system_resolver,
) -> FetchResult:
    """Fetch one URL with a short-lived ``Fetcher`` (see ``Fetcher.fetch``).

    Args:
        url: an http(s) URL.
        options: limits and allowed networks.
        etag: validator of the caller's copy, for a conditional GET.
        last_modified: the other validator.
        resolver: host resolver.

    Returns:
        The ``FetchResult``.

    Example:
        >>> fetch("http://10.0.0.1/")  # doctest: +IGNORE_EXCEPTION_DETAIL
        Traceback (most recent call last):
        newsdesk.fetch.FetchError: http://10.0.0.1/: refusing to fetch 10.0.0.1: ...
    """
    with Fetcher(options, resolver=resolver) as fetcher:
        return fetcher.fetch(url, etag=etag, last_modified=last_modified)
