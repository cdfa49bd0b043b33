"""Fetching: SSRF guard, redirects, limits, conditional GET — against a server on 127.0.0.1 only."""

from __future__ import annotations

import gzip
import socket
import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from _localserver import LOOPBACK, LocalServer, Reply, Seen
from newsdesk.errors import InputError
from newsdesk.fetch import (
    DEFAULT_USER_AGENT,
    Fetcher,
    FetchError,
    FetchOptions,
    address_problem,
    check_url,
    fetch,
)

LOCAL = FetchOptions(timeout=5.0, allow_networks=LOOPBACK)


def no_dns(host: str, port: int) -> list[str]:
    raise AssertionError(f"unexpected DNS lookup of {host}")


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as srv:
        yield srv


@pytest.fixture
def no_connect(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything tries to open a TCP connection."""

    def refuse(*args: object, **kwargs: object) -> socket.socket:
        raise AssertionError(f"connection attempted: {args}")

    monkeypatch.setattr(socket, "create_connection", refuse)


def test_fetch_from_loopback_when_allowed(server: LocalServer) -> None:
    server.routes["/a"] = Reply(b"hello", headers={"Content-Type": "text/plain", "ETag": '"v1"'})
    result = fetch(server.url("/a"), options=LOCAL)
    assert result.status == 200
    assert result.content == b"hello"
    assert result.etag == '"v1"'
    assert result.content_type == "text/plain"
    assert result.url == server.url("/a")
    assert not result.not_modified
    assert server.requests[0].headers["user-agent"] == DEFAULT_USER_AGENT


def test_loopback_refused_by_default_without_sending(server: LocalServer) -> None:
    server.routes["/a"] = Reply(b"secret")
    with pytest.raises(FetchError) as info:
        fetch(server.url("/a"), resolver=no_dns)
    assert "loopback address 127.0.0.1" in str(info.value)
    assert server.url("/a") in str(info.value)
    assert "\n" not in str(info.value)
    assert server.requests == []


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://127.0.0.1/", "loopback address 127.0.0.1"),
        ("http://127.1.2.3:8080/x", "loopback address 127.1.2.3"),
        ("http://10.0.0.1/", "private address 10.0.0.1"),
        ("http://172.16.5.4/", "private address 172.16.5.4"),
        ("http://192.168.1.1/", "private address 192.168.1.1"),
        ("http://169.254.169.254/latest/meta-data/", "link-local address 169.254.169.254"),
        ("http://0.0.0.0/", "unspecified address 0.0.0.0"),
        ("http://224.0.0.1/", "multicast address 224.0.0.1"),
        ("http://240.0.0.1/", "reserved address 240.0.0.1"),
        ("http://100.64.0.1/", "non-global address 100.64.0.1"),
        ("http://[::1]/", "loopback address ::1"),
        ("http://[fe80::1]/", "link-local address fe80::1"),
        ("http://[fc00::1]/", "private address fc00::1"),
        ("http://[::ffff:127.0.0.1]/", "loopback address 127.0.0.1"),
        ("https://[::ffff:10.0.0.7]:8443/", "private address 10.0.0.7"),
    ],
)
def test_guard_refuses_non_global_addresses(url: str, problem: str, no_connect: None) -> None:
    with pytest.raises(FetchError) as info:
        fetch(url, resolver=no_dns)
    assert problem in info.value.reason
    assert info.value.url == url


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/x", "gopher://x/", "data:text/plain,hi", "x"],
)
def test_only_http_and_https(url: str, no_connect: None) -> None:
    with pytest.raises(FetchError, match="only http and https URLs are fetched"):
        fetch(url, resolver=no_dns)


def test_every_resolved_address_is_checked(no_connect: None) -> None:
    def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.1.1.1"]  # one public, one private answer

    with pytest.raises(FetchError, match="private address 10.1.1.1"):
        check_url("http://mixed.invalid/", resolver=resolver)


def test_hostname_resolving_to_private_is_refused(no_connect: None) -> None:
    def resolver(host: str, port: int) -> list[str]:
        assert (host, port) == ("intranet.invalid", 443)
        return ["192.168.0.10"]

    with pytest.raises(FetchError, match="refusing to fetch intranet.invalid"):
        fetch("https://intranet.invalid/feed", resolver=resolver)


def test_connect_time_recheck_defeats_dns_rebinding(server: LocalServer) -> None:
    answers = iter([["93.184.216.34"], ["127.0.0.1"], ["127.0.0.1"]])

    def rebinding(host: str, port: int) -> list[str]:
        return next(answers)  # public for the pre-check, loopback when connecting

    server.routes["/feed"] = Reply(b"internal")
    with pytest.raises(FetchError, match="loopback address 127.0.0.1"):
        fetch(f"http://rebind.invalid:{server.port}/feed", resolver=rebinding)
    assert server.requests == []


def test_unresolvable_host_is_one_line_error() -> None:
    def resolver(host: str, port: int) -> list[str]:
        raise socket.gaierror("no such host")

    with pytest.raises(FetchError, match=r"cannot resolve host 'nowhere.invalid'"):
        fetch("http://nowhere.invalid/", resolver=resolver)


def test_fetch_error_is_input_error() -> None:
    err = FetchError("http://x.invalid/", "HTTP 404 Not Found", status=404)
    assert isinstance(err, InputError)
    assert str(err) == "http://x.invalid/: HTTP 404 Not Found"
    assert err.location == "http://x.invalid/"


def test_redirects_are_followed_and_rechecked(server: LocalServer) -> None:
    server.routes["/old"] = Reply(status=301, headers={"Location": "/mid"})
    server.routes["/mid"] = Reply(status=302, headers={"Location": server.url("/new#frag")})
    server.routes["/new"] = Reply(b"moved here")
    result = fetch(server.url("/old"), options=LOCAL)
    assert result.content == b"moved here"
    assert result.url == server.url("/new")
    assert result.requested_url == server.url("/old")
    assert [r.path for r in server.requests] == ["/old", "/mid", "/new"]


def test_redirect_to_internal_address_refused_after_real_hop(server: LocalServer) -> None:
    server.routes["/go"] = Reply(status=307, headers={"Location": "http://10.9.8.7/admin"})
    with pytest.raises(FetchError) as info:
        fetch(server.url("/go"), options=LOCAL, resolver=no_dns)
    assert "private address 10.9.8.7" in str(info.value)
    assert str(info.value).startswith(server.url("/go") + ": ")
    assert [r.path for r in server.requests] == ["/go"]


def test_redirect_to_file_url_is_refused(server: LocalServer) -> None:
    server.routes["/go"] = Reply(status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(FetchError, match="scheme: file"):
        fetch(server.url("/go"), options=LOCAL)


def test_redirect_limit(server: LocalServer) -> None:
    for i in range(5):
        server.routes[f"/r{i}"] = Reply(status=302, headers={"Location": f"/r{i + 1}"})
    server.routes["/r5"] = Reply(b"end")
    options = FetchOptions(timeout=5.0, max_redirects=2, allow_networks=LOOPBACK)
    with pytest.raises(FetchError, match="more than 2 redirects"):
        fetch(server.url("/r0"), options=options)
    assert len(server.requests) == 3
    assert fetch(server.url("/r3"), options=options).content == b"end"


def test_redirect_loop_stops(server: LocalServer) -> None:
    server.routes["/loop"] = Reply(status=302, headers={"Location": "/loop"})
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch(server.url("/loop"), options=LOCAL)
    assert len(server.requests) == 6


def test_conditional_get_returns_304(server: LocalServer) -> None:
    stamp = "Thu, 11 Jun 2020 10:00:00 GMT"

    def feed(seen: Seen) -> Reply:
        if seen.headers.get("if-none-match") == '"abc"':
            return Reply(status=304, headers={"ETag": '"abc"'})
        return Reply(b"<rss/>", headers={"ETag": '"abc"', "Last-Modified": stamp})

    server.routes["/feed"] = feed
    with Fetcher(LOCAL) as fetcher:
        first = fetcher.fetch(server.url("/feed"))
        second = fetcher.fetch(server.url("/feed"), etag=first.etag, last_modified=stamp)
    assert (first.status, first.content, first.last_modified) == (200, b"<rss/>", stamp)
    assert second.not_modified
    assert second.content == b""
    assert second.etag == '"abc"'
    assert "if-none-match" not in server.requests[0].headers
    assert server.requests[1].headers["if-none-match"] == '"abc"'
    assert server.requests[1].headers["if-modified-since"] == stamp


def test_declared_size_over_limit(server: LocalServer) -> None:
    server.routes["/big"] = Reply(b"x" * 5000)
    options = FetchOptions(max_bytes=1000, allow_networks=LOOPBACK)
    with pytest.raises(FetchError, match="response of 5,000 bytes exceeds 1,000 bytes"):
        fetch(server.url("/big"), options=options)


def test_decoded_size_limit_stops_gzip_bomb(server: LocalServer) -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    assert len(bomb) < 10_000
    server.routes["/bomb"] = Reply(bomb, headers={"Content-Encoding": "gzip"})
    options = FetchOptions(max_bytes=100_000, allow_networks=LOOPBACK)
    with pytest.raises(FetchError, match="response exceeds 100,000 bytes"):
        fetch(server.url("/bomb"), options=options)


def test_size_at_limit_is_accepted(server: LocalServer) -> None:
    server.routes["/ok"] = Reply(b"y" * 1000)
    options = FetchOptions(max_bytes=1000, allow_networks=LOOPBACK)
    assert len(fetch(server.url("/ok"), options=options).content) == 1000


def test_timeout(server: LocalServer) -> None:
    server.routes["/slow"] = Reply(b"late", delay=2.0)
    options = FetchOptions(timeout=0.3, allow_networks=LOOPBACK)
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 0.3 s"):
        fetch(server.url("/slow"), options=options)
    assert time.monotonic() - start < 1.5


def test_http_error_status_and_retry_after(server: LocalServer) -> None:
    server.routes["/busy"] = Reply(b"", status=503, headers={"Retry-After": "120"})
    with pytest.raises(FetchError) as info:
        fetch(server.url("/busy"), options=LOCAL)
    assert info.value.status == 503
    assert info.value.retry_after == 120.0
    assert str(info.value) == f"{server.url('/busy')}: HTTP 503 Service Unavailable"
    with pytest.raises(FetchError, match="HTTP 404 Not Found") as missing:
        fetch(server.url("/missing"), options=LOCAL)
    assert missing.value.retry_after is None


def test_empty_body(server: LocalServer) -> None:
    server.routes["/empty"] = Reply(b"")
    assert fetch(server.url("/empty"), options=LOCAL).content == b""


def test_non_latin_path(server: LocalServer) -> None:
    path = "/новости/λέξη"
    body = "Жители города собрались на площади.".encode()
    server.routes[quote(path)] = Reply(body, headers={"Content-Type": "text/plain; charset=utf-8"})
    result = fetch(server.url(path), options=LOCAL)
    assert result.content.decode() == "Жители города собрались на площади."


def test_connection_refused_is_fetch_error() -> None:
    with socket.socket() as sock:  # find a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="cannot fetch"):
        fetch(f"http://127.0.0.1:{port}/", options=LOCAL)


def test_address_problem_allows_listed_networks() -> None:
    assert address_problem("93.184.216.34") is None
    assert address_problem("127.0.0.1") == "loopback address 127.0.0.1"
    assert address_problem("127.0.0.1", ["127.0.0.0/8"]) is None
    assert address_problem("10.0.0.1", ["127.0.0.0/8"]) == "private address 10.0.0.1"
    assert address_problem("::1", ["127.0.0.0/8"]) == "loopback address ::1"
    assert address_problem("nonsense") == "not an IP address: 'nonsense'"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timeout": 0}, "timeout"),
        ({"max_bytes": 0}, "max_bytes"),
        ({"max_redirects": -1}, "max_redirects"),
        ({"allow_networks": ("localhost",)}, "not a CIDR block"),
    ],
)
def test_options_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FetchOptions(**kwargs)  # type: ignore[arg-type]


class DripServer:
    """A raw TCP server on 127.0.0.1 that sends its reply one byte at a time (slow loris)."""

    def __init__(self, reply: bytes, gap: float) -> None:
        import threading

        self.sent = 0
        self._reply = reply
        self._gap = gap
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}/feed"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        conn, _ = self._sock.accept()
        with conn:
            conn.recv(65536)
            try:
                for byte in self._reply:
                    conn.sendall(bytes([byte]))
                    self.sent += 1
                    time.sleep(self._gap)
            except OSError:
                return  # the client hung up: what the test wants

    def close(self) -> None:
        self._sock.close()
        self._thread.join(timeout=10)


def test_deadline_holds_while_headers_drip() -> None:
    # 800 header bytes, one every 50 ms (40 s in all): each read gets a byte before the
    # per-read timeout, so only a deadline on the whole fetch stops it.
    head = b"HTTP/1.1 200 OK\r\n" + b"X-Pad: " + b"a" * 760 + b"\r\n\r\n"
    drip = DripServer(head, gap=0.05)
    try:
        with pytest.raises(FetchError, match=r"timed out after 1 s"):
            fetch(drip.url, options=FetchOptions(timeout=1.0, allow_networks=LOOPBACK))
    finally:
        drip.close()
    # Work count, not wall clock: the client gave up long before the headers were done.
    assert drip.sent < 400


def test_stacked_content_encoding_is_refused(server: LocalServer) -> None:
    body = gzip.compress(gzip.compress(gzip.compress(b"\0" * 1_000_000)))
    server.routes["/stack"] = Reply(body, headers={"Content-Encoding": "gzip, gzip, gzip"})
    with pytest.raises(FetchError, match=r"refusing stacked Content-Encoding \(gzip, gzip, gzip\)"):
        fetch(server.url("/stack"), options=LOCAL)
    server.routes["/one"] = Reply(gzip.compress(b"fine"), headers={"Content-Encoding": "gzip"})
    assert fetch(server.url("/one"), options=LOCAL).content == b"fine"
