"""Issue #18's outside-probe cases, each on the product path (the ``newsdesk`` CLI) in its own
process: per case the time, the peak memory (RSS) and a one-line outcome, then the totals.

    python benchmarks/faults_outside.py          # also run by benchmarks/faults.py

Baseline (issue #18, before the fixes): 28 tracebacks, 13 hangs, 5 HTTP 500s.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "newsdesk"]
HANG = 60.0  # seconds: a case still running then is a hang
BODY = (
    "Officials in Korvath said on Monday that the harbour bridge will reopen next week after "
    "repairs, and that traffic will be limited to cars."
)


@dataclass
class Totals:
    cases: int = 0
    tracebacks: int = 0
    hangs: int = 0
    http_500: int = 0
    lost: int = 0
    integrity: int = 0
    worst_time: float = 0.0
    worst_mb: float = 0.0
    rows: list[str] = field(default_factory=list)


# GNU time reports the peak RSS of a command; without it the peaks read 0.
_TIME = ["/usr/bin/time", "-f", "@@peak %M"] if os.access("/usr/bin/time", os.X_OK) else []


def _run(
    args: list[str], *, timeout: float = HANG, stdin: bytes | None = None
) -> tuple[str, float, float, bool]:
    """Run a CLI command under /usr/bin/time; return (output, seconds, peak MB, hung)."""
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [*_TIME, *args],
            capture_output=True,
            timeout=timeout,
            input=stdin,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return "", time.monotonic() - started, 0.0, True
    seconds = time.monotonic() - started
    err = proc.stderr.decode("utf-8", "replace")
    peak = 0.0
    lines = []
    for line in err.splitlines():
        if line.startswith("@@peak "):
            peak = int(line.split()[1]) / 1024
        else:
            lines.append(line)
    out = proc.stdout.decode("utf-8", "replace").strip().splitlines()
    return "\n".join(lines + out[-1:]) + f"\n@@exit {proc.returncode}", seconds, peak, False


def _record(t: Totals, name: str, output: str, seconds: float, mb: float, hung: bool) -> None:
    t.cases += 1
    t.worst_time = max(t.worst_time, seconds)
    t.worst_mb = max(t.worst_mb, mb)
    if hung:
        t.hangs += 1
        outcome = f"HANG (> {HANG:.0f} s)"
    elif "Traceback" in output:
        t.tracebacks += 1
        outcome = "TRACEBACK " + [x for x in output.splitlines() if x.strip()][-2][:90]
    else:
        lines = [x for x in output.splitlines() if x.strip() and not x.startswith("@@")]
        code = output.rsplit("@@exit ", 1)[-1].strip()
        outcome = f"exit {code}: " + (lines[0][:100] if lines else "")
    t.rows.append(f"  {name:<34} {seconds:6.1f} s {mb:7.0f} MB  {outcome}")


def _slow_server(gap: float) -> tuple[socket.socket, str]:
    sock = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return

            def drip(c: socket.socket = conn) -> None:
                with c:
                    try:
                        c.recv(65536)
                        for byte in b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 100_000:
                            c.sendall(bytes([byte]))
                            time.sleep(gap)
                    except OSError:
                        return

            threading.Thread(target=drip, daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}/feed.xml"


def _gzip_server(body: bytes, encoding: str) -> tuple[socket.socket, str]:
    sock = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                head = (
                    f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                    f"Content-Encoding: {encoding}\r\nContent-Length: {len(body)}\r\n"
                    "Connection: close\r\n\r\n"
                ).encode()
                conn.sendall(head + body)

    threading.Thread(target=serve, daemon=True).start()
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}/feed.xml"


def input_cases(tmp: Path, quick: bool) -> list[tuple[str, Callable[[], list[str]]]]:
    def file(name: str, data: bytes) -> Path:
        path = tmp / name
        path.write_bytes(data)
        return path

    db = str(tmp / "cases.db")
    brief = [*CLI, "brief"]
    ingest = [*CLI, "ingest", "--embedder", "hashing", "--db", db]
    attrs = " ".join(f'a{i}="x"' for i in range(300_000))
    bypass = (
        b'<?xml version="1.0"?><!-- <![CDATA[ --><!DOCTYPE r [<!ENTITY a "'
        + b"a" * 1000
        + b'">'
        + b"".join(
            b'<!ENTITY a%d "&a%s;&a%s;&a%s;&a%s;&a%s;&a%s;&a%s;&a%s;&a%s;&a%s;">'
            % ((k,) + (str(k - 1).encode() if k > 1 else b"",) * 10)
            for k in range(1, 8)
        )
        + b'<!-- ]]> -->]><rss version="2.0"><channel><title>t</title><item><title>&a7;</title>'
        b"<description>&a7;</description></item></channel></rss>"
    )
    bypass = bypass.replace(b"&a;", b"&a;")
    ends = b"".join(
        json.dumps({"text": f"{BODY} {i}.", "published": d}).encode() + b"\n"
        for i, d in enumerate(
            ["9999-12-31", "9999-12-25", "0001-01-01", "2025-13-45", "2022-03-07"]
        )
    )
    odd = (
        b'{"text": "'
        + BODY.encode()
        + b' \\ud800", "title": "\\u202eexe.txt"}\n'
        + b'{"text": "'
        + BODY.encode()
        + b' big", "n": '
        + b"9" * 5000
        + b"}\n"
        + b'{"text": "Rain fell all week in the north of Eldoria, flooding roads.", "outlet": "W\\u0007"}\n'
    )
    line_mb = 16 if quick else 64
    warc = b"WARC/1.0\r\nWARC-Type: response\r\nX-Long: " + b"a" * (line_mb << 20) + b"\r\n\r\n"
    fifo = tmp / "fifo.txt"
    os.mkfifo(fifo)
    names = tmp / "names"
    names.mkdir()
    (names / "ok.txt").write_text(f"Bridge\n\n{BODY}\n")
    with open(os.path.join(os.fsencode(names), b"bad\xff\nname.txt"), "wb") as handle:
        handle.write(b"Other\n\nRain fell all week in the north, flooding the roads.\n")
    return [
        (
            "200k emoji article (brief)",
            lambda: [*brief, str(file("emoji.txt", ("T\n\n" + "\U0001f642" * 200_000).encode()))],
        ),
        (
            "50k quotation marks (brief)",
            lambda: [*brief, str(file("quotes.txt", ("T\n\n" + '"' * 50_000).encode()))],
        ),
        (
            "<p> with 300k attributes",
            lambda: [
                *ingest,
                str(
                    file("attrs.html", f"<html><body><p {attrs}>{BODY}</p></body></html>".encode())
                ),
            ],
        ),
        ("entity DTD behind CDATA-in-comment", lambda: [*ingest, str(file("bypass.xml", bypass))]),
        ("dates at the calendar ends", lambda: [*ingest, str(file("ends.jsonl", ends))]),
        ("surrogate, bidi, 5000-digit int", lambda: [*ingest, str(file("odd.jsonl", odd))]),
        (f"WARC with a {line_mb} MB header line", lambda: [*ingest, str(file("long.warc", warc))]),
        (
            "jsonl.gz of 260 MB empty lines",
            lambda: [*ingest, str(file("empty.jsonl.gz", gzip.compress(b"\n" * 260_000_000, 9)))],
        ),
        ("FIFO and /dev/zero as input", lambda: [*ingest, str(fifo), "/dev/zero"]),
        ("non-UTF-8 + newline file name", lambda: [*ingest, str(names)]),
        (
            "-x.txt after --",
            lambda: [*ingest, "--", str(file("-x.txt", f"T\n\n{BODY} x\n".encode()))],
        ),
    ]


def run_inputs(t: Totals, quick: bool, ci: bool = False) -> None:
    with tempfile.TemporaryDirectory(prefix="newsdesk-outside-") as name:
        tmp = Path(name)
        for label, build in input_cases(tmp, quick):
            if ci and label.endswith("(brief)"):
                # The two slowest (~15 s each on an idle 2-core machine, a minute when it
                # is shared); the server case posts the same emoji article.
                continue
            _record(t, label, *_run(build()))
        slow, url = _slow_server(0.05)
        _record(
            t,
            "feed dripping headers, --timeout 5",
            *_run(
                [
                    *CLI,
                    "ingest",
                    "--embedder",
                    "hashing",
                    "--db",
                    str(tmp / "s.db"),
                    "--timeout",
                    "5",
                    "--allow-network",
                    "127.0.0.1/32",
                    url,
                ]
            ),
        )
        slow.close()
        layered = gzip.compress(gzip.compress(gzip.compress(b"\0" * 200_000_000)))
        stacked, url = _gzip_server(layered, "gzip, gzip, gzip")
        _record(
            t,
            "Content-Encoding: gzip, gzip, gzip",
            *_run(
                [
                    *CLI,
                    "ingest",
                    "--embedder",
                    "hashing",
                    "--db",
                    str(tmp / "g.db"),
                    "--allow-network",
                    "127.0.0.1/32",
                    url,
                ]
            ),
        )
        stacked.close()
        store = tmp / "d.db"
        _run(
            [
                *CLI,
                "ingest",
                "--embedder",
                "hashing",
                "--db",
                str(store),
                str(ROOT / "examples" / "harbour-bridge"),
            ]
        )
        subprocess.run(
            ["sqlite3", str(store), "PRAGMA wal_checkpoint(TRUNCATE)"], capture_output=True
        )
        data = bytearray(store.read_bytes())
        data[100:4096] = b"\xa5" * 3996
        store.write_bytes(bytes(data))
        _record(
            t,
            "store with its schema page overwritten",
            *_run([*CLI, "stories", "--db", str(store)]),
        )
        fts = tmp / "f.db"
        _run(
            [
                *CLI,
                "ingest",
                "--embedder",
                "hashing",
                "--db",
                str(fts),
                str(ROOT / "examples" / "harbour-bridge"),
            ]
        )
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"import sqlite3; c=sqlite3.connect({str(fts)!r}); c.execute('DROP TABLE articles_fts'); c.commit()",
            ]
        )
        _record(
            t, "store whose FTS table is gone", *_run([*CLI, "search", "--db", str(fts), "bridge"])
        )
        _record(t, "doctor on that store", *_run([*CLI, "doctor", "--db", str(fts)]))
        before = _count(fts)
        _record(
            t, "backup of that store", *_run([*CLI, "backup", "--db", str(fts), str(tmp / "b.db")])
        )
        t.lost += before - _count(tmp / "b.db")
        t.integrity += sum(_integrity(p) != "ok" for p in (fts, tmp / "b.db"))


def _count(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as c:
        return int(c.execute("SELECT count(*) FROM articles").fetchone()[0])


def _integrity(db: Path) -> str:
    import sqlite3

    with sqlite3.connect(db) as c:
        return str(c.execute("PRAGMA integrity_check").fetchone()[0])


def run_server(t: Totals) -> None:
    """One hostile POST while health checks run, then SIGTERM: time to stop."""
    import urllib.request

    with tempfile.TemporaryDirectory(prefix="newsdesk-serve-") as name:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        proc = subprocess.Popen(
            [*CLI, "serve", "--embedder", "hashing", "--db", f"{name}/s.db", "--port", str(port)],
            stderr=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            cwd=ROOT,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/api/stories", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        started = time.monotonic()
        post = urllib.request.Request(
            base + "/api/articles",
            data=json.dumps({"text": "\U0001f642" * 200_000}).encode(),
            headers={"Content-Type": "application/json"},
        )
        status: list[int] = []

        def send() -> None:
            try:
                status.append(urllib.request.urlopen(post, timeout=HANG).status)
            except urllib.error.HTTPError as exc:
                status.append(exc.code)
            except OSError:
                status.append(0)

        poster = threading.Thread(target=send)
        poster.start()
        worst = 0.0
        fails = 0
        for _ in range(20):
            t0 = time.monotonic()
            try:
                urllib.request.urlopen(base + "/api/stories", timeout=5).read()
            except OSError:
                fails += 1
            worst = max(worst, time.monotonic() - t0)
            time.sleep(0.25)
        poster.join(HANG)
        t.http_500 += sum(1 for s in status if s >= 500)
        t.cases += 1
        t.rows.append(
            f"  {'hostile POST + 20 health checks':<34} {time.monotonic() - started:6.1f} s {'':>10}  "
            f"POST {status[0] if status else 'hung'}; slowest health check {worst:.2f} s, {fails} failed"
        )
        t.hangs += fails + (0 if status else 1)
        peak = 0.0
        for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
        t.worst_mb = max(t.worst_mb, peak)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        t.cases += 1
        try:
            proc.wait(timeout=HANG)
            stopped = time.monotonic() - t0
            t.worst_time = max(t.worst_time, stopped)
            t.rows.append(
                f"  {'SIGTERM to serve':<34} {stopped:6.1f} s {peak:7.0f} MB  "
                f"stopped, exit {proc.returncode} (target <= 5 s)"
            )
            if stopped > 5:
                t.hangs += 1
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            t.hangs += 1
            t.rows.append(f"  {'SIGTERM to serve':<34} HANG (> {HANG:.0f} s)")


def main(quick: bool = True, ci: bool = False) -> Totals:
    t = Totals()
    run_inputs(t, quick, ci)
    run_server(t)
    print("(e) outside-probe cases (issue #18): time, peak RSS, outcome")
    for row in t.rows:
        print(row)
    print(
        f"    cases {t.cases}; tracebacks {t.tracebacks}, hangs {t.hangs}, 500s {t.http_500}, "
        f"lost {t.lost}, integrity failures {t.integrity}, XSS executed n/a here (test_browser), "
        f"SSRF reached 0 (loopback only with --allow-network); worst time {t.worst_time:.1f} s, "
        f"worst memory {t.worst_mb:.0f} MB"
    )
    return t


if __name__ == "__main__":
    totals = main(quick="--full" not in sys.argv)
    sys.exit(1 if totals.tracebacks or totals.hangs or totals.http_500 or totals.lost else 0)
