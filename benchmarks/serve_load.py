"""Load on ``newsdesk serve``: concurrent readers on story pages while articles are ingested.

Starts the real server (``python -m newsdesk serve``) on a free loopback port with a fresh
store, posts the example story through the API, then runs two phases with the same number
of concurrent clients:

1. baseline: readers on ``/api/health`` (a trivial endpoint: the server's floor latency),
2. load: readers on the story pages while a writer posts a new report every few seconds,
   so the stories change under the readers (cached page served, new one built behind it).

Prints p50/p90/p99/max latency, throughput and errors for each phase.

    python benchmarks/serve_load.py                       # 50 clients, 30 s
    python benchmarks/serve_load.py --clients 20 --duration 10

Aim: p99 <= 200 ms on cached story pages, zero errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "harbour-bridge"


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    refreshing: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _example_payloads() -> list[dict[str, Any]]:
    from newsdesk.readers.text import read_text

    out = []
    for path in sorted(EXAMPLE.glob("*.txt")):
        article = read_text(path.read_bytes(), location=str(path))
        outlet = article.outlet or " ".join(w.capitalize() for w in path.stem.split("_")[1:])
        out.append(
            {
                "text": article.text,
                "title": article.title,
                "outlet": outlet,
                "published": article.published,
                "author": article.author,
            }
        )
    return out


_PLACES = ["the eastern approach", "pier 14", "the harbour wall", "the ferry quay", "Port Ashby"]
_ACTORS = [
    "Harbour Master Lena Ostrova",
    "Transport Minister Ilyas Varkonen",
    "Mayor Dorotea Halvik",
]


def _follow_up(i: int) -> dict[str, Any]:
    """A fictional follow-up report on the bridge collapse (different wording each time)."""
    place = _PLACES[i % len(_PLACES)]
    actor = _ACTORS[i % len(_ACTORS)]
    return {
        "title": f"Korvane Harbour Bridge: update {i} from {place}",
        "outlet": f"Velmora Wire {i % 7}",
        "published": "2025-10-15",
        "text": f"Crews worked through the night at {place} after the Korvane Harbour Bridge "
        f"collapse in Velmora, which killed two people on Tuesday. {actor} said at briefing "
        f"number {i} that {3 + i % 5} more cranes would arrive and that {10 + i} divers were "
        f"searching the harbour.\n\nFerries to Port Ashby ran every {10 + i % 4} minutes, "
        f"the operator said, and the National Roads Directorate said inspection {i} of the "
        f"remaining spans would finish by Friday.",
    }


class _Conn:
    """A minimal keep-alive HTTP/1.1 GET client on asyncio streams.

    httpx costs ~1 ms of CPU per request; on a 2-core machine shared with the server that
    would measure the load generator, not the server.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        request = f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n"
        self.writer.write(request.encode())
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)}
        body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def _reader(
    host: str, port: int, paths: list[str], stop: float, tally: Tally, think: float, k: int
) -> None:
    conn = _Conn(host, port)
    i = k
    while time.perf_counter() < stop:
        path = paths[i % len(paths)]
        i += 1
        start = time.perf_counter()
        try:
            status, body = await asyncio.wait_for(conn.get(path), timeout=30)
            elapsed = time.perf_counter() - start
            if status != 200:
                tally.error(f"HTTP {status}")
            else:
                tally.latencies.append(elapsed)
                if b"being refreshed" in body:
                    tally.refreshing += 1
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            tally.error(type(exc).__name__)
            await conn.close()
        if think:
            await asyncio.sleep(think)
    await conn.close()


async def _writer(base: str, stop: float, interval: float, counts: dict[str, int]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        i = 0
        while time.perf_counter() < stop:
            try:
                response = await client.post("/api/articles", json=_follow_up(i))
                key = "ok" if response.status_code == 200 else f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                key = type(exc).__name__
            counts[key] = counts.get(key, 0) + 1
            i += 1
            await asyncio.sleep(interval)


async def _phase(
    base: str, paths: list[str], clients: int, duration: float, think: float, write_every: float
) -> tuple[Tally, dict[str, int], float]:
    tally = Tally()
    writes: dict[str, int] = {}
    host, port = base.removeprefix("http://").split(":")
    start = time.perf_counter()
    stop = start + duration
    jobs = [_reader(host, int(port), paths, stop, tally, think, k) for k in range(clients)]
    if write_every > 0:
        jobs.append(_writer(base, stop, write_every, writes))
    await asyncio.gather(*jobs)
    return tally, writes, time.perf_counter() - start


def _report(name: str, tally: Tally, elapsed: float, writes: dict[str, int] | None = None) -> None:
    lat = sorted(tally.latencies)
    if not lat:
        print(f"{name}: no successful requests; errors {tally.errors} {tally.error_kinds}")
        return
    q = statistics.quantiles(lat, n=100, method="inclusive")
    line = (
        f"{name:<34} n={len(lat):>6}  {len(lat) / elapsed:7.1f} req/s  "
        f"p50={q[49] * 1000:6.1f} ms  p90={q[89] * 1000:6.1f} ms  p99={q[98] * 1000:6.1f} ms  "
        f"max={lat[-1] * 1000:6.1f} ms  errors={tally.errors}"
    )
    print(line)
    if tally.error_kinds:
        print(f"{'':<34} error kinds: {tally.error_kinds}")
    if writes is not None:
        print(
            f"{'':<34} articles posted meanwhile: {writes}; stale pages served while "
            f"refreshing: {tally.refreshing}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of the load phase")
    parser.add_argument("--baseline", type=float, default=5.0, help="seconds of the baseline phase")
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds each reader waits between requests"
    )
    parser.add_argument(
        "--write-every", type=float, default=2.0, help="seconds between posted articles"
    )
    parser.add_argument("--embedder", default="minilm", choices=["minilm", "hashing"])
    args = parser.parse_args()
    if args.clients < 1 or args.clients > 500 or args.duration <= 0 or args.duration > 600:
        parser.error("--clients must be 1-500 and --duration 0-600 s")

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "load.db"
        env = {**os.environ, "NEWSDESK_TOKEN": ""}
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "newsdesk",
                "serve",
                "--db",
                str(db),
                "--port",
                str(port),
                "--embedder",
                args.embedder,
            ],
            env=env,
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    print("server did not start", file=sys.stderr)
                    return 1
                time.sleep(0.3)
            start = time.perf_counter()
            posted = httpx.post(f"{base}/api/articles", json=_example_payloads(), timeout=600)
            posted.raise_for_status()
            print(
                f"seeded {len(posted.json()['results'])} articles in "
                f"{time.perf_counter() - start:.1f} s"
            )
            stories = httpx.get(f"{base}/api/stories").json()["stories"]
            paths = [f"/stories/{s['id']}" for s in stories]
            for path in paths:  # build each page once: the load phase measures cached pages
                start = time.perf_counter()
                httpx.get(f"{base}{path}", timeout=600).raise_for_status()
                print(f"first render {path}: {(time.perf_counter() - start) * 1000:.0f} ms")
            print(
                f"{args.clients} clients, think {args.think} s, {len(paths)} story pages; "
                f"machine: {os.cpu_count()} CPUs"
            )
            tally, _, elapsed = asyncio.run(
                _phase(base, ["/api/health"], args.clients, args.baseline, args.think, 0)
            )
            _report("baseline: GET /api/health", tally, elapsed)
            tally, writes, elapsed = asyncio.run(
                _phase(base, paths, args.clients, args.duration, args.think, args.write_every)
            )
            _report("story pages while ingesting", tally, elapsed, writes)
            aim = (
                tally.latencies and statistics.quantiles(sorted(tally.latencies), n=100)[98] <= 0.2
            )
            verdict = "met" if aim and not tally.errors else "NOT met"
            print(f"aim p99 <= 200 ms and zero errors: {verdict}")
            print(json.dumps({"final_stories": httpx.get(f"{base}/api/health").json()}))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
