"""Fault benchmark: hostile inputs, SIGKILLs during ingest, concurrent writers, determinism.

Run:
    python benchmarks/faults.py --quick          # bounded to about 2 minutes
    python benchmarks/faults.py --minutes 10     # longer: more random inputs, kills, load
    python benchmarks/faults.py --ci             # the fast half, as CI runs it (.ci/run)

``--ci`` runs (a) the hostile inputs without the two big files (crafted cases first) and
(e) the outside-probe cases (CLI and server) without the two slow brief runs, and skips the
SIGKILL, concurrency and determinism runs: about 2 minutes on an idle 2-core machine.

It prints the inputs tried, crashes, hangs, articles lost, integrity-check failures,
"database is locked" errors that reached a user, and the peak memory (RSS) of the reads of
the big files. Every number is measured in this run; the baseline beside each count is the
number a reliable system must show (0), and beside each peak RSS the size of the input.

Each hostile input is read by ``read_articles`` in its own subprocess with a timeout, so a
hang is counted, not waited for. Kill and concurrency runs use the command line
(``newsdesk ingest / serve / watch``) with the hashing embedder (``--embedder hashing``), so
a run costs seconds, not a MiniLM load; the determinism check uses the default models
(MiniLM), loaded once, through the same function ``newsdesk brief`` calls.
Generated files live in a temporary directory and are deleted at exit.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import http.server
import io
import json
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

PY = sys.executable
HERE = Path(__file__).resolve()

# --- Fictional sample inputs (ours) -------------------------------------------------------

EVENTS = [
    (
        "Korvath",
        "earthquake",
        "A magnitude 6.4 earthquake struck near Korvath in northern "
        "Eldoria on Monday, killing at least {n} people, officials said. Rescue teams searched "
        "collapsed buildings in the market district.",
    ),
    (
        "Valmora",
        "ferry",
        "A ferry carrying {n} passengers capsized off the port of Valmora on "
        "Tuesday, and the coast guard rescued most of them, harbour authorities said.",
    ),
    (
        "Brenn",
        "election",
        "Voters in Brenn elected a new mayor on Sunday after a count that "
        "lasted {n} hours, the electoral commission of Brenn announced.",
    ),
    (
        "Ostrava Lake",
        "flood",
        "Floods around Ostrava Lake forced {n} families from their homes "
        "on Wednesday, the regional emergency office said.",
    ),
]


def report_text(i: int) -> str:
    """A short fictional report; reports with the same ``i % 4`` describe one event."""
    place, kind, body = EVENTS[i % len(EVENTS)]
    return f"{body.format(n=10 + i % 50)} Report {i} on the {kind} in {place} (update {i})."


def jsonl_line(i: int) -> bytes:
    record = {
        "text": report_text(i),
        "title": f"Update {i}",
        "url": f"https://news.test/{i}",
        "outlet": f"Outlet {i % 9}",
        "published": f"2022-03-{1 + i % 28:02d}",
    }
    return json.dumps(record).encode() + b"\n"


def html_page(i: int, body: str | None = None) -> bytes:
    body = body if body is not None else "".join(f"<p>{report_text(i + k)}</p>" for k in range(3))
    return (
        f"<!doctype html><html><head><title>Update {i}</title>"
        f'<meta property="og:site_name" content="Outlet {i % 9}"></head>'
        f"<body><nav>Home | World</nav><article><h1>Update {i}</h1>{body}</article>"
        "<footer>Copyright</footer></body></html>"
    ).encode()


# Feed items are whole reports: without this sentence the shortest (27 words) would be read
# as teasers (under 30 words), whose pages watch fetches and holds back when it cannot.
_FULL = "Officials said more details would follow later in the day."


def rss_feed(items: range, *, base: str = "https://news.test") -> bytes:
    entries = "".join(
        f"<item><title>Update {i}</title><link>{base}/{i}</link>"
        f"<guid>{base}/{i}</guid><pubDate>Mon, 07 Mar 2022 10:{i % 60:02d}:00 GMT</pubDate>"
        f"<description>{report_text(i)} {_FULL}</description></item>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Fictional wire</title><link>{base}/</link>{entries}</channel></rss>"
    ).encode()


def warc_bytes(n: int, *, compress: bool = False) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compress)
    for i in range(n):
        payload = html_page(i)
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            f"https://news.test/{i}", "response", payload=io.BytesIO(payload), http_headers=headers
        )
        writer.write_record(record)
    return out.getvalue()


# --- (a) Hostile inputs -------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One hostile input: a file name and a writer that fills it (streamed for big files)."""

    name: str
    write: Callable[[Path], None]
    expect: dict[str, object] = field(default_factory=dict)  # checks on the read's outcome
    timeout: float = 30.0
    big: bool = False  # report its peak RSS


def _bytes(data: bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(data)

    return write


def _stream_lines(lines: Callable[[], Iterator[bytes]]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with path.open("wb") as out:
            for line in lines():
                out.write(line)

    return write


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{k} "{("&lol" + (str(k - 1) if k > 1 else "") + ";") * 10}">'.encode()
        for k in range(1, 10)
    )
    + b']><rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
    b"<description>&lol9;</description></item></channel></rss>"
)
SECRET = "newsdesk-fault-secret-7f3a"


def hostile_cases(
    rng: random.Random, tmp: Path, *, scale: int, big_mb: int, jsonl_mb: int
) -> list[Case]:
    """Build the hostile inputs; ``scale`` multiplies the random ones."""
    secret_file = tmp / "secret.txt"
    secret_file.write_text(SECRET)
    valid = {
        "txt": ("Update 1\n\n" + "\n\n".join(report_text(i) for i in range(5))).encode(),
        "html": html_page(1),
        "jsonl": b"".join(jsonl_line(i) for i in range(20)),
        "xml": rss_feed(range(10)),
        "warc": warc_bytes(3),
        "warc.gz": warc_bytes(3, compress=True),
        "jsonl.gz": gzip.compress(b"".join(jsonl_line(i) for i in range(20))),
    }
    cases: list[Case] = []
    for k in range(2 * scale):
        for ext in list(valid) + ["bin"]:
            size = rng.choice([1, 17, 4096, 200_000])
            cases.append(Case(f"random{k}.{ext}", _bytes(rng.randbytes(size))))
    for ext, data in valid.items():
        cases.append(Case(f"valid.{ext}", _bytes(data), {"min_articles": 1}))
        for k in range(scale):
            cut = rng.randrange(1, len(data))
            cases.append(Case(f"truncated{k}.{ext}", _bytes(data[:cut])))
            nul = bytearray(data)
            for _ in range(8):
                nul.insert(rng.randrange(len(nul)), 0)
            cases.append(Case(f"nul{k}.{ext}", _bytes(bytes(nul))))
            flipped = bytearray(data)
            for _ in range(16):
                flipped[rng.randrange(len(flipped))] = rng.randrange(256)
            cases.append(Case(f"flipped{k}.{ext}", _bytes(bytes(flipped))))
    mixed = (
        "Zürich café – naïve".encode()
        + "Zürich café".encode("latin-1")
        + "Москва".encode("koi8-r")
        + "東京".encode("shift_jis")
        + "Ελλάδα".encode("utf-16")
        + b"\n\n"
        + report_text(3).encode("cp1252")
    )
    for ext in ("txt", "html", "jsonl", "xml"):
        cases.append(Case(f"mixed.{ext}", _bytes(mixed)))
    # UTF-16 text is refused by design (decode.py): a reported failure, not an article.
    cases.append(Case("utf16.txt", _bytes(("Update\n\n" + report_text(2)).encode("utf-16"))))
    ten_mb = 10_000_000
    cases += [
        Case("oneline.txt", _bytes(b"word " * (ten_mb // 5)), timeout=60),
        Case(
            "oneline.html",
            _bytes(b"<html><body><p>" + b"word " * (ten_mb // 5) + b"</p></body></html>"),
            timeout=90,
        ),
        Case(
            "oneline.jsonl",
            _bytes(json.dumps({"text": "word " * (ten_mb // 5)}).encode() + b"\n" + jsonl_line(1)),
            {"min_articles": 1, "failure_lines": [1]},
            timeout=60,
        ),
        Case(
            "nested.html",
            _bytes(
                b"<html><body>"
                + b"<div>" * 100_000
                + report_text(0).encode()
                + b"</div>" * 100_000
                + b"</body></html>"
            ),
            timeout=60,
        ),
        Case(
            "nested-unclosed.html",
            _bytes(b"<html><body>" + b"<div><span><b>" * 50_000 + b"x"),
            timeout=60,
        ),
        Case(
            "nested.jsonl",
            _bytes(b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n" + jsonl_line(2)),
            {"min_articles": 1, "failure_lines": [1]},
        ),
        Case("bomb.xml", _bytes(BILLION_LAUGHS), {"max_articles": 0}),
        Case(
            "bomb-utf16.xml",
            _bytes(
                BILLION_LAUGHS.decode()
                .replace('"1.0"?>', '"1.0" encoding="utf-16"?>', 1)
                .encode("utf-16")
            ),
            {"max_articles": 0},
        ),
        Case(
            "xxe.xml",
            _bytes(
                f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret_file}">]>'
                f'<rss version="2.0"><channel><title>t</title><item><title>&x;</title>'
                f"<description>{report_text(1)} &x;</description></item></channel></rss>".encode()
            ),
            {"no_secret": True},
        ),
        Case(
            "file-link.xml", _bytes(rss_feed(range(3), base=f"file://{tmp}")), {"no_secret": True}
        ),
    ]
    broken = [1 + rng.randrange(200) for _ in range(12)]

    def broken_lines() -> Iterator[bytes]:
        for n in range(1, 201):
            if n in broken:
                yield rng.choice(
                    [b'{"text": "cut', b"\x00\xff\xfe garbage", b"[1, 2]", b'{"title": "no text"}']
                )
                yield b"\n"
            else:
                yield jsonl_line(n)

    bad = sorted(set(broken))
    cases.append(
        Case(
            "broken.jsonl",
            _stream_lines(broken_lines),
            {"failure_lines": bad, "articles": 200 - len(bad)},
        )
    )
    # Big files: memory must not grow with them.
    paragraph = b"<p>" + report_text(7).encode() + b"</p>\n"

    def big_html() -> Iterator[bytes]:
        yield b"<!doctype html><html><body><article>"
        for _ in range(big_mb * 1_000_000 // len(paragraph)):
            yield paragraph
        yield b"</article></body></html>"

    def big_jsonl() -> Iterator[bytes]:
        chunk = b"".join(jsonl_line(i) for i in range(1000))
        for _ in range(max(1, jsonl_mb * 1_000_000 // len(chunk))):
            yield chunk

    def big_line() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(big_mb):
            yield b"word " * 200_000
        yield b'"}\n' + jsonl_line(1)

    cases += [
        Case(
            f"one-line-{big_mb}mb.jsonl",
            _stream_lines(big_line),
            {"articles": 1, "failure_lines": [1]},
            timeout=120,
            big=True,
        ),
        Case(
            f"big-{big_mb}mb.html",
            _stream_lines(big_html),
            {"max_articles": 0},
            timeout=120,
            big=True,
        ),
        Case(
            f"big-{jsonl_mb}mb.jsonl",
            _stream_lines(big_jsonl),
            {"min_articles": 1},
            timeout=max(120, jsonl_mb * 1.5),
            big=True,
        ),
    ]
    return cases


_READ_WORKER = """
import json, resource, sys, traceback
from newsdesk.models import ReadFailure
from newsdesk.readers import read_stream
path, secret = sys.argv[1], sys.argv[2]
def hwm():
    # VmHWM starts afresh at exec; ru_maxrss would include the parent's RSS at fork.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = hwm()
articles, failures, leaked = 0, [], False
# Stream, as ingest of a large dump should: count articles without keeping them.
with open(path, "rb") as handle:
    for item in read_stream(handle, name=path.rsplit("/", 1)[-1], location="f"):
        if isinstance(item, ReadFailure):
            failures.append(item.location)
        else:
            articles += 1
            leaked = leaked or secret in item.text or secret in (item.title or "")
peak = hwm()
print(json.dumps({"articles": articles, "failures": failures, "leaked": leaked,
                  "peak_kb": peak, "start_kb": start}))
"""


@dataclass
class Tally:
    tried: int = 0
    crashes: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    peaks: list[str] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)  # per case: time, peak RSS, outcome
    worst_time: float = 0.0
    worst_mb: float = 0.0


def run_hostile(cases: list[Case], tmp: Path, tally: Tally, deadline: float) -> None:
    """Read each case in its own subprocess; count crashes, hangs and wrong outcomes."""
    for case in cases:
        if time.monotonic() > deadline and not case.big:
            continue
        path = tmp / case.name
        case.write(path)
        size = path.stat().st_size
        tally.tried += 1
        started = time.monotonic()
        try:
            proc = subprocess.run(
                [PY, "-c", _READ_WORKER, str(path), SECRET],
                capture_output=True,
                text=True,
                timeout=case.timeout,
            )
        except subprocess.TimeoutExpired:
            tally.hangs.append(f"{case.name} (> {case.timeout:.0f} s)")
            tally.rows.append(f"  {case.name:<34} HANG (> {case.timeout:.0f} s)")
            path.unlink()
            continue
        seconds = time.monotonic() - started
        tally.worst_time = max(tally.worst_time, seconds)
        path.unlink()
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["?"])[-1]
            tally.crashes.append(f"{case.name}: exit {proc.returncode}: {last[:200]}")
            tally.rows.append(f"  {case.name:<34} {seconds:6.1f} s {'':>10}  CRASH {last[:80]}")
            continue
        out = json.loads(proc.stdout)
        peak_mb = out["peak_kb"] / 1024
        tally.worst_mb = max(tally.worst_mb, peak_mb)
        tally.rows.append(
            f"  {case.name:<34} {seconds:6.1f} s {peak_mb:7.0f} MB  {out['articles']} articles, "
            f"{len(out['failures'])} failures ({size:,} bytes)"
        )
        lines = sorted(
            int(m.group(1)) for loc in out["failures"] if (m := re.fullmatch(r"f:(\d+)", loc))
        )
        checks = {
            "min_articles": out["articles"] >= case.expect.get("min_articles", 0),
            "max_articles": out["articles"] <= case.expect.get("max_articles", 10**9),
            "articles": out["articles"] == case.expect.get("articles", out["articles"]),
            "failure_lines": lines == case.expect.get("failure_lines", lines),
            "no_secret": not out["leaked"],
        }
        for name, ok in checks.items():
            if not ok:
                tally.wrong.append(
                    f"{case.name}: {name} (articles={out['articles']}, failure lines={lines[:20]})"
                )
        if case.big:
            tally.peaks.append(
                f"{case.name}: {size / 1e6:.0f} MB read in {seconds:.1f} s, peak RSS "
                f"{out['peak_kb'] / 1024:.0f} MB (at start {out['start_kb'] / 1024:.0f} MB), "
                f"{out['articles']} articles, {len(out['failures'])} failures"
            )


# --- (b) SIGKILL during ingest ------------------------------------------------------------


def _count(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


@dataclass
class KillTally:
    runs: int = 0
    killed_mid_run: int = 0
    lost: int = 0
    integrity_failures: int = 0
    half_articles: int = 0
    partial_batches: int = 0
    resume_failures: int = 0
    stored_at_kill: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _check_db(db: Path, tally: KillTally, *, batch: int | None = None) -> int:
    con = sqlite3.connect(db, timeout=30)
    try:
        result = con.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            tally.integrity_failures += 1
            tally.notes.append(f"{db.name}: integrity_check: {result}")
        stored = int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
        half = con.execute(
            "SELECT count(*) FROM articles a LEFT JOIN stories s ON s.id = a.story_id "
            "WHERE s.id IS NULL OR a.text IS NULL OR a.text = ''"
        ).fetchone()[0]
        counted = con.execute("SELECT coalesce(sum(n_articles), 0) FROM stories").fetchone()[0]
        if half or counted != stored:
            tally.half_articles += int(half) or abs(int(counted) - stored)
        if batch and stored % batch:
            tally.partial_batches += 1
        return stored
    finally:
        con.close()


def run_kills(
    tmp: Path, rng: random.Random, runs: int, total: int, batch: int, deadline: float
) -> KillTally:
    """SIGKILL ``newsdesk ingest`` at random moments; check what the database kept."""
    tally = KillTally()
    dump = tmp / "kill.jsonl"
    dump.write_bytes(b"".join(jsonl_line(i) for i in range(total)))
    for run in range(runs):
        if time.monotonic() > deadline:
            break
        db = tmp / f"kill{run}.db"
        cmd = [
            PY,
            "-m",
            "newsdesk",
            "ingest",
            str(dump),
            "--db",
            str(db),
            "--embedder",
            "hashing",
            "--batch-size",
            str(batch),
        ]
        # Kill after the first batch is seen committed plus a random delay, so kills fall
        # at random points of later batches (embedding, clustering, the write itself).
        delay = rng.uniform(0.0, 2.5)
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        seen, first_seen = 0, None
        limit = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < limit:
            seen = max(seen, _count(db)) if db.exists() else 0
            if seen and first_seen is None:
                first_seen = time.monotonic()
            if first_seen is not None and time.monotonic() - first_seen >= delay:
                break
            time.sleep(0.02)
        seen = max(seen, _count(db)) if db.exists() else 0
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            tally.killed_mid_run += 1
        proc.wait()
        assert proc.stderr is not None
        proc.stderr.close()
        tally.runs += 1
        stored = _check_db(db, tally, batch=batch) if db.exists() else 0
        tally.stored_at_kill.append(stored)
        if stored < seen:
            tally.lost += seen - stored
            tally.notes.append(f"run {run}: saw {seen} committed, {stored} after the kill")
        # Resume: a second run must complete the store.
        rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        final = _check_db(db, tally)
        if rerun.returncode != 0 or final != total:
            tally.resume_failures += 1
            tally.notes.append(f"run {run}: rerun exit {rerun.returncode}, {final}/{total} stored")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    return tally


def _feed_server(items: range, base: str) -> tuple[http.server.ThreadingHTTPServer, int]:
    """Serve an RSS feed of these items with an ETag, answering If-None-Match with 304."""
    feed = rss_feed(items, base=base)
    etag = '"' + hashlib.blake2b(feed, digest_size=8).hexdigest() + '"'

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(feed)))
            self.end_headers()
            self.wfile.write(feed)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, int(server.server_address[1])


def run_watch_kills(tmp: Path, rng: random.Random, runs: int, items: int) -> KillTally:
    """SIGKILL ``newsdesk watch --once`` at random moments; a re-run must store every item.

    The feed sends an ETag: a watcher that saved the ETag before the items were committed
    would get 304 on the re-run and lose them for good.
    """
    tally = KillTally()
    server, port = _feed_server(range(7000, 7000 + items), base="http://127.0.0.1:1/k")
    try:
        full = None  # how long an undisturbed run takes: kills fall anywhere inside it
        for run in range(runs + 1):
            db, state = tmp / f"wkill{run}.db", tmp / f"wkill{run}.json"
            cmd = [
                PY, "-m", "newsdesk", "watch", f"http://127.0.0.1:{port}/feed.xml",
                "--db", str(db), "--once", "--allow-network", "127.0.0.0/8",
                "--embedder", "hashing", "--state", str(state),
            ]  # fmt: skip
            if full is None:
                began = time.monotonic()
                subprocess.run(cmd, capture_output=True, timeout=300)
                full = time.monotonic() - began
                for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), state):
                    path.unlink(missing_ok=True)
                continue
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                proc.wait(timeout=rng.uniform(0.7, 1.05) * full)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                tally.killed_mid_run += 1
            tally.runs += 1
            stored = _check_db(db, tally) if db.exists() else 0
            tally.stored_at_kill.append(stored)
            rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            final = _check_db(db, tally)
            if rerun.returncode != 0 or final != items:
                tally.resume_failures += 1
                tally.lost += max(0, items - final)
                tally.notes.append(f"run {run}: rerun exit {rerun.returncode}, {final}/{items}")
            for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), state):
                path.unlink(missing_ok=True)
    finally:
        server.shutdown()
    return tally


# --- (c) Concurrency: serve + ingest + watch on one database ------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LoadTally:
    posts_ok: int = 0
    gets_ok: int = 0
    http_errors: list[str] = field(default_factory=list)
    locked: int = 0
    ingest_runs: int = 0
    ingest_failures: list[str] = field(default_factory=list)
    watch_runs: int = 0
    watch_failures: list[str] = field(default_factory=list)
    expected_ids: set[str] = field(default_factory=set)
    lost: int = 0
    integrity_failures: int = 0


FEED_ITEMS = 40


def run_concurrency(tmp: Path, seconds: float, *, with_watch: bool = True) -> LoadTally:
    """Run serve (posts and reads), repeated ingests and watch --once on one DB at once."""
    tally = LoadTally()
    db = tmp / "load.db"
    port = _free_port()
    serve = subprocess.Popen(
        [
            PY,
            "-m",
            "newsdesk",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
            "--embedder",
            "hashing",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    up = time.monotonic() + 60
    while time.monotonic() < up:
        try:
            urllib.request.urlopen(f"{base}/api/stories", timeout=2).read()
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    stop = threading.Event()
    lock = threading.Lock()

    def poster() -> None:
        i = 10_000
        while not stop.is_set():
            body = json.dumps(
                [
                    {
                        "text": report_text(i + k),
                        "url": f"https://post.test/{i + k}",
                        "published": f"2022-03-{1 + (i + k) % 28:02d}",
                    }
                    for k in range(5)
                ]
            ).encode()
            req = urllib.request.Request(
                f"{base}/api/articles", data=body, headers={"Content-Type": "application/json"}
            )
            try:
                with urllib.request.urlopen(req, timeout=60) as resp:
                    ids = {r["id"] for r in json.load(resp)["results"]}
                with lock:
                    tally.posts_ok += 1
                    tally.expected_ids |= ids
            except urllib.error.HTTPError as exc:
                text = exc.read().decode(errors="replace")
                with lock:
                    tally.http_errors.append(f"POST {exc.code}: {text[:120]}")
                    tally.locked += "locked" in text
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                with lock:
                    tally.http_errors.append(f"POST: {exc}")
            i += 5

    def reader() -> None:
        while not stop.is_set():
            try:
                data = json.loads(urllib.request.urlopen(f"{base}/api/stories", timeout=60).read())
                for story in data.get("stories", [])[:2]:
                    urllib.request.urlopen(
                        f"{base}/api/stories/{story['id']}/status", timeout=60
                    ).read()
                with lock:
                    tally.gets_ok += 1
            except urllib.error.HTTPError as exc:
                text = exc.read().decode(errors="replace")
                with lock:
                    tally.http_errors.append(f"GET {exc.code}: {text[:120]}")
                    tally.locked += "locked" in text
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                with lock:
                    tally.http_errors.append(f"GET: {exc}")
            time.sleep(0.05)

    def ingester() -> None:
        n = 0
        while not stop.is_set():
            dump = tmp / f"load{n}.jsonl"
            dump.write_bytes(b"".join(jsonl_line(20_000 + 100 * n + k) for k in range(100)))
            proc = subprocess.run(
                [
                    PY,
                    "-m",
                    "newsdesk",
                    "ingest",
                    str(dump),
                    "--db",
                    str(db),
                    "--embedder",
                    "hashing",
                    "--batch-size",
                    "20",
                    "--json",
                ],
                capture_output=True,
                text=True,
                timeout=300,
            )
            with lock:
                tally.ingest_runs += 1
                tally.locked += "locked" in proc.stderr
                if proc.returncode == 0:
                    tally.expected_ids |= {
                        json.loads(line)["article_id"] for line in proc.stdout.splitlines()
                    }
                else:
                    tally.ingest_failures.append(proc.stderr.strip()[-200:])
            n += 1

    def watcher() -> None:
        # Links unused without --fetch-pages; each run has fresh state, so never a 304.
        server, feed_port = _feed_server(
            range(5000, 5000 + FEED_ITEMS), base="http://127.0.0.1:1/a"
        )
        try:
            while not stop.is_set():
                state = tmp / f"watch{tally.watch_runs}.json"
                proc = subprocess.run(
                    [
                        PY,
                        "-m",
                        "newsdesk",
                        "watch",
                        f"http://127.0.0.1:{feed_port}/rss.xml",
                        "--db",
                        str(db),
                        "--once",
                        "--allow-network",
                        "127.0.0.0/8",
                        "--embedder",
                        "hashing",
                        "--state",
                        str(state),
                    ],
                    capture_output=True,
                    text=True,
                    timeout=300,
                )
                with lock:
                    tally.watch_runs += 1
                    tally.locked += "locked" in proc.stderr
                    if proc.returncode != 0:
                        tally.watch_failures.append(proc.stderr.strip()[-200:])
        finally:
            server.shutdown()

    workers = [poster, reader, ingester] + ([watcher] if with_watch else [])
    threads = [threading.Thread(target=w, daemon=True) for w in workers]
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=300)
    serve.send_signal(signal.SIGINT)
    try:
        _, err = serve.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        serve.kill()
        _, err = serve.communicate()
    tally.locked += err.count("locked")
    con = sqlite3.connect(db, timeout=30)
    try:
        if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            tally.integrity_failures += 1
        stored = {row[0] for row in con.execute("SELECT id FROM articles")}
        from_feed = con.execute(
            "SELECT count(DISTINCT url) FROM articles WHERE url LIKE 'http://127.0.0.1:1/a/%'"
        ).fetchone()[0]
    finally:
        con.close()
    tally.lost = len(tally.expected_ids - stored)
    if tally.watch_runs > len(tally.watch_failures):
        tally.lost += FEED_ITEMS - int(from_feed)  # a successful watch run stores every item
    return tally


# --- (d) Determinism ----------------------------------------------------------------------

_DETERMINISM_WORKER = """
import hashlib, json, random, sys
from pathlib import Path
from newsdesk.cli.brief import brief_from_paths
from newsdesk.nlp import Models
from newsdesk.renderers import render
folder, rounds, seed = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
files = sorted(str(p) for p in folder.iterdir())
models = Models()
rng = random.Random(seed)
digests = []
for _ in range(rounds):
    order = files[:]
    rng.shuffle(order)
    brief = brief_from_paths(order, models)
    digests.append(hashlib.blake2b(render(brief, "json").encode(), digest_size=8).hexdigest())
print(json.dumps(digests))
"""

_STORIES_WORKER = """
import json, random, sys
from newsdesk.ingest import IngestOptions, ingest
from newsdesk.nlp import Models
from newsdesk.readers import read_articles
from newsdesk.store import Store
path, rounds, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
articles = list(read_articles([path]).articles)
models = Models(embedder_name="hashing")
rng = random.Random(seed)
def partition(order, batch_size, calls=1):
    with Store() as store:
        step = -(-len(order) // calls)
        for start in range(0, len(order), step):  # separate ingest runs, one after another
            part = order[start : start + step]
            ingest(store, part, models, options=IngestOptions(batch_size=batch_size))
        return json.dumps(sorted(
            sorted(a.id for a in store.story_articles(s.id)) for s in store.stories(limit=10**6)
        ))
one_batch, batches = set(), set()
for _ in range(rounds):
    order = articles[:]
    rng.shuffle(order)
    one_batch.add(partition(order, len(order)))
    batches.add(partition(order, rng.choice([1, 7, 25]), calls=rng.choice([1, 3])))
print(json.dumps([len(one_batch), len(batches)]))
"""


def run_determinism(tmp: Path, rounds: int, seed: int) -> tuple[int, int, int, int, int]:
    """Return (brief orders, distinct brief JSONs, store orders, distinct partitions in one
    batch, distinct partitions over batches)."""
    folder = tmp / "event"
    folder.mkdir()
    for i in range(0, 24, 4):  # six reports of the Korvath earthquake, varied formats
        (folder / f"r{i}.txt").write_text(
            f"Quake update {i}\n\n{report_text(i)} {report_text(i + 4)}"
        )
    (folder / "page.html").write_bytes(html_page(8))
    (folder / "copy.txt").write_text(f"Quake update 0\n\n{report_text(0)} {report_text(4)}")
    proc = subprocess.run(
        [PY, "-c", _DETERMINISM_WORKER, str(folder), str(rounds), str(seed)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-500:])
    briefs = json.loads(proc.stdout)
    dump = tmp / "mix.jsonl"
    dump.write_bytes(b"".join(jsonl_line(i) for i in range(120)))
    proc = subprocess.run(
        [PY, "-c", _STORIES_WORKER, str(dump), str(rounds), str(seed)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-500:])
    one_batch, batches = json.loads(proc.stdout)
    return len(briefs), len(set(briefs)), rounds, one_batch, batches


# --- Main ---------------------------------------------------------------------------------


def _row(label: str, value: int, note: str) -> None:
    print(f"    {label:<24}{value:>6}   {note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="bounded to about 2 minutes (default)")
    mode.add_argument("--minutes", type=float, help="longer run of about N minutes")
    mode.add_argument(
        "--ci", action="store_true", help="the fast half: hostile inputs and outside probes"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    minutes = args.minutes or 2.0
    quick = args.minutes is None
    # Budget shares of the run, measured on the 2-core dev machine (re-measure if phases grow).
    scale = 1 if quick else max(2, int(minutes))
    big_mb = 100  # the HTML file (refused past 20 MB, so its size only tests the bound)
    jsonl_mb = 25 if quick else 1000
    kills = 3 if quick else max(8, int(3 * minutes))
    kill_total = 500 if quick else 2000
    load_seconds = 10.0 if quick else 20.0 * minutes
    rounds = 3 if quick else 6
    rng = random.Random(args.seed)
    started = time.monotonic()
    budget = 60 * minutes
    failed = False
    with tempfile.TemporaryDirectory(prefix="newsdesk-faults-") as name:
        tmp = Path(name)
        tally = Tally()
        cases = hostile_cases(rng, tmp, scale=scale, big_mb=big_mb, jsonl_mb=jsonl_mb)
        if args.ci:
            # No big files, and the crafted cases before the random ones (which fill the
            # rest of the phase's time).
            cases = sorted(
                (c for c in cases if not c.big), key=lambda c: c.name.startswith("random")
            )
        run_hostile(cases, tmp, tally, deadline=started + 0.35 * budget)
        t_a = time.monotonic() - started
        print(f"(a) hostile inputs ({t_a:.0f} s): time, peak RSS, outcome per case")
        for line in tally.rows:
            print(line)
        _row("inputs tried", tally.tried, f"(of {len(cases)} built)")
        _row("crashes", len(tally.crashes), "baseline 0")
        _row("hangs", len(tally.hangs), "baseline 0")
        _row("wrong outcomes", len(tally.wrong), "baseline 0 (line numbers, counts, leaks)")
        for line in tally.crashes + tally.hangs + tally.wrong:
            print(f"      ! {line}")
        for line in tally.peaks:
            print(f"    {line}")
        failed |= bool(tally.crashes or tally.hangs or tally.wrong)
        if args.ci:
            return _outside(started, tally, quick=True, failed=failed, ci=True)

        deadline = started + 0.65 * budget
        kt = run_kills(tmp, rng, kills, total=kill_total, batch=50, deadline=deadline)
        t_b = time.monotonic() - started - t_a
        print(
            f"(b) SIGKILL during `newsdesk ingest --embedder hashing --batch-size 50` ({t_b:.0f} s)"
        )
        _row("runs", kt.runs, f"{kt.killed_mid_run} killed mid-run")
        print(f"    stored at each kill: {kt.stored_at_kill} of {kill_total}")
        _row("articles lost", kt.lost, "baseline 0 (seen committed before the kill)")
        _row("integrity failures", kt.integrity_failures, "baseline 0")
        _row("half articles", kt.half_articles, "baseline 0 (no story or text; counts off)")
        _row("partial batches", kt.partial_batches, "baseline 0")
        _row("resume failures", kt.resume_failures, f"baseline 0 (re-run stores all {kill_total})")
        for line in kt.notes:
            print(f"      ! {line}")
        failed |= bool(
            kt.lost or kt.integrity_failures or kt.half_articles or kt.partial_batches
        ) or bool(kt.resume_failures)

        wt = run_watch_kills(tmp, rng, kills, items=120)
        t_w = time.monotonic() - started - t_a - t_b
        print(
            f"(b2) SIGKILL during `newsdesk watch --once` of a 120-item feed with ETag ({t_w:.0f} s)"
        )
        _row("runs", wt.runs, f"{wt.killed_mid_run} killed mid-run")
        print(f"    stored at each kill: {wt.stored_at_kill} of 120")
        _row("integrity failures", wt.integrity_failures, "baseline 0")
        _row("half articles", wt.half_articles, "baseline 0")
        _row("items lost", wt.lost, "baseline 0 (the re-run must store all 120)")
        for line in wt.notes:
            print(f"      ! {line}")
        failed |= bool(wt.lost or wt.integrity_failures or wt.half_articles or wt.resume_failures)
        t_b += t_w

        lt = run_concurrency(tmp, load_seconds)
        t_c = time.monotonic() - started - t_a - t_b
        print(f"(c) serve + ingest + watch --once on one DB for {load_seconds:.0f} s ({t_c:.0f} s)")
        _row("POST /api/articles ok", lt.posts_ok, f"GET ok {lt.gets_ok}")
        _row("ingest runs ok", lt.ingest_runs - len(lt.ingest_failures), "")
        _row("watch --once runs ok", lt.watch_runs - len(lt.watch_failures), "")
        _row("'database is locked'", lt.locked, "baseline 0")
        failures = lt.http_errors + lt.ingest_failures + lt.watch_failures
        _row("failed requests/runs", len(failures), "baseline 0")
        _row("writes lost", lt.lost, f"baseline 0 (of {len(lt.expected_ids)} acknowledged)")
        _row("integrity failures", lt.integrity_failures, "baseline 0")
        for line in failures[:10]:
            print(f"      ! {line}")
        failed |= bool(lt.locked or failures or lt.lost or lt.integrity_failures)

        n_briefs, distinct, n_orders, one_batch, batches = run_determinism(tmp, rounds, args.seed)
        t_d = time.monotonic() - started - t_a - t_b - t_c
        print(f"(d) determinism over shuffled input orders ({t_d:.0f} s)")
        _row("brief JSON, orders", n_briefs, f"distinct outputs {distinct} (baseline 1)")
        _row("stories, one batch", n_orders, f"distinct partitions {one_batch} (baseline 1)")
        _row(
            "stories, batches/runs",
            n_orders,
            f"distinct partitions {batches} (baseline 1; batches of 1/7/25 in 1 or 3 ingest runs)",
        )
        failed |= distinct != 1 or one_batch != 1 or batches != 1
    lost_and_broken = (
        kt.lost + wt.lost + lt.lost,
        kt.integrity_failures + wt.integrity_failures + lt.integrity_failures,
    )
    return _outside(started, tally, quick=quick, failed=failed, earlier=lost_and_broken)


def _outside(
    started: float,
    tally: Tally,
    *,
    quick: bool,
    failed: bool,
    earlier: tuple[int, int] = (0, 0),
    ci: bool = False,
) -> int:
    """(e) issue #18's outside-probe cases on the CLI and the server, then the totals line."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import faults_outside

    ot = faults_outside.main(quick=quick, ci=ci)
    failed |= bool(ot.tracebacks or ot.hangs or ot.http_500 or ot.lost or ot.integrity)
    total = time.monotonic() - started
    lost, integrity = earlier
    print(
        f"total {total:.0f} s; inputs tried {tally.tried + ot.cases}, tracebacks "
        f"{len(tally.crashes) + ot.tracebacks}, hangs {len(tally.hangs) + ot.hangs}, 500s "
        f"{ot.http_500}, lost {lost + ot.lost}, integrity failures {integrity + ot.integrity}, "
        f"XSS executed n/a (tests/test_browser.py), SSRF reached 0; worst time "
        f"{max(tally.worst_time, ot.worst_time):.1f} s, worst memory "
        f"{max(tally.worst_mb, ot.worst_mb):.0f} MB"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
