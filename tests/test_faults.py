"""Bounded fuzzing of every reader, hostile feeds, and order-free briefs (CI budget: < 60 s).

The long run is ``python benchmarks/faults.py --minutes N``; these tests keep a fixed, small
number of examples so CI time stays flat.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.models import Article, ReadFailure
from newsdesk.readers import read_articles, read_stream
from newsdesk.web.docs import brief_schema

BODY = (
    "A magnitude 6.4 earthquake struck near Korvath in northern Eldoria on Monday, killing "
    "at least 12 people, officials said. Rescue teams searched the market district."
)
TEXT = f"Quake in Korvath\n\n{BODY}\n\nAftershocks followed on Tuesday.".encode()
HTML = (
    "<!doctype html><html><head><title>Quake in Korvath</title></head><body><nav>Home</nav>"
    f"<article><h1>Quake in Korvath</h1><p>{BODY}</p><p>Aftershocks followed.</p></article>"
    "</body></html>"
).encode()
JSONL = b"".join(
    json.dumps({"text": f"{BODY} Update {i}.", "url": f"https://news.test/{i}"}).encode() + b"\n"
    for i in range(5)
)
RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
    + "".join(
        f"<item><title>Update {i}</title><link>https://news.test/{i}</link>"
        f"<description>{BODY} Update {i}.</description></item>"
        for i in range(3)
    )
    + "</channel></rss>"
).encode()


def _warc() -> bytes:
    """One WARC response record, written by hand (warcio's writer leaves a temp file open)."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + HTML
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.test/q\r\n"
        "WARC-Date: 2022-03-07T10:00:00Z\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


SAMPLES = {
    "a.txt": TEXT,
    "a.html": HTML,
    "a.jsonl": JSONL,
    "a.xml": RSS,
    "a.warc": _warc(),
    "a.jsonl.gz": gzip.compress(JSONL),
    "noext": HTML,
}


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    """Fail (rather than hang CI) when one read takes longer than ``seconds``."""

    def expire(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"read took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _read(data: bytes, name: str) -> list[Article | ReadFailure]:
    with _time_limit(20):
        items = list(read_stream(io.BytesIO(data), name=name, location="f"))
    assert all(isinstance(item, (Article, ReadFailure)) for item in items)
    return items


def test_valid_samples_read() -> None:
    for name, data in SAMPLES.items():
        items = _read(data, name)
        assert any(isinstance(i, Article) for i in items), (name, items)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.binary(max_size=3000), name=st.sampled_from(sorted(SAMPLES) + ["a.warc.gz", "a.bin"])
)
def test_random_bytes_never_raise(data: bytes, name: str) -> None:
    _read(data, name)


@st.composite
def _mangled(draw: st.DrawFn) -> tuple[bytes, str]:
    name = draw(st.sampled_from(sorted(SAMPLES)))
    data = bytearray(SAMPLES[name])
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["cut", "nul", "flip", "insert"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "cut":
            del data[at:]
        elif op == "nul":
            data.insert(at, 0)
        elif op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=40))
    return bytes(data), name


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mangled())
def test_truncated_nul_and_flipped_inputs_never_raise(case: tuple[bytes, str]) -> None:
    _read(*case)


def test_corrupt_gzip_body_is_a_failure_not_a_crash() -> None:
    # Regression: a valid gzip header over corrupt deflate data raised zlib.error.
    packed = bytearray(gzip.compress(JSONL * 20))
    rng = random.Random(3)
    for _ in range(16):
        packed[10 + rng.randrange(len(packed) - 20)] = rng.randrange(256)
    for name in ("a.jsonl.gz", "a.warc.gz"):
        items = _read(bytes(packed), name)
        assert isinstance(items[-1], ReadFailure) and items[-1].reason.startswith("cannot read")


def test_broken_jsonl_lines_report_true_line_numbers() -> None:
    good = JSONL.splitlines()
    lines = [
        good[0],
        b'{"text": "cut',
        good[1],
        b"",
        b"\x00\xff",
        good[2],
        b"[1]",
        b'{"title": "x"}',
    ]
    items = _read(b"\n".join(lines) + b"\n", "a.jsonl")
    failures = [i.location for i in items if isinstance(i, ReadFailure)]
    assert failures == ["f:2", "f:5", "f:7", "f:8"]
    assert sum(isinstance(i, Article) for i in items) == 3


def test_nested_html_and_long_line_are_bounded() -> None:
    nested = (
        b"<html><body>"
        + b"<div>" * 100_000
        + BODY.encode()
        + b"</div>" * 100_000
        + b"</body></html>"
    )
    _read(nested, "a.html")
    long_line = json.dumps({"text": "word " * 1_000_000}).encode() + b"\n" + JSONL
    items = _read(long_line, "a.jsonl")
    assert [i.location for i in items if isinstance(i, ReadFailure)] == ["f:1"]


def test_overlong_jsonl_line_is_skipped_without_holding_it() -> None:
    # Regression: iterating the stream read a whole line, so a 1 GB line cost gigabytes.
    from newsdesk.readers.jsonl import MAX_LINE_BYTES, iter_jsonl

    class Counting(io.BytesIO):
        biggest = 0

        def readline(self, size: int | None = -1) -> bytes:
            line = super().readline(size)
            Counting.biggest = max(Counting.biggest, len(line))
            return line

        def __next__(self) -> bytes:  # iteration reads whole lines: count those too
            line = super().__next__()
            Counting.biggest = max(Counting.biggest, len(line))
            return line

    data = b'{"text": "' + b"w" * (3 * MAX_LINE_BYTES) + b'"}\n' + JSONL
    stream = Counting(data)
    with _time_limit(20):
        items = list(iter_jsonl(stream, location="f"))
    assert [i.location for i in items if isinstance(i, ReadFailure)] == ["f:1"]
    assert [i.location for i in items if isinstance(i, Article)] == [f"f:{n}" for n in range(2, 7)]
    assert Counting.biggest <= MAX_LINE_BYTES + 1


def test_entity_bomb_and_external_entity_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("fault-secret-token")
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        b'<rss version="2.0"><channel><title>&d;</title>'
        b"<item><title>&d;</title><description>&d;</description></item></channel></rss>"
    )
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'<rss version="2.0"><channel><title>t</title><item><title>&x;</title>'
        f"<description>{BODY} &x;</description></item></channel></rss>"
    ).encode()
    for data in (bomb, xxe, bomb.decode().encode("utf-16")):
        items = _read(data, "a.xml")
        assert not any(isinstance(i, Article) for i in items)
        assert all(
            "fault-secret-token" not in i.reason for i in items if isinstance(i, ReadFailure)
        )


@pytest.fixture(scope="module")
def hashing_models() -> object:
    from newsdesk.nlp import Models

    return Models(embedder_name="hashing")


def test_brief_is_byte_identical_in_any_input_order(tmp_path: Path, hashing_models: object) -> None:
    from newsdesk.cli.brief import brief_from_paths
    from newsdesk.nlp import Models
    from newsdesk.renderers import render

    assert isinstance(hashing_models, Models)
    reports = {
        "wire.txt": f"Quake in Korvath\n\n{BODY}",
        "copy.txt": f"Quake in Korvath\n\n{BODY}",  # the same text at another path: same id
        "daily.txt": "Korvath toll rises\n\nThe death toll from Monday's earthquake in Korvath, "
        "Eldoria, rose to 19 on Tuesday as rescuers searched collapsed buildings.",
        "ru.txt": "Землетрясение в Корвате\n\nЗемлетрясение магнитудой 6,4 произошло в Корвате "
        "на севере Эльдории в понедельник.",
    }
    for name, text in reports.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "page.html").write_bytes(HTML)
    files = sorted(str(p) for p in tmp_path.iterdir())
    rng = random.Random(7)
    outputs = set()
    for _ in range(4):
        order = files[:]
        rng.shuffle(order)
        brief = brief_from_paths(order, hashing_models)
        assert brief is not None
        outputs.add(render(brief, "json"))
    assert len(outputs) == 1
    sources = json.loads(outputs.pop())["sources"]
    # The repeat is listed as a copy of the first by location, never dropped; the Russian
    # report is another story under the hashing embedder (the largest story is briefed).
    cited = {s["location"].rsplit("/", 1)[1]: s for s in sources}
    assert set(cited) == {"copy.txt", "wire.txt", "daily.txt", "page.html"}
    assert cited["wire.txt"]["duplicate_of"] == cited["copy.txt"]["id"]


def test_read_articles_of_empty_and_missing_inputs(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    result = read_articles([empty, tmp_path / "missing.txt"])
    assert result.articles == ()
    assert [f.reason for f in result.failures] == ["no such file or directory"]


class _RecordingNlp:
    """The real spaCy pipeline, recording the documents its parser is given (a work count)."""

    def __init__(self, nlp: object) -> None:
        self._nlp = nlp
        self.docs: list[object] = []

    def make_doc(self, text: str) -> object:
        return self._nlp.make_doc(text)  # type: ignore[attr-defined]

    def pipe(self, docs: list[object], batch_size: int) -> object:
        self.docs = list(docs)
        return self._nlp.pipe(self.docs, batch_size=batch_size)  # type: ignore[attr-defined]


@pytest.mark.parametrize("run", ["\U0001f642" * 30_000, '"' * 30_000])
def test_one_long_token_run_is_bounded_before_parsing(run: str, models: object) -> None:
    from newsdesk.articles import make_article
    from newsdesk.sentences import MAX_TOKENS, analyze

    nlp = _RecordingNlp(models.nlp)  # type: ignore[attr-defined]
    article = make_article("Officials met on Monday. " + run, location="run.txt")
    (analysis,) = analyze([article], nlp)
    # The tokenizer's prefix/suffix loop is quadratic in the length of a run: no run the
    # parser sees is longer than 200 characters, and the token count per article is capped.
    longest = max(len(token.text) for doc in nlp.docs for token in doc)  # type: ignore[attr-defined]
    assert longest <= 200
    assert sum(len(doc) for doc in nlp.docs) <= MAX_TOKENS  # type: ignore[arg-type]
    assert analysis.sentences[0].text == "Officials met on Monday."
    assert analysis.sentences[0].start == 0


def test_element_with_many_attributes_is_cut_before_parsing() -> None:
    from newsdesk.readers.html import MAX_ATTRIBUTES, _cap_attributes, read_html

    attrs = " ".join(f'data-a{i}="v{i}"' for i in range(20_000))
    page = f"<html><body><article><p {attrs}>{BODY}</p></article></body></html>".encode()
    # libxml2 compares each attribute with the element's earlier ones: the parser gets 256.
    capped = _cap_attributes(page)
    assert capped.count(b"data-a") == MAX_ATTRIBUTES
    assert b'data-a255="v255">' in capped
    assert read_html(page, location="attrs.html").text == BODY


def test_jsonl_parse_errors_are_never_cut_mid_message() -> None:
    lines = [b'{"text": "a\x01b"}', b'{"a": 1} x', b'{"text": "abc']
    failures = [i for i in _read(b"\n".join(lines), "cut.jsonl") if isinstance(i, ReadFailure)]
    assert [(f.location, f.reason) for f in failures] == [
        ("f:1", "invalid JSON (Invalid control character at column 12)"),
        ("f:2", "invalid JSON (Extra data)"),
        ("f:3", "invalid JSON (Unterminated string starting at column 10)"),
    ]


def test_dropped_dates_are_named_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsdesk.cli import main

    records = [
        {"text": f"{BODY} One.", "published": "9999-12-31"},
        {"text": f"{BODY} Two.", "published": "2025-13-45"},
        {"text": f"{BODY} Three.", "published": "2022-03-07"},
    ]
    dump = tmp_path / "d.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in records))
    brief = tmp_path / "brief.json"
    assert main(["brief", str(dump), "--format", "json", "-o", str(brief)]) == 0
    jsonschema.validate(json.loads(brief.read_text()), brief_schema())
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert warnings == [
        f"newsdesk: warning: {dump}:1: published '9999-12-31' dropped: "
        "not a calendar date in the years 1000-9000",
        f"newsdesk: warning: {dump}:2: published '2025-13-45' dropped: "
        "not a calendar date in the years 1000-9000",
    ]


def test_dropped_dates_of_text_files_and_feed_items_are_named_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsdesk.cli import main

    (tmp_path / "a.txt").write_text(f"Bridge falls\ndate: 2025-13-45\n\n{BODY}\n")
    item = "<item><title>{}</title><link>https://example.com/{}</link><pubDate>{}</pubDate>"
    item += f"<description>{BODY}</description></item>"
    (tmp_path / "f.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        + item.format("Odd", "a", "Tue, 45 Foo 2025 10:00:00 GMT")
        + item.format("Fine", "b", "Tue, 14 Oct 2025 10:00:00 GMT")
        + "</channel></rss>"
    )
    for name in ("a.txt", "f.xml"):
        assert main(["brief", str(tmp_path / name), "--all", "-o", str(tmp_path / "out")]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert warnings == [
        f"newsdesk: warning: {tmp_path / 'a.txt'}: date '2025-13-45' dropped: "
        "not a calendar date in the years 1000-9000",
        f"newsdesk: warning: {tmp_path / 'f.xml'}#item-1: published "
        "'Tue, 45 Foo 2025 10:00:00 GMT' dropped: not a calendar date in the years 1000-9000",
    ]


def test_a_file_named_like_an_option_is_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsdesk.cli import build_parser, main

    assert "newsdesk brief -- -x.txt" in build_parser().format_help()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-x.txt").write_text(f"Quake in Korvath\n\n{BODY}\n")
    with pytest.raises(SystemExit) as exit_info:
        main(["brief", "-x.txt"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "newsdesk brief: error: unrecognized arguments: -x.txt "
        "(to read the file -x.txt, put it after --, or write ./-x.txt)"
    )
    assert main(["brief", "--format", "json", "-o", "b.json", "--", "-x.txt"]) == 0
    brief = json.loads((tmp_path / "b.json").read_text())
    assert brief["story"]["headline"] == "Quake in Korvath"
    jsonschema.validate(brief, brief_schema())


@pytest.mark.parametrize(
    "opener",
    ['<p a="x>"', "<p a='x>'", '<p a = "x>"', '<p a"b c="x>"', "<p a <b"],
    ids=["double", "single", "spaced", "quote-in-name", "lt-in-name"],
)
def test_quoted_gt_does_not_hide_attributes_from_the_cap(opener: str) -> None:
    from lxml import html as lxml_html

    from newsdesk.readers.html import MAX_ATTRIBUTES, _cap_attributes

    attrs = " ".join(f"data-a{i}" for i in range(5_000))
    page = f"<html><body>{opener} {attrs}>{BODY}</p></body></html>".encode()
    capped = _cap_attributes(page)
    element = next(lxml_html.document_fromstring(capped).iter("p"))
    # libxml2 reads the ">" inside the quotes as part of the value, so the tag goes on.
    assert len(element.attrib) <= MAX_ATTRIBUTES
    assert element.text == BODY


def test_attribute_cap_is_linear_on_unclosed_quotes() -> None:
    from newsdesk.readers.html import _cap_attributes

    with _time_limit(5):
        for unit in (b'<a"', b"<a ='", b'<a a=" '):
            assert len(_cap_attributes(unit * 1_000_000)) > 0


def test_dates_at_the_calendar_ends_are_dropped_and_the_batch_read() -> None:
    records = [
        {"text": f"{BODY} One.", "published": "9999-12-25"},
        {"text": f"{BODY} Two.", "published": "0001-01-03"},
        {"text": f"{BODY} Three.", "date": "Dec 31 9999"},
        {"text": f"{BODY} Four.", "published": "2022-03-07"},
    ]
    data = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    items = _read(data, "ends.jsonl")
    assert [i.published for i in items if isinstance(i, Article)] == [
        None,
        None,
        None,
        "2022-03-07",
    ]
    text = b"Quake at the end of time\n\nDec 31 9999\n\n" + BODY.encode()
    (article,) = _read(text, "end.txt")
    assert isinstance(article, Article) and article.published is None


def test_story_window_clamps_at_the_calendar_end(hashing_models: object) -> None:
    from newsdesk.articles import make_article
    from newsdesk.ingest import ingest
    from newsdesk.nlp import Models
    from newsdesk.store import Store

    assert isinstance(hashing_models, Models)
    # Made directly (not read), so the date reaches the 14-day story window unfiltered.
    late = make_article(BODY, location="late", published="9999-12-30")
    ferry = "A ferry ran aground off Selvik harbour on Friday; all 80 passengers were rescued."
    early = make_article(ferry, location="early", published="0001-01-01")
    with Store() as store:
        report = ingest(store, [late, early], hashing_models)
        assert [r.status for r in report.results] == ["new", "new"]


def test_text_that_is_not_text_is_neutralised_and_stored(hashing_models: object) -> None:
    from newsdesk.ingest import ingest
    from newsdesk.nlp import Models
    from newsdesk.store import Store

    assert isinstance(hashing_models, Models)
    lines = [
        b'{"text": "' + BODY.encode() + b' \\ud800 One.", "title": "Lone \\udc80 half"}',
        b'{"text": "' + BODY.encode() + b' Two.", "n": ' + b"9" * 5000 + b"}",
        b'{"text": "' + BODY.encode() + b' Three.", "title": "\\u202egnp.exe", '
        b'"outlet": "Wire\\u0007\\u2066"}',
    ]
    items = _read(b"\n".join(lines) + b"\n", "odd.jsonl")
    failures = [i for i in items if isinstance(i, ReadFailure)]
    assert [(f.location, f.reason) for f in failures] == [
        ("f:2", "invalid JSON (a number too long to read)")
    ]
    one, three = (i for i in items if isinstance(i, Article))
    assert one.title == "Lone \ufffd half"
    assert one.text.endswith("\ufffd One.")
    assert (three.title, three.outlet) == ("gnp.exe", "Wire")
    with Store() as store:
        report = ingest(store, [one, three], hashing_models)
        # The two differ in one word: the second is stored as a copy of the first.
        assert [r.status for r in report.results] == ["new", "duplicate"]
        stored = store.articles([one.id, three.id])
        assert sorted(a.title or "" for a in stored) == ["Lone \ufffd half", "gnp.exe"]


def test_odd_file_names_are_shown_escaped(tmp_path: Path) -> None:
    import os

    from newsdesk.readers import read_articles

    os.mkdir(tmp_path / "in")
    (tmp_path / "in" / "good.txt").write_bytes(TEXT)
    with open(os.path.join(os.fsencode(tmp_path / "in"), b"bad\xff.txt"), "wb") as handle:
        handle.write(TEXT.replace(b"Aftershocks", b"Tremors"))
    (tmp_path / "in" / "two\nlines.txt").write_bytes(b"")
    result = read_articles([tmp_path / "in"])
    shown = sorted(a.location.rsplit("/", 1)[1] for a in result.articles)
    assert shown == ["bad\\xff.txt", "good.txt"]
    assert [f.location.rsplit("/", 1)[1] for f in result.failures] == ["two\\x0alines.txt"]


def test_fifo_and_device_are_refused_up_front(tmp_path: Path) -> None:
    import os

    from newsdesk.readers import read_articles

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with _time_limit(10):  # opening a FIFO would block until a writer comes
        result = read_articles([fifo, "/dev/zero"])
    assert [(f.location, f.reason) for f in result.failures] == [
        (str(fifo), "not a regular file (a FIFO), skipped"),
        ("/dev/zero", "not a regular file (a device or socket), skipped"),
    ]


def test_gzip_bomb_of_empty_lines_is_refused() -> None:
    from newsdesk.readers import MAX_GZIP_RATIO

    bomb = gzip.compress(b"\n" * 60_000_000, compresslevel=9)
    assert len(bomb) * MAX_GZIP_RATIO < 60_000_000
    items = _read(bomb, "empty.jsonl.gz")
    assert [(i.location, i.reason) for i in items if isinstance(i, ReadFailure)] == [
        ("f", f"gzip expands more than {MAX_GZIP_RATIO}x (a decompression bomb), skipped")
    ]


def test_warc_with_one_long_header_line_is_refused_in_bounded_reads() -> None:
    from newsdesk.readers.warc import MAX_LINE_BYTES

    long_line = b"X-Pad: " + b"a" * (3 * MAX_LINE_BYTES) + b"\r\n"
    data = _warc() + b"WARC/1.0\r\nWARC-Type: response\r\n" + long_line + b"\r\n"

    class Counting(io.BytesIO):
        given = 0

        def read(self, size: int | None = -1) -> bytes:
            chunk = super().read(size)
            Counting.given += len(chunk)
            return chunk

    items = list(read_stream(Counting(data), name="a.warc", location="f"))
    assert [i.title for i in items if isinstance(i, Article)] == ["Quake in Korvath"]
    assert [i.reason for i in items if isinstance(i, ReadFailure)] == [
        f"unreadable WARC after 1 records (a line longer than {MAX_LINE_BYTES:,} bytes)"
    ]
    # Work count: reading stopped within a block of the limit, not at the end of the line.
    assert Counting.given < len(_warc()) + MAX_LINE_BYTES + 200_000


def test_ray_output_goes_to_the_log_unless_verbose(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    import os

    from newsdesk.cli.batch import ray_output_to

    log = tmp_path / "ray.log"
    with ray_output_to(log):
        # What Ray's C++ core worker and its child processes write: straight to fd 2.
        os.write(2, b"The Dataset job will hang unless more CPUs are freed up\n")
    with ray_output_to(None):
        os.write(2, b"shown with --verbose\n")
    assert capfd.readouterr().err == "shown with --verbose\n"
    assert log.read_text() == "The Dataset job will hang unless more CPUs are freed up\n"


def test_one_slow_feed_delays_no_other() -> None:
    import http.server
    import threading
    import time

    from _localserver import LocalServer, Reply
    from newsdesk.fetch import Fetcher, FetchOptions
    from newsdesk.watch import PollResult, Watcher, WatchOptions

    class Fast(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(RSS)))
            self.end_headers()
            self.wfile.write(RSS)

        def log_message(self, format: str, *args: object) -> None:
            pass

    # Two hosts (127.0.0.1 and 127.0.0.2): the first answers its feed after 3 s.
    fast = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Fast)
    threading.Thread(target=fast.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    fast_url = f"http://127.0.0.2:{fast.server_address[1]}/rss"
    polled: list[tuple[str, str, float]] = []
    try:
        with (
            LocalServer() as slow,
            Fetcher(FetchOptions(timeout=10.0, allow_networks=("127.0.0.0/8",))) as fetcher,
        ):
            slow.routes["/rss"] = Reply(RSS.replace(b"news.test", b"slow.test"), delay=3.0)
            started = time.monotonic()

            def seen(result: PollResult) -> None:
                polled.append((result.url, result.status, time.monotonic() - started))

            summary = Watcher(
                [slow.url("/rss"), fast_url],
                on_articles=lambda _articles: None,
                fetcher=fetcher,
                options=WatchOptions(once=True, teasers=False),  # items read as they are
                on_poll=seen,
            ).run()
            slow_url = slow.url("/rss")
    finally:
        fast.shutdown()
        fast.server_close()
    assert (summary.polls, summary.articles, summary.errors) == (2, 6, 0)
    # The fast feed is read and delivered at once, not after the slow one's 3 s.
    assert [(url, status) for url, status, _ in polled] == [(fast_url, "new"), (slow_url, "new")]
    assert polled[0][2] < 1.5 and polled[1][2] >= 3.0
