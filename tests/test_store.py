"""Tests for the SQLite store: migrations, round-trip, search, stories, briefs, concurrency."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.articles import make_article
from newsdesk.errors import StoreError
from newsdesk.models import Article
from newsdesk.store import MIGRATIONS, Store, default_db_path, fts_query


def _article(text: str, **kw: str) -> Article:
    return make_article(text, location=kw.pop("location", "mem"), **kw)


def _put(store: Store, articles: list[Article], story: str = "st-1") -> None:
    with store.transaction():
        store.add_articles([(a, a.id, None, None) for a in articles])
        store.set_memberships([(a.id, story, None, None) for a in articles])
        store.refresh_stories([story])


def test_migrations_are_recorded_once(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    with Store(path) as store:
        assert store.migrations() == [name for name, _ in MIGRATIONS]
    with Store(path) as store:  # reopening applies nothing twice
        assert store.migrations() == [name for name, _ in MIGRATIONS]
        assert store._query("PRAGMA journal_mode")[0][0] == "wal"


def test_story_aliases_follow_merges(tmp_path: Path) -> None:
    with Store(tmp_path / "n.db") as store:
        a, b = _article("Rain in Lyon."), _article("Rain in Nice.")
        _put(store, [a], "st-a")
        _put(store, [b], "st-b")
        with store.transaction():
            store.move_to_stories([(a.id, "st-b")])
            store.refresh_stories(["st-a", "st-b"])  # st-a has no members left: deleted
            store.add_story_aliases({"st-a": "st-b"})
        assert store.story("st-a") is None
        assert store.resolve_story("st-a") == "st-b"
        assert store.present_stories(["st-a", "st-b"]) == {"st-b"}
        with store.transaction():  # st-b merges on into st-c: the old alias follows
            store.move_to_stories([(a.id, "st-c"), (b.id, "st-c")])
            store.refresh_stories(["st-b", "st-c"])
            store.add_story_aliases({"st-b": "st-c"})
        assert store.resolve_story("st-a") == store.resolve_story("st-b") == "st-c"
        assert store.resolve_story("st-unknown") == "st-unknown"


def test_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO migrations VALUES ('999_future', 'x')")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer newsdesk"):
        Store(path)


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        Store(path)


def test_default_path_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWSDESK_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"
    monkeypatch.delenv("NEWSDESK_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_db_path() == tmp_path / "newsdesk" / "newsdesk.db"


def test_empty_store() -> None:
    with Store() as store:
        assert store.stories() == []
        assert store.search("anything") == []
        assert store.article("nope") is None
        assert store.articles([]) == []
        assert store.story("nope") is None
        assert store.count_articles() == 0


def test_writes_need_a_transaction() -> None:
    with Store() as store, pytest.raises(RuntimeError, match="transaction"):
        store.add_articles([(_article("x"), "h", None, None)])


def test_failed_transaction_leaves_nothing() -> None:
    with Store() as store:
        with pytest.raises(ZeroDivisionError), store.transaction():
            store.add_articles([(_article("Half written."), "h", None, None)])
            1 / 0  # noqa: B018
        assert store.count_articles() == 0


def test_story_listing_and_versions() -> None:
    with Store() as store:
        a = _article("Floods hit the valley.", outlet="A", published="2021-03-01", title="Floods")
        b = _article("The valley floods again.", outlet="B", published="2021-03-02")
        c = _article("Ferry sinks off the coast.", outlet="A", published="2021-02-01")
        _put(store, [a], "st-flood")
        v1 = store.story_version("st-flood")
        _put(store, [b], "st-flood")
        _put(store, [c], "st-ferry")
        assert store.story_version("st-flood") != v1
        listing = store.stories()
        assert [s.id for s in listing] == ["st-flood", "st-ferry"]
        flood = listing[0]
        assert (flood.n_articles, flood.n_sources, flood.headline) == (2, 2, "Floods")
        assert (flood.first_published, flood.last_published) == ("2021-03-01", "2021-03-02")
        assert [s.id for s in store.stories(since="2021-02-15")] == ["st-flood"]
        assert [s.id for s in store.stories(search="ferry")] == ["st-ferry"]
        assert [s.id for s in store.stories(limit=1, offset=1)] == ["st-ferry"]
        story = store.story("st-flood")
        assert story is not None and story.article_ids == (a.id, b.id)
        assert [x.id for x in store.story_articles("st-flood")] == [a.id, b.id]
        with pytest.raises(KeyError):
            store.story_version("st-none")


def test_brief_cache_follows_version() -> None:
    with Store() as store:
        _put(store, [_article("One.")], "st-1")
        version = store.story_version("st-1")
        assert store.cached_brief("st-1", version) is None
        store.save_brief("st-1", version, '{"schema": "newsdesk.brief/1"}')
        assert store.cached_brief("st-1", version) == '{"schema": "newsdesk.brief/1"}'
        _put(store, [_article("Two.")], "st-1")
        assert store.cached_brief("st-1", store.story_version("st-1")) is None


def test_search_finds_non_latin_and_ranks() -> None:
    with Store() as store:
        ru = _article("Землетрясение магнитудой 6,1 произошло в Чили.", outlet="ТАСС")
        en = _article("A quiet day in Chile, an earthquake elsewhere.")
        _put(store, [ru, en])
        assert [h.article_id for h in store.search("землетрясение")] == [ru.id]
        hits = store.search("earthquake chile")
        assert [h.article_id for h in hits] == [en.id] and "[" in hits[0].snippet


def test_fts_query_quotes_everything() -> None:
    assert fts_query('NEAR(a b) OR "x') == '"near" "a" "b" "or" "x"'
    assert fts_query("troop*") == '"troop"*'
    assert fts_query("  ()  ") == ""


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_hostile_queries_never_raise(query: str) -> None:
    with Store() as store:
        _put(store, [_article("Some text about troops in Iraq.")])
        store.search(query)
        store.stories(search=query)


_texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200
).filter(lambda t: t.strip() != "")
_meta = st.none() | st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=60, deadline=None)
@given(_texts, _meta, _meta, st.lists(st.text(max_size=20), max_size=3))
def test_article_round_trip(
    text: str, title: str | None, outlet: str | None, removed: list[str]
) -> None:
    article = Article(
        id="id-1",
        location="loc",
        text=text,
        title=title,
        outlet=outlet,
        published="2020-01-02",
        removed=tuple(removed),
    )
    with Store() as store:
        with store.transaction():
            store.add_articles([(article, "h", None, None)])
        assert store.article("id-1") == article
        assert store.articles(["missing", "id-1"]) == [article]


def test_concurrent_writers_and_readers(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    Store(path).close()
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            with Store(path) as store:
                for i in range(15):
                    _put(store, [_article(f"Writer {k} article {i}.")], f"st-{k}")
        except BaseException as exc:  # pragma: no cover - the failure we test for
            errors.append(exc)

    def reader() -> None:
        try:
            with Store(path) as store:
                for _ in range(30):
                    store.stories()
                    store.search("article")
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store(path) as store:
        assert store.count_articles() == 45
        assert store.integrity_check() == "ok"


def _filled(path: Path, n: int = 40) -> None:
    with Store(path) as store:
        _put(
            store,
            [_article(f"Report {i} on the harbour bridge inquiry in Velmora.") for i in range(n)],
        )


def test_damaged_store_is_reported_not_read_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    _filled(path)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # the schema page, after the file header
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as info:
        Store(path)
    message = str(info.value)
    assert message.startswith(f"store damaged: {path} (")
    assert message.endswith(f"run `newsdesk doctor --db {path}`")
    assert path.read_bytes() == bytes(data)  # nothing was written into it


def test_read_only_store_is_readable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    path = tmp_path / "n.db"
    _filled(path, 3)
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real(p, mode))
    with Store(path) as store:
        assert store.read_only
        assert [s.n_articles for s in store.stories()] == [3]
        assert len(store.search("harbour")) == 3
        with pytest.raises(StoreError, match="the store is read-only"), store.transaction():
            pass


def test_disk_full_rolls_back_with_a_one_line_cause(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    _filled(path, 2)
    with Store(path) as store:
        pages = store._query("PRAGMA page_count")[0][0]
        store._db.execute(f"PRAGMA max_page_count = {pages + 2}")
        big = [_article(f"Filler {i} " + "word " * 4000) for i in range(20)]
        with pytest.raises(StoreError) as info:
            _put(store, big, story="st-2")
        assert str(info.value) == f"cannot write to {path}: database or disk is full"
        assert [s.n_articles for s in store.stories()] == [2]


def test_missing_search_index_is_rebuilt_on_open(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    _filled(path, 3)
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE articles_fts")
    with Store(path) as store:
        assert len(store.search("harbour")) == 3
        _put(store, [_article("A ferry ran aground off Selvik harbour.")], story="st-2")
        assert len(store.search("harbour")) == 4


def test_doctor_and_backup(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    _filled(path, 3)
    with Store(path) as store:
        assert store.doctor() == {
            "integrity": "ok",
            "fts": "rebuilt",
            "articles": 3,
            "stories": 1,
            "teasers": 0,
        }
        store.backup(tmp_path / "copy.db")
        with pytest.raises(StoreError, match="exists; choose a new file"):
            store.backup(tmp_path / "copy.db")
    with Store(tmp_path / "copy.db") as copy:
        assert [s.n_articles for s in copy.stories()] == [3]


def test_doctor_and_backup_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from newsdesk.cli import main

    path = tmp_path / "n.db"
    _filled(path, 2)
    assert main(["doctor", "--db", str(path), "--json"]) == 0
    report = capsys.readouterr().out
    assert report == (
        f'{{"articles": 2, "db": "{path}", "fts": "rebuilt", "integrity": "ok", "stories": 1, '
        '"teasers": 0}\n'
    )
    assert main(["backup", "--db", str(path), str(tmp_path / "b.db")]) == 0
    assert capsys.readouterr().out == f"backed up {path} to {tmp_path / 'b.db'}\n"
    path.write_bytes(b"not a database at all" * 100)
    assert main(["stories", "--db", str(path)]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"newsdesk: error: store damaged: {path} (file is not a database); "
        f"run `newsdesk doctor --db {path}`\n"
    )
