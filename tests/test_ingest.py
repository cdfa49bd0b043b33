"""Tests for the ingest pipeline: store -> dedupe -> cluster, re-runs, and a SIGKILL mid-run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _localserver import LOOPBACK, LocalServer, Reply
from newsdesk.articles import make_article
from newsdesk.cli import main
from newsdesk.ingest import IngestOptions, ingest
from newsdesk.models import Article
from newsdesk.nlp import Models
from newsdesk.store import Store
from newsdesk.stories import story_id_for

QUAKE = (
    "A magnitude 6.4 earthquake struck near the town of Korvath in northern Eldoria on Monday, "
    "killing at least 12 people, Eldorian officials said. Rescue teams from three provinces "
    "were sent to Korvath, where several old buildings collapsed in the market district."
)
QUAKE_2 = (
    "The death toll from Monday's earthquake in Korvath, Eldoria, rose to 19 on Tuesday as "
    "Eldorian rescuers searched collapsed buildings in the market district."
)
FERRY = (
    "A ferry carrying 120 passengers capsized off the port of Valmora, and the coast guard "
    "rescued 80 people, Valmora harbour authorities said on Tuesday."
)


def _a(text: str, loc: str, day: str, outlet: str | None = None) -> Article:
    return make_article(
        text, location=loc, url=f"https://news.test/{loc}", published=day, outlet=outlet
    )


@pytest.fixture(scope="module")
def models() -> Models:
    return Models()


def test_ingest_stores_dedupes_and_clusters(models: Models) -> None:
    articles = [
        _a(QUAKE, "wire", "2022-03-07", "Wire"),
        # Same day, no time: the copy is the one that credits the other.
        _a(QUAKE + " Officials warned of aftershocks. With Wire inputs.", "paper", "2022-03-07"),
        _a(QUAKE_2, "daily", "2022-03-08", "Daily"),
        _a(FERRY, "coast", "2022-03-08", "Coast"),
    ]
    with Store() as store:
        report = ingest(store, articles, models)
        status = {r.article_id: r for r in report.results}
        wire, paper, daily, ferry = (status[a.id] for a in articles)
        assert [r.status for r in (wire, paper, daily, ferry)] == ["new", "duplicate", "new", "new"]
        assert paper.duplicate_of == wire.article_id
        assert wire.story_id == paper.story_id == daily.story_id != ferry.story_id
        assert sorted(report.new_stories) == sorted({wire.story_id, ferry.story_id})
        summary = {s.id: s for s in store.stories()}[wire.story_id]
        assert (summary.n_articles, summary.n_sources) == (3, 3)
        groups = store.duplicate_groups()
        assert [g.article_ids for g in groups] == [(wire.article_id, paper.article_id)]
        version = store.story_version(wire.story_id)
        # Same data again: a no-op.
        again = ingest(store, list(reversed(articles)), models)
        assert {r.status for r in again.results} == {"existing"}
        assert {r.article_id: r.story_id for r in again.results} == {
            r.article_id: r.story_id for r in report.results
        }
        assert store.story_version(wire.story_id) == version
        # A follow-up joins the story and changes its version.
        more = ingest(store, [_a(QUAKE_2 + " Aid arrived.", "late", "2022-03-09")], models)
        assert more.results[0].story_id == wire.story_id
        assert more.updated_stories == (wire.story_id,)
        assert store.story_version(wire.story_id) != version


def test_empty_single_and_non_latin(models: Models) -> None:
    with Store() as store:
        assert ingest(store, [], models).results == ()
        ru = _a(
            "Землетрясение магнитудой 6,4 произошло в Корвате на севере Эльдории.",
            "ru",
            "2022-03-07",
        )
        report = ingest(store, [ru], models)
        assert [r.status for r in report.results] == ["new"]
        assert store.article(ru.id) is not None
        assert store.search("землетрясение")[0].story_id == report.results[0].story_id


def test_fresh_store_gives_same_stories(models: Models, tmp_path: Path) -> None:
    articles = [
        _a(QUAKE, "a", "2022-03-07"),
        _a(QUAKE_2, "b", "2022-03-08"),
        _a(FERRY, "c", "2022-03-08"),
    ]
    runs = []
    for name in ("one.db", "two.db"):
        with Store(tmp_path / name) as store:
            report = ingest(store, articles, models, options=IngestOptions(batch_size=2))
            runs.append({r.article_id: r.story_id for r in report.results})
    assert runs[0] == runs[1]


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.permutations(range(4)))
def test_dedup_idempotent_and_order_free(models: Models, order: list[int]) -> None:
    base = [
        _a(QUAKE, "wire", "2022-03-07"),
        _a(QUAKE + "\n\nWith Reuters inputs.", "copy", "2022-03-07"),
        _a(QUAKE_2, "daily", "2022-03-08"),
        _a(FERRY, "coast", "2022-03-08"),
    ]
    with Store() as store:
        first = ingest(store, [base[i] for i in order], models)
        second = ingest(store, [base[i] for i in order], models)
        assert {r.status for r in second.results} == {"existing"}
        assert sorted((r.article_id, r.duplicate_of) for r in first.results) == sorted(
            (r.article_id, r.duplicate_of) for r in second.results
        )
        groups = store.duplicate_groups()
        assert [g.article_ids for g in groups] == [(base[0].id, base[1].id)]


def _stories(store: Store) -> set[tuple[str, tuple[str, ...]]]:
    return {(s.id, tuple(sorted(store.story(s.id).article_ids))) for s in store.stories()}  # type: ignore[union-attr]


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.permutations(range(5)), st.sampled_from([1, 2, 5]), st.sampled_from([1, 2]))
def test_stories_do_not_depend_on_order_batches_or_runs(
    models: Models, order: list[int], batch_size: int, runs: int
) -> None:
    base = [
        _a(QUAKE, "wire", "2022-03-07"),
        _a(QUAKE + " Aftershocks followed.", "copy", "2022-03-07"),
        _a(QUAKE_2, "daily", "2022-03-08"),
        _a(FERRY, "coast", "2022-03-08"),
        _a(QUAKE_2 + " Aid arrived from the capital.", "late", "2022-03-09"),
    ]
    quake = tuple(sorted(base[i].id for i in (0, 1, 2, 4)))
    expected = {
        (story_id_for(base[0].id), quake),  # named after its earliest member
        (story_id_for(base[3].id), (base[3].id,)),
    }
    shuffled = [base[i] for i in order]
    with Store() as store:
        step = -(-len(shuffled) // runs)
        for start in range(0, len(shuffled), step):
            ingest(
                store,
                shuffled[start : start + step],
                models,
                options=IngestOptions(batch_size=batch_size),
            )
        assert _stories(store) == expected


def test_batches_described_on_a_worker_process_give_the_same_stories(models: Models) -> None:
    base = [
        _a(QUAKE, "wire", "2022-03-07"),
        _a(FERRY, "coast", "2022-03-08"),
        _a(QUAKE_2, "daily", "2022-03-08"),
        _a(QUAKE_2 + " Aid arrived from the capital.", "late", "2022-03-09"),
    ]
    quake = tuple(sorted(base[i].id for i in (0, 2, 3)))
    expected = {
        (story_id_for(base[0].id), quake),
        (story_id_for(base[1].id), (base[1].id,)),
    }
    # Batches of one: the first is described here, the other three on a spawned worker.
    pooled = Models(embedder_name="hashing", story_workers=2)
    with Store() as store:
        ingest(store, base, pooled, options=IngestOptions(batch_size=1))
        assert _stories(store) == expected


def test_an_earlier_report_renames_the_story_and_the_old_id_follows(models: Models) -> None:
    late = _a(QUAKE_2, "daily", "2022-03-08")
    early = _a(QUAKE, "wire", "2022-03-07")
    with Store() as store:
        first = ingest(store, [late], models).results[0].story_id
        assert first == story_id_for(late.id)
        report = ingest(store, [early], models)
        assert report.results[0].story_id == story_id_for(early.id)
        assert report.new_stories == (story_id_for(early.id),)
        assert store.story(first) is None
        assert store.resolve_story(first) == story_id_for(early.id)
        assert store.article_rows([late.id])[late.id].story_id == story_id_for(early.id)


def test_past_max_component_new_reports_attach_to_the_nearest_story(models: Models) -> None:
    quake = [
        _a(QUAKE, "wire", "2022-03-07"),
        _a(QUAKE_2, "daily", "2022-03-08"),
        _a(QUAKE_2 + " Aid arrived from the capital.", "late", "2022-03-09"),
    ]
    ferry = _a(FERRY, "coast", "2022-03-08")
    with Store() as store:
        options = IngestOptions(batch_size=1, max_component=2)
        report = ingest(store, [*quake, ferry], models, options=options)
        story = {r.article_id: r.story_id for r in report.results}
        assert {story[a.id] for a in quake} == {story_id_for(quake[0].id)}
        assert story[ferry.id] == story_id_for(ferry.id)


def test_story_brief_is_byte_identical_whichever_copy_arrived_first(models: Models) -> None:
    from newsdesk.ingest import story_brief
    from newsdesk.renderers import render

    wire = _a(QUAKE, "wire", "2022-03-07", "Wire")
    copy = _a(QUAKE + " Officials warned of aftershocks.", "paper", "2022-03-06", "Paper")
    daily = _a(QUAKE_2, "daily", "2022-03-08", "Daily")
    outputs = set()
    for runs in ([[wire], [copy, daily]], [[daily, copy], [wire]]):
        with Store() as store:
            for run in runs:
                ingest(store, run, models)
            (story,) = store.stories()
            outputs.add(render(story_brief(store, story.id, models), "json"))
            # The store's group, too, names the earliest copy the original in either order.
            assert [g.article_ids for g in store.duplicate_groups()] == [(copy.id, wire.id)]
    assert len(outputs) == 1
    # The earliest of the two copies is named the original.
    assert '"duplicate_of": null' in next(iter(outputs))


_SCRIPT = textwrap.dedent(
    """
    import sys
    from newsdesk.articles import make_article
    from newsdesk.ingest import IngestOptions, ingest
    from newsdesk.nlp import Models
    from newsdesk.store import Store

    def progress(done, total):
        print(done, flush=True)

    articles = [
        make_article(
            f"Report {i} on event {i % 37}: the council of town {i % 37} met on day {i} and "
            f"voted {i} to {i % 7} on measure {i * 13 % 101}.",
            location=f"doc{i}",
            url=f"https://news.test/{i}",
            published=f"2022-{1 + i % 12:02d}-{1 + i % 28:02d}",
        )
        for i in range(int(sys.argv[2]))
    ]
    with Store(sys.argv[1]) as store:
        ingest(store, articles, Models(embedder_name="hashing"),
               options=IngestOptions(batch_size=int(sys.argv[3])), on_batch=progress)
    print("done", flush=True)
    """
)


def test_sigkill_mid_ingest_loses_nothing_committed(tmp_path: Path) -> None:
    db = tmp_path / "kill.db"
    script = tmp_path / "run.py"
    script.write_text(_SCRIPT)
    total, batch = 3000, 50
    proc = subprocess.Popen(
        [sys.executable, str(script), str(db), str(total), str(batch)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    committed = 0
    deadline = time.monotonic() + 120
    while committed < 3 * batch and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        committed = int(line)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert committed >= 3 * batch, "ingest did not reach its third batch"
    with Store(db) as store:
        assert store.integrity_check() == "ok"
        stored = store.count_articles()
        # Whole batches only, and at least every batch reported as committed.
        assert stored % batch == 0 and committed <= stored < total
        rows = store._query("SELECT id, story_id, text FROM articles")
        assert all(story and text for _, story, text in rows)
        orphans = store._query(
            "SELECT count(*) FROM articles a LEFT JOIN stories s ON s.id = a.story_id "
            "WHERE s.id IS NULL"
        )
        assert orphans[0][0] == 0
        counted = store._query("SELECT sum(n_articles) FROM stories")[0][0]
        assert counted == stored
    # The next run resumes: committed articles are skipped, the rest are added.
    rerun = subprocess.run(
        [sys.executable, str(script), str(db), str(total), str(batch)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert rerun.returncode == 0, rerun.stderr
    with Store(db) as store:
        assert store.count_articles() == total
        assert store.integrity_check() == "ok"


def test_story_brief_is_cached_until_the_story_changes(models: Models) -> None:
    from newsdesk.errors import StoreError
    from newsdesk.ingest import brief_from_json, brief_to_json, story_brief

    with Store() as store:
        report = ingest(
            store,
            [_a(QUAKE, "wire", "2022-03-07", "Wire"), _a(QUAKE_2, "daily", "2022-03-08", "Daily")],
            models,
        )
        story_id = report.results[0].story_id
        brief = story_brief(store, story_id, models)
        assert brief.story.id == story_id and len(brief.sources) == 2
        assert brief_from_json(brief_to_json(brief)) == brief
        version = store.story_version(story_id)
        assert store.cached_brief(story_id, version) == brief_to_json(brief)
        assert story_brief(store, story_id, models) == brief
        ingest(store, [_a(QUAKE_2 + " Aid arrived.", "late", "2022-03-09", "Late")], models)
        assert store.cached_brief(story_id, store.story_version(story_id)) is None
        assert len(story_brief(store, story_id, models).sources) == 3
        with pytest.raises(StoreError):
            story_brief(store, "st-missing", models)


PAGE = (
    "<html><head><title>Quake in Korvath</title></head><body><article><h1>Quake in Korvath</h1>"
    f"<p>{QUAKE}</p><p>{QUAKE_2}</p></article></body></html>"
).encode()
FEED = (
    '<rss version="2.0"><channel><title>Valmora Post</title><item><title>Ferry capsizes'
    f"</title><link>https://valmora.test/ferry</link><description>{FERRY}</description>"
    "</item></channel></rss>"
).encode()


def test_cli_ingest_urls_from_a_local_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "urls.db")
    with LocalServer() as server:
        server.routes["/quake.html"] = Reply(PAGE, headers={"Content-Type": "text/html"})
        server.routes["/rss"] = Reply(FEED, headers={"Content-Type": "application/rss+xml"})
        urls = [server.url("/quake.html"), server.url("/rss")]
        # Loopback is refused unless allowed (the SSRF guard): nothing read, exit 1.
        assert main(["ingest", *urls, "--db", db, "--embedder", "hashing"]) == 1
        assert "skipped" in capsys.readouterr().err
        allow = ["--allow-network", LOOPBACK[0], "--timeout", "5"]
        argv = ["ingest", *urls, "--db", db, "--embedder", "hashing", *allow]
        assert main([*argv, "--json"]) == 0
        out, err = capsys.readouterr()
        assert "ingested 2 articles: 2 new" in err
        assert out.count('"status": "new"') == 2
        assert main(argv) == 0  # re-ingesting the same URLs changes nothing
        assert "2 already stored" in capsys.readouterr().err
        # The refused run never connected; the two allowed runs fetched each URL once.
        assert [r.path for r in server.requests] == ["/quake.html", "/rss"] * 2
    with Store(db) as store:
        assert store.count_stories() == 2
        assert [h.title for h in store.search("Korvath", limit=5)] == ["Quake in Korvath"]
        assert [h.title for h in store.search("capsized", limit=5)] == ["Ferry capsizes"]


def test_story_embedder_is_the_brief_embedder_and_batch_invariant(models: Models) -> None:
    texts = [QUAKE, QUAKE_2, FERRY, "コルヴァスで地震があり、12人が死亡した。"]
    full = models.embedder.embed(texts)
    assert models.story_embedder is models.embedder
    assert models.embedder.name == "minilm"
    assert full.shape == (4, 384) and full.dtype == np.float32
    assert np.allclose(np.linalg.norm(full, axis=1), 1.0, atol=1e-5)
    sim = full @ full.T
    assert sim[0, 1] > sim[0, 2]  # the two quake reports stay closer than quake and ferry
    hashing = Models(embedder_name="hashing")
    assert hashing.story_embedder is hashing.embedder
    assert models.embedder.embed([]).shape == (0, 384)
    # A text's vector does not depend on what it is embedded with (stories would).
    alone = models.embedder.embed([QUAKE_2])
    assert np.array_equal(alone[0], full[1])
    assert np.array_equal(models.embedder.embed([FERRY, QUAKE_2, QUAKE, QUAKE_2])[1], alone[0])


def test_story_embedder_workers_give_the_same_vectors(models: Models) -> None:
    from newsdesk.nlp import MiniLMEmbedder

    texts = [f"{QUAKE} Update {i}." if i % 2 else f"{FERRY} Update {i}." for i in range(70)]
    pooled = Models(story_workers=2).story_embedder
    assert isinstance(pooled, MiniLMEmbedder)
    try:
        assert len(texts) >= pooled.parallel_from  # this call runs on worker processes
        # (one ORT thread each; inline calls use two: the vectors must be bit for bit equal)
        inline = np.vstack([pooled.embed(texts[i : i + 10]) for i in range(0, 70, 10)])
        assert np.array_equal(pooled.embed(texts), inline)
    finally:
        pooled.close()


def test_batched_vectors_are_bit_for_bit_those_of_each_text_alone() -> None:
    """Texts of different lengths padded into one model run give each text's own vector."""
    from newsdesk.nlp import MiniLMEmbedder

    embedder = MiniLMEmbedder(threads=1)
    session, tokenizer = embedder._session, embedder._tokenizer

    def alone(text: str) -> np.ndarray:
        ids = np.asarray([tokenizer.encode(text).ids], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        hidden = session.run(None, {**feed, "token_type_ids": np.zeros_like(ids)})[0][0]
        vector = hidden.mean(axis=0, dtype=np.float64)
        return np.asarray(vector / np.linalg.norm(vector), dtype=np.float32)

    words = f"{QUAKE} {FERRY}".split()
    texts = [" ".join(words[: 1 + (i * 7) % len(words)]) for i in range(24)]
    texts += ["", "コルヴァスで地震があり、12人が死亡した。", "word " * 400]
    embedder.batch_tokens = 4_096  # a few wide runs: short texts padded many times over
    batched = embedder.embed(texts)
    assert np.array_equal(batched, np.vstack([alone(t) for t in texts]))


def test_same_article_at_two_locations_stores_the_first_by_location_in_any_order() -> None:
    from newsdesk.articles import make_article
    from newsdesk.ingest import ingest
    from newsdesk.nlp import Models
    from newsdesk.store import Store

    text = "The Lunde ferry resumed service on Friday after a two-day storm, the operator said."
    copies = [make_article(text, location=loc) for loc in ("b/ferry.txt", "a/ferry.txt")]
    for order in (copies, list(reversed(copies))):
        with Store() as store:
            report = ingest(store, order, Models(embedder_name="hashing"))
            assert len(report.results) == 1
            stored = store.article(copies[0].id)
            assert stored is not None and stored.location == "a/ferry.txt"
