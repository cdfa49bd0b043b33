"""Watch: polling schedule, conditional GET, backoff, OPML, delivery — loopback server only."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from _localserver import LOOPBACK, LocalServer, Reply, Seen
from newsdesk.errors import InputError, StoreError
from newsdesk.fetch import Fetcher, FetchOptions
from newsdesk.models import Article
from newsdesk.watch import (
    MIN_INTERVAL,
    FeedState,
    PollResult,
    Watcher,
    WatchOptions,
    next_delay,
    state_from_dict,
    state_to_dict,
)

LOCAL = FetchOptions(timeout=5.0, allow_networks=LOOPBACK)


def rss(*items: tuple[str, str, str], title: str = "Tide Gazette") -> bytes:
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><description>{d}</description></item>"
        for t, link, d in items
    )
    return f'<rss version="2.0"><channel><title>{title}</title>{body}</channel></rss>'.encode()


# Whole articles, not teasers (``readers.feeds.TEASER_WORDS``): watch delivers them as they are.
MORE = (
    " Officials said more details would follow later in the day, and residents were asked to"
    " check the council website and local radio for news of roads, buses and ferries."
)
ITEM_A = ("Bridge closes", "https://tide.example/a", "Engineers closed the bridge." + MORE)
ITEM_B = (
    "Ferries added",
    "https://tide.example/b",
    "Ferries run every 20 minutes. The operator added two boats from the southern fleet, and"
    " tickets bought for the bridge bus are valid on board until the end of the month, a"
    " spokeswoman for the port said on Sunday.",
)
ITEM_C = (
    "Bridge reopens",
    "https://tide.example/c",
    "The bridge reopened on Monday. Traffic moved slowly through the morning as crews"
    " finished painting the new lane markings, and the speed limit stays at thirty until the"
    " inspectors sign off the repaired joints next week.",
)
GREEK = (
    "Η γέφυρα έκλεισε. Οι αρχές είπαν ότι περισσότερες λεπτομέρειες θα ακολουθήσουν αργότερα"
    " μέσα στην ημέρα, και ζήτησαν από τους κατοίκους να ελέγχουν την ιστοσελίδα του δήμου και"
    " το τοπικό ραδιόφωνο για δρόμους, λεωφορεία και πλοία."
)
BAD = ("Local", "file:///etc/passwd", "Never read.")


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Collector:
    def __init__(self) -> None:
        self.batches: list[list[Article]] = []

    def __call__(self, articles: Sequence[Article]) -> None:
        self.batches.append(list(articles))


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as srv:
        yield srv


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(LOCAL) as f:
        yield f


def make(
    sources: list[str], fetcher: Fetcher, fake: FakeTime, **options: object
) -> tuple[Watcher, Collector, list[PollResult]]:
    collected = Collector()
    results: list[PollResult] = []
    watcher = Watcher(
        sources,
        on_articles=collected,
        fetcher=fetcher,
        options=WatchOptions(**options),  # type: ignore[arg-type]
        clock=fake.clock,
        sleep=fake.sleep,
        on_poll=results.append,
    )
    return watcher, collected, results


def test_once_delivers_new_articles(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/rss"] = Reply(rss(ITEM_A, BAD, ITEM_B), headers={"ETag": '"1"'})
    fake = FakeTime()
    watcher, collected, results = make([server.url("/rss")], fetcher, fake, once=True)
    summary = watcher.run()
    assert (summary.polls, summary.articles, summary.errors) == (1, 2, 0)
    assert [[a.title for a in b] for b in collected.batches] == [["Bridge closes", "Ferries added"]]
    assert collected.batches[0][0].outlet == "Tide Gazette"
    (result,) = results
    assert result.status == "new"
    assert [f.reason for f in result.failures] == [
        "link uses scheme 'file'; only http(s) links are followed"
    ]
    (state,) = summary.states
    assert state.etag == '"1"'
    assert state.seen == ("https://tide.example/a", "https://tide.example/b")
    assert fake.sleeps == []


def test_conditional_get_and_only_new_items(server: LocalServer, fetcher: Fetcher) -> None:
    feed = {"etag": '"v1"', "body": rss(ITEM_A, ITEM_B)}

    def route(seen: Seen) -> Reply:
        if seen.headers.get("if-none-match") == feed["etag"]:
            return Reply(status=304, headers={"ETag": str(feed["etag"])})
        return Reply(bytes(feed["body"]), headers={"ETag": str(feed["etag"])})

    server.routes["/rss"] = route
    fake = FakeTime()
    watcher, collected, results = make(
        [server.url("/rss")], fetcher, fake, max_polls=2, interval=600.0
    )
    watcher.run()
    assert [r.status for r in results] == ["new", "not_modified"]
    assert server.requests[1].headers["if-none-match"] == '"v1"'
    # The watcher slept until the feed was due again: the interval with +/-10% jitter.
    assert len(fake.sleeps) == 1 and 540.0 <= fake.sleeps[0] <= 660.0
    assert fake.sleeps[0] == pytest.approx(results[0].delay)

    feed.update(etag='"v2"', body=rss(ITEM_C, ITEM_A, ITEM_B))
    watcher.options = WatchOptions(max_polls=1, interval=600.0)
    watcher.run()
    assert [r.status for r in results] == ["new", "not_modified", "new"]
    assert [[a.title for a in b] for b in collected.batches] == [
        ["Bridge closes", "Ferries added"],
        ["Bridge reopens"],
    ]


def test_unchanged_feed_without_validators(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/rss"] = Reply(rss(ITEM_A))
    fake = FakeTime()
    watcher, collected, results = make([server.url("/rss")], fetcher, fake, max_polls=3)
    watcher.run()
    assert [r.status for r in results] == ["new", "unchanged", "unchanged"]
    assert len(collected.batches) == 1
    assert "if-none-match" not in server.requests[1].headers


def test_exponential_backoff_with_seeded_jitter(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/rss"] = Reply(b"down", status=500)

    def delays(seed: int) -> list[float]:
        fake = FakeTime()
        watcher, collected, results = make(
            [server.url("/rss")],
            fetcher,
            fake,
            max_polls=6,
            interval=100.0,
            max_backoff=1000.0,
            seed=seed,
        )
        summary = watcher.run()
        assert summary.errors == 6 and collected.batches == []
        assert fake.sleeps == pytest.approx([r.delay for r in results[:-1]])
        assert summary.states[0].failures == 6
        assert "HTTP 500" in str(summary.states[0].last_error)
        return [r.delay for r in results]

    first = delays(7)
    for n, delay in enumerate(first):
        base = min(100.0 * 2**n, 1000.0)
        assert base * 0.9 <= delay <= base * 1.1, (n, delay)
    assert first[0] < first[1] < first[2] < first[3]
    assert first == delays(7)  # same seed, same schedule
    assert first != delays(8)


def test_backoff_resets_after_success(server: LocalServer, fetcher: Fetcher) -> None:
    answers = iter([Reply(status=503), Reply(status=503), Reply(rss(ITEM_A))])
    server.routes["/rss"] = lambda seen: next(answers)
    fake = FakeTime()
    watcher, collected, results = make(
        [server.url("/rss")], fetcher, fake, max_polls=3, jitter=0.0, interval=60.0
    )
    summary = watcher.run()
    assert [r.status for r in results] == ["error", "error", "new"]
    assert [r.delay for r in results] == [60.0, 120.0, 60.0]
    assert summary.states[0].failures == 0
    assert summary.states[0].last_error is None


def test_retry_after_is_honoured(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/rss"] = Reply(status=429, headers={"Retry-After": "5000"})
    fake = FakeTime()
    watcher, _, results = make([server.url("/rss")], fetcher, fake, once=True, jitter=0.0)
    watcher.run()
    assert results[0].delay == 5000.0


def test_next_delay_values() -> None:
    options = WatchOptions(interval=60.0, max_backoff=300.0, jitter=0.0)
    rng = random.Random(0)
    assert [next_delay(n, options=options, rng=rng) for n in range(6)] == [
        60.0,
        60.0,
        120.0,
        240.0,
        300.0,
        300.0,
    ]
    assert next_delay(1, options=options, rng=rng, retry_after=200.0) == 200.0
    assert next_delay(1, options=options, rng=rng, retry_after=10**9) == 300.0
    jittered = WatchOptions(interval=60.0, jitter=0.5)
    assert min(next_delay(0, options=jittered, rng=rng) for _ in range(200)) == MIN_INTERVAL


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"interval": 5.0}, "at least 60 s"),
        ({"interval": 600.0, "max_backoff": 60.0}, "max_backoff"),
        ({"jitter": 1.0}, "jitter"),
        ({"max_polls": -1}, "max_polls"),
    ],
)
def test_options_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WatchOptions(**kwargs)  # type: ignore[arg-type]


def test_opml_url_adds_its_feeds(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/one"] = Reply(rss(ITEM_A, title="One"))
    server.routes["/two"] = Reply(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Δύο</title><entry><title>Γέφυρα'
        f'</title><link href="https://dyo.example/g"/><summary>{GREEK}</summary>'
        "</entry></feed>".encode()
    )
    opml = f"""<?xml version="1.0"?><opml version="2.0"><body>
<outline xmlUrl="{server.url("/one")}"/><outline xmlUrl="{server.url("/two")}"/>
<outline xmlUrl="{server.url("/one")}"/></body></opml>""".encode()
    server.routes["/list.opml"] = Reply(opml)
    fake = FakeTime()
    watcher, collected, results = make(
        [server.url("/list.opml")], fetcher, fake, once=True, host_gap=2.0
    )
    summary = watcher.run()
    assert [r.status for r in results] == ["list", "new", "new"]
    assert results[0].feeds == (server.url("/one"), server.url("/two"))
    assert [a.text for b in collected.batches for a in b] == [
        "Engineers closed the bridge." + MORE,
        GREEK,
    ]
    assert summary.polls == 3
    assert summary.states[0].is_list
    assert fake.sleeps == [2.0, 2.0]  # same host: polite gap between requests


def test_local_opml_file(tmp_path: Path, server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/one"] = Reply(rss(ITEM_B))
    path = tmp_path / "feeds.opml"
    path.write_text(
        f'<opml version="2.0"><body><outline xmlUrl="{server.url("/one")}"/>'
        '<outline xmlUrl="ftp://old.example/feed"/></body></opml>'
    )
    fake = FakeTime()
    watcher, collected, _ = make([str(path)], fetcher, fake, once=True)
    assert [f.reason for f in watcher.skipped] == [
        "link uses scheme 'ftp'; only http(s) links are followed"
    ]
    assert watcher.run().articles == 1


def test_bad_sources(tmp_path: Path, fetcher: Fetcher) -> None:
    fake = FakeTime()
    feed_file = tmp_path / "feed.xml"
    feed_file.write_bytes(rss(ITEM_A))
    with pytest.raises(InputError, match="not a feed URL or OPML list"):
        make([str(feed_file)], fetcher, fake)
    with pytest.raises(InputError, match="cannot read"):
        make([str(tmp_path / "missing.opml")], fetcher, fake)
    with pytest.raises(InputError, match=r"only http\(s\) feeds are watched \(scheme: file\)"):
        make(["file:///etc/passwd"], fetcher, fake)


def test_no_sources(fetcher: Fetcher) -> None:
    watcher, collected, _ = make([], fetcher, FakeTime())
    assert watcher.run().polls == 0
    assert collected.batches == []


def test_ssrf_guard_applies_to_watch(server: LocalServer) -> None:
    server.routes["/rss"] = Reply(rss(ITEM_A))
    with Fetcher() as default_fetcher:
        watcher, collected, results = make(
            [server.url("/rss")], default_fetcher, FakeTime(), once=True
        )
        summary = watcher.run()
    assert summary.errors == 1
    assert "loopback address 127.0.0.1" in str(results[0].error)
    assert server.requests == []
    assert collected.batches == []


def test_failed_delivery_is_not_marked_seen(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/rss"] = Reply(rss(ITEM_A))
    calls: list[int] = []

    def failing(articles: Sequence[Article]) -> None:
        calls.append(len(articles))
        if len(calls) == 1:
            raise StoreError("database is locked")

    watcher = Watcher(
        [server.url("/rss")],
        on_articles=failing,
        fetcher=fetcher,
        options=WatchOptions(max_polls=1),
        clock=FakeTime().clock,
        sleep=FakeTime().sleep,
    )
    with pytest.raises(StoreError):
        watcher.run()
    assert watcher.states[0].seen == ()
    watcher.run()
    assert calls == [1, 1]
    assert watcher.states[0].seen == ("https://tide.example/a",)


def test_resume_from_saved_state(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/rss"] = Reply(rss(ITEM_A, ITEM_B), headers={"ETag": '"e"'})
    saved = FeedState(
        server.url("/rss"),
        etag='"e"',
        last_modified="Thu, 11 Jun 2020 10:00:00 GMT",
        seen=("https://tide.example/a",),
        failures=2,
    )
    restored = state_from_dict(state_to_dict(saved))
    assert restored == saved
    fake = FakeTime()
    collected = Collector()
    watcher = Watcher(
        [server.url("/rss")],
        on_articles=collected,
        fetcher=fetcher,
        options=WatchOptions(once=True),
        states=[restored],
        clock=fake.clock,
        sleep=fake.sleep,
    )
    watcher.run()
    assert server.requests[0].headers["if-none-match"] == '"e"'
    assert server.requests[0].headers["if-modified-since"] == "Thu, 11 Jun 2020 10:00:00 GMT"
    assert [a.url for b in collected.batches for a in b] == ["https://tide.example/b"]
    with pytest.raises(ValueError, match="no url"):
        state_from_dict({"etag": "x"})


def test_pages_of_known_items_are_not_fetched_again(server: LocalServer, fetcher: Fetcher) -> None:
    page = (
        b"<html><body><article><h1>Bridge</h1><p>"
        + b"The harbour bridge stayed shut. " * 20
        + b"</p></article></body></html>"
    )
    server.routes["/page"] = Reply(page, headers={"Content-Type": "text/html"})
    server.routes["/rss"] = Reply(rss(("Bridge", server.url("/page"), "Teaser.")))
    fake = FakeTime()
    watcher, collected, _ = make([server.url("/rss")], fetcher, fake, max_polls=2, fetch_pages=True)
    watcher.run()
    assert [r.path for r in server.requests] == ["/rss", "/page", "/rss"]
    (article,) = collected.batches[0]
    assert article.text.count("The harbour bridge stayed shut.") == 20


def test_cli_watch_once_ingests_and_resumes(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsdesk.cli import main
    from newsdesk.store import Store

    def route(seen: Seen) -> Reply:
        if seen.headers.get("if-none-match") == '"v1"':
            return Reply(status=304, headers={"ETag": '"v1"'})
        return Reply(rss(ITEM_A, ITEM_B, BAD), headers={"ETag": '"v1"'})

    server.routes["/rss"] = route
    db = tmp_path / "news.db"
    argv = [
        "watch",
        server.url("/rss"),
        "--db",
        str(db),
        "--once",
        "--allow-network",
        "127.0.0.1/32",
        "--embedder",
        "hashing",
    ]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert f"watch: {server.url('/rss')}: 2 new, 1 item skipped" in err
    assert "watch: stored 2 new, 0 duplicates, 0 already stored" in err
    assert "watched 1 feed: 1 poll, 2 new articles, 0 failed polls" in err
    with Store(db) as store:
        assert store.count_articles() == 2
    assert (tmp_path / "news.db.watch.json").exists()

    assert main(argv) == 0  # second run: conditional GET from the saved state
    assert f"watch: {server.url('/rss')}: not modified" in capsys.readouterr().err
    assert server.requests[-1].headers["if-none-match"] == '"v1"'


def test_cli_watch_refuses_loopback_and_rude_intervals(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsdesk.cli import main

    server.routes["/rss"] = Reply(rss(ITEM_A))
    db = str(tmp_path / "news.db")
    assert main(["watch", server.url("/rss"), "--db", db, "--once", "--embedder", "hashing"]) == 1
    assert "loopback address 127.0.0.1" in capsys.readouterr().err
    assert server.requests == []
    with pytest.raises(SystemExit) as info:
        main(["watch", server.url("/rss"), "--db", db, "--interval", "5"])
    assert info.value.code == 2
    assert "at least 60 seconds" in capsys.readouterr().err
    assert main(["watch", str(tmp_path / "nope.opml"), "--db", db, "--once"]) == 1
    assert "nope.opml: cannot read" in capsys.readouterr().err


def test_teasers_are_completed_from_their_page_or_held_back_until_it_can_be_had(
    server: LocalServer, fetcher: Fetcher
) -> None:
    page = (
        b"<html><body><article><h1>Bridge</h1><p>"
        + b"The harbour bridge stayed shut on Tuesday. " * 8
        + b"</p></article></body></html>"
    )
    later = page.replace(b"harbour bridge stayed shut", b"ferry queue grew longer")
    server.routes["/bridge"] = Reply(page, headers={"Content-Type": "text/html"})
    server.routes["/ferry"] = Reply(b"gone", status=404)
    whole = ("Council meets", server.url("/council"), ITEM_C[2])
    server.routes["/rss"] = Reply(
        rss(
            ("Bridge", server.url("/bridge"), "Bridge shut."),
            ("Ferry", server.url("/ferry"), "Queues grow. Read more"),
            whole,
        ),
        headers={"ETag": '"v1"'},
    )
    fake = FakeTime()
    watcher, collected, results = make([server.url("/rss")], fetcher, fake, max_polls=1)
    watcher.run()
    # The whole article's page is never asked for; each teaser's page is, once.
    assert sorted(r.path for r in server.requests) == ["/bridge", "/ferry", "/rss"]
    (delivered,) = collected.batches
    assert [a.url for a in delivered] == [server.url("/bridge"), server.url("/council")]
    assert delivered[0].text.count("The harbour bridge stayed shut on Tuesday.") == 8
    assert [a.url for a in results[0].teasers] == [server.url("/ferry")]
    (state,) = watcher.states
    assert state.teasers == (server.url("/ferry"),) and state.etag is None
    assert state_from_dict(state_to_dict(state)).teasers == state.teasers
    # Next poll: the feed is read in full again and the page can now be had.
    server.routes["/ferry"] = Reply(later, headers={"Content-Type": "text/html"})
    collected = Collector()
    results: list[PollResult] = []
    watcher = Watcher(
        [server.url("/rss")],
        on_articles=collected,
        fetcher=fetcher,
        options=WatchOptions(max_polls=1),
        states=[state],
        clock=fake.clock,
        sleep=fake.sleep,
        on_poll=results.append,
    )
    watcher.run()
    assert "if-none-match" not in server.requests[-2].headers
    (delivered,) = collected.batches
    assert [a.url for a in delivered] == [server.url("/ferry")]
    assert "ferry queue grew longer" in delivered[0].text
    assert results[0].teasers == () and watcher.states[0].teasers == ()


def test_cli_watch_holds_teasers_in_the_store_until_their_page_can_be_had(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsdesk.cli import main
    from newsdesk.store import Store

    page = (
        b"<html><body><article><h1>Ferry</h1><p>"
        + b"The ferry queue grew longer on Tuesday morning. " * 8
        + b"</p></article></body></html>"
    )
    server.routes["/ferry"] = Reply(b"gone", status=404)
    server.routes["/rss"] = Reply(
        rss(ITEM_A, ("Ferry", server.url("/ferry"), "Queues grow. Read more")),
        headers={"ETag": '"v1"'},
    )
    db = tmp_path / "news.db"
    argv = ["watch", server.url("/rss"), "--db", str(db), "--once"]
    argv += ["--allow-network", "127.0.0.1/32", "--embedder", "hashing"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert f"watch: {server.url('/rss')}: 1 new, 1 teaser held back (page not fetched yet)" in err
    assert "watched 1 feed: 1 poll, 1 new article, 0 failed polls; 1 teaser held" in err
    with Store(db) as store:
        # Stored apart: not an article, so in no story, brief or search.
        assert store.count_articles() == 1
        assert [s.n_articles for s in store.stories()] == [1]
        assert store.search("queues") == []
        (held,) = store.teasers()
        assert (held.url, held.feed, held.title, held.text, held.attempts) == (
            server.url("/ferry"),
            server.url("/rss"),
            "Ferry",
            "Queues grow. Read more",
            1,
        )
    assert main(["doctor", "--db", str(db)]) == 0
    assert "teasers:    1 (feed items held until their page can be had)" in capsys.readouterr().out
    # Still gone on the next run: one more attempt, still held.
    assert main(argv) == 0
    capsys.readouterr()
    with Store(db) as store:
        assert [t.attempts for t in store.teasers()] == [2]
    # The page is back: the article is stored and the teaser released.
    server.routes["/ferry"] = Reply(page, headers={"Content-Type": "text/html"})
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "watched 1 feed: 1 poll, 1 new article, 0 failed polls\n" in err
    with Store(db) as store:
        assert store.count_articles() == 2 and store.teasers() == []
        assert len(store.search("ferry queue")) == 1
