"""``newsdesk serve``: web pages and a JSON API over a store (loopback by default)."""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from typing import Any

from ..config import EMBEDDER_NAMES
from ..errors import ConfigError
from ..store import Store, default_db_path

__all__ = ["is_loopback", "register"]

EXIT_OK = 0


def is_loopback(host: str) -> bool:
    """Return True when ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def register(subparsers: Any) -> None:
    """Add the ``serve`` command."""

    parser = subparsers.add_parser(
        "serve",
        help="serve the stories as web pages and a JSON API",
        description="Serve the store: the story list, each story's brief with linked "
        "citations, the source articles, and a JSON API (POST /api/articles to feed it; "
        "docs at /docs). Listens on 127.0.0.1 unless --host says otherwise; beyond loopback "
        "the write endpoints need a token, read from NEWSDESK_TOKEN.",
        epilog="example:\n  newsdesk serve --db news.db --port 8000\n"
        "  NEWSDESK_TOKEN=$(openssl rand -hex 16) newsdesk serve --host 0.0.0.0",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--db",
        help=f"the store (default: $NEWSDESK_DB, else {default_db_path()})",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (8000)")
    parser.add_argument(
        "--embedder",
        choices=sorted(EMBEDDER_NAMES),
        default="minilm",
        help="text embedder (minilm)",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a Host header the server answers (repeatable; beyond loopback the default is "
        "the --host address; needed with 0.0.0.0): other names get 400 (DNS rebinding)",
    )
    parser.add_argument(
        "--public-read",
        action="store_true",
        help="beyond loopback, serve pages and reads without the token (writes still need it)",
    )
    parser.set_defaults(handler=_serve)


def _share_cpu_with_readers() -> None:
    """Keep page serving responsive while ingest and brief builds run in the same process.

    Builds run on a worker thread that would hold the GIL for 5 ms slices, so readers would
    queue behind it: the GIL is handed over every 1 ms (the embedder runs on one thread, so a
    core stays free for the event loop). Measured with benchmarks/serve_load.py (story-page
    p99 under ingest on a 2-core machine).
    """
    sys.setswitchinterval(0.001)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..nlp import Models
    from ..web import create_app
    from ..web.server import header_deadline_protocol

    if not 0 < args.port < 65536:
        raise ConfigError(f"--port must be 1-65535, not {args.port}")
    token = os.environ.get("NEWSDESK_TOKEN") or None
    loopback = is_loopback(args.host)
    if not loopback and token is None:
        raise ConfigError(
            f"--host {args.host} is reachable from other machines: set NEWSDESK_TOKEN so "
            "that only holders of the token can add articles"
        )
    if loopback:
        hosts = ["127.0.0.1", "localhost", "[::1]", "::1", *args.allowed_host]
    elif args.allowed_host:
        hosts = list(args.allowed_host)
    elif args.host in ("0.0.0.0", "::", ""):
        raise ConfigError(
            f"--host {args.host} answers any name: say which with --allowed-host NAME "
            "(the name clients use, e.g. news.example.org), so rebinding DNS cannot reach it"
        )
    else:
        hosts = [args.host]
    _share_cpu_with_readers()
    store = Store(args.db or default_db_path())
    models = Models(embedder_name=args.embedder)
    app = create_app(
        store,
        models,
        token=token,
        allowed_hosts=hosts,
        guard_reads=not loopback and not args.public_read,
    )
    print(
        f"newsdesk: serving {store.path} on http://{args.host}:{args.port}/ "
        f"(writes {'need the token' if token else 'open to this machine only'})",
        file=sys.stderr,
    )
    try:
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_level="warning",
            access_log=False,
            # Idle keep-alive connections close after 5 s; past 256 open connections and
            # requests new ones get 503 (20,000 idle sockets exhausted the descriptors);
            # SIGTERM waits at most 3 s for requests in flight, then stops. Request headers
            # must arrive within 10 s (slow-loris; uvicorn has no setting for it).
            http=header_deadline_protocol(),
            timeout_keep_alive=5,
            limit_concurrency=256,
            timeout_graceful_shutdown=3,
        )
    finally:
        # A brief build may still run on a worker thread (the interpreter would join it at
        # exit: a 200k-emoji build kept a SIGTERMed server up for minutes). Its writes are
        # transactions in a WAL store, so leaving now is as safe as a kill, and the next
        # start rebuilds what was not cached.
        if store._lock.acquire(timeout=1.0):
            store.close()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_OK)
