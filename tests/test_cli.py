"""The console script: exit codes, one-line errors, every command documented with an example."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from _paths import EXAMPLE, FIXTURES
from newsdesk.cli import COMMAND_MODULES, build_parser, main
from newsdesk.cli.output import one_line, plural, skipped, write_markdown
from newsdesk.store import Store


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", *args],
        input=stdin,
        capture_output=True,
        timeout=300,
        check=False,
    )


def test_every_command_has_help_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    names = sorted(subparsers.choices)  # type: ignore[union-attr]
    assert "brief" in names and len(names) >= len(COMMAND_MODULES)
    for name in names:
        with pytest.raises(SystemExit) as exit_info:
            main([name, "--help"])
        assert exit_info.value.code == 0
        assert "example" in capsys.readouterr().out.lower(), name


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["brief"]) == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["brief", "x", "--format", "pdf"])
    assert exit_info.value.code == 2


@pytest.mark.slow
def test_bad_inputs_one_line_each_and_brief_from_the_rest(tmp_path: Path) -> None:
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    bad = FIXTURES / "bad"
    out = tmp_path / "brief.json"
    result = _run(
        "brief",
        str(EXAMPLE),
        str(bad / "empty.txt"),
        str(bad / "binary.txt"),
        str(tmp_path / "missing.txt"),
        str(bad / "legacy_cp1252.txt"),
        str(bad / "no_article.html"),
        str(empty_dir),
        "--format",
        "json",
        "-o",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.decode().strip().splitlines()
    assert lines == [
        f"newsdesk: skipped {bad / 'empty.txt'}: empty file",
        f"newsdesk: skipped {bad / 'binary.txt'}: binary file, not text",
        f"newsdesk: skipped {tmp_path / 'missing.txt'}: no such file or directory",
        f"newsdesk: skipped {bad / 'no_article.html'}: no article text found in HTML page",
        f"newsdesk: skipped {empty_dir}: directory has no files",
        f"newsdesk: {bad / 'legacy_cp1252.txt'}: not UTF-8; decoded as cp1252",
        # The café's reopening is another story than the bridge's collapse.
        "newsdesk: 8 inputs form 2 stories; briefing the largest (7 reports); --all for every story",
    ]
    brief = json.loads(out.read_text(encoding="utf-8"))
    assert brief["story"]["n_sources"] == 7


SYNDICATION = FIXTURES / "syndication"


@pytest.mark.slow
def test_several_stories_brief_the_largest_or_all(tmp_path: Path) -> None:
    one = _run("brief", str(SYNDICATION), str(EXAMPLE), "-f", "json", "--words", "40")
    assert one.returncode == 0, one.stderr
    assert one.stderr.decode().splitlines() == [
        "newsdesk: 12 inputs form 2 stories; briefing the largest (7 reports); "
        "--all for every story"
    ]
    assert json.loads(one.stdout)["story"]["id"] == "st-ff1b4f656706"
    every = _run("brief", str(SYNDICATION), str(EXAMPLE), "-f", "json", "--words", "40", "--all")
    assert every.returncode == 0 and every.stderr == b"", every.stderr
    briefs = json.loads(every.stdout)
    assert json.loads(one.stdout) == briefs[0]
    assert [
        (
            b["story"]["id"],
            [(s["id"], s["duplicate_of"]) for s in b["sources"] if s["duplicate_of"]],
        )
        for b in briefs
    ] == [("st-ff1b4f656706", [("S6", "S1")]), ("st-5fe252c57b24", [("S2", "S1"), ("S5", "S4")])]
    markdown = _run("brief", str(SYNDICATION), str(EXAMPLE), "--words", "40", "--all", "-q")
    headlines = [line for line in markdown.stdout.decode().splitlines() if line.startswith("# ")]
    assert headlines == [f"# {b['story']['headline']}" for b in briefs]
    assert _run("brief", str(EXAMPLE), "--all", "-f", "html").returncode == 2


@pytest.mark.slow
def test_brief_path_and_the_store_give_one_story_the_same_id_headline_and_copies(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "news.db")
    assert _run("ingest", str(SYNDICATION), "--db", db).returncode == 0
    with Store(db) as store:
        (listed,) = store.stories()
    from_path = json.loads(_run("brief", str(SYNDICATION), "-f", "json", "-q").stdout)
    stored = _run("brief", "--story", listed.id, "--db", db, "-f", "json", "-q")
    assert stored.returncode == 0, stored.stderr
    from_store = json.loads(stored.stdout)
    from_store["story"].pop("why", None)  # the store also says why its reports form one story
    assert from_store == from_path
    assert from_path["story"]["id"] == listed.id == "st-5fe252c57b24"


@pytest.mark.slow
def test_nothing_readable_exits_1(tmp_path: Path) -> None:
    result = _run("brief", str(FIXTURES / "bad" / "empty.txt"), str(tmp_path / "nope"))
    assert result.returncode == 1
    assert (
        result.stderr.decode().strip().splitlines()[-1]
        == "newsdesk: error: no readable article in the inputs"
    )
    assert b"Traceback" not in result.stderr


@pytest.mark.slow
def test_stdin_and_html_output() -> None:
    text = "Dam gates opened\n\nEngineers opened the gates of the Tarn dam on Sunday after a week of rain, the water board said."
    result = _run("brief", "-", "--format", "html", stdin=text.encode())
    assert result.returncode == 0, result.stderr
    page = result.stdout.decode()
    assert page.startswith("<!doctype html>") and "Tarn dam" in page
    assert "http://" not in page.split("<body>")[0] and "<script" not in page


@pytest.mark.parametrize(
    "command",
    [["stories"], ["search", "bridge"], ["brief", "--story", "st-000000000000"]],
)
def test_read_only_commands_never_create_a_store(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo.db"
    assert main([*command, "--db", str(missing)]) == 1
    assert capsys.readouterr().err == f"newsdesk: error: no such store: {missing}\n"
    assert not missing.exists()


def test_stories_since_is_checked_like_the_api(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for bad in ("2020-13", "June", "2020-02-30", "20200101"):
        with pytest.raises(SystemExit) as exit_info:
            main(["stories", "--since", bad, "--db", str(tmp_path / "x.db")])
        assert exit_info.value.code == 2
        assert f"argument --since: '{bad}' is not a date" in capsys.readouterr().err
    from newsdesk.store import Store

    Store(tmp_path / "news.db").close()
    for good in ("2020", "2020-06", "2020-06-12"):
        assert main(["stories", "--since", good, "--db", str(tmp_path / "news.db")]) == 0


@pytest.mark.slow
def _no_weekday(text: str) -> str:
    days = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
    return re.sub(rf"\s+(?:on\s+)?(?:{days})\b", "", text)


def test_brief_on_shipped_duc_text_gives_whole_sentences(tmp_path: Path) -> None:
    """DUC 2004 as shipped: wire text hard-wrapped near 70 characters, ``LDC quotes''."""
    from _paths import DATA

    data = DATA / "duc2004" / "duc2004_task2.jsonl"
    if not data.is_file():
        pytest.skip("DUC 2004 data not present")
    cluster = json.loads(data.read_text(encoding="utf-8").splitlines()[0])
    unwrapped = []
    for doc in cluster["docs"]:
        (tmp_path / f"D{doc['doc_index']:02d}.txt").write_text(doc["text"], encoding="utf-8")
        unwrapped.append(" ".join(doc["text"].split()))
    done = _run("brief", str(tmp_path), "--words", "100", "--format", "json")
    assert done.returncode == 0, done.stderr.decode()
    summary = [s["text"] for s in json.loads(done.stdout)["summary"]]
    assert summary
    for sentence in summary:
        # Whole sentences: each opens a sentence of a source and ends one.
        assert sentence[0].isupper() or sentence.startswith(("``", '"')), sentence
        assert sentence.rstrip("'\"”").endswith((".", "!", "?")), sentence
        # The summary drops a weekday ("announced Thursday." -> "announced."): compare without.
        bare = _no_weekday(sentence)
        assert any(
            f". {bare}" in text or text.startswith(bare) or f"'' {bare}" in text
            for text in map(_no_weekday, unwrapped)
        ), sentence


def test_progress_is_silent_off_a_terminal_and_counts_on_one() -> None:
    import io

    from newsdesk.cli.progress import counting

    quiet = io.StringIO()
    with counting("ingest", unit="articles", stream=quiet) as progress:
        progress.advance(3)
    assert quiet.getvalue() == ""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    shown = Terminal()
    with counting("ingest", unit="articles", stream=shown) as progress:
        progress.advance(3)
        progress.note("ingest done")
    out = shown.getvalue()
    assert "ingest done" in out and "3" in out and "articles" in out and "/s" in out


def test_terminal_words_plurals_and_one_skip_wording() -> None:
    assert plural(1, "source") == "1 source" and plural(2, "source") == "2 sources"
    assert plural(1, "new story", "new stories") == "1 new story"
    assert plural(1_200, "article") == "1,200 articles"
    assert skipped("a.txt", "empty file") == "newsdesk: skipped a.txt: empty file"
    assert one_line("Bridge\n  falls\tinto   water ") == "Bridge falls into water"


def test_markdown_rendered_on_a_terminal_and_verbatim_when_piped() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    text = "# Title\n\n- **14** [S1] Opinion \\| Republicans\n"
    piped = io.StringIO()
    write_markdown(text, piped)
    assert piped.getvalue() == text
    shown = Terminal()
    write_markdown(text, shown)
    out = shown.getvalue()
    assert "Title" in out and "Opinion | Republicans" in out
    assert "\\|" not in out and "**" not in out and "# Title" not in out


def test_a_bad_flag_shows_the_subcommand_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["stories", "--bogus"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("usage: newsdesk stories ")
    assert err[-1] == "newsdesk stories: error: unrecognized arguments: --bogus"


def test_no_internal_names_in_flag_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(
        [
            "ingest",
            "https://example.org/a",
            "--allow-network",
            "nope",
            "--db",
            str(tmp_path / "n.db"),
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err == "newsdesk: error: --allow-network: 'nope' is not a CIDR block (e.g. 10.0.0.0/8)"


def test_search_says_no_results_and_stories_says_none(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(tmp_path / "empty.db")
    Store(db).close()
    assert main(["search", "bridge", "--db", db]) == 0
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "no results for 'bridge'\n")
    assert main(["stories", "--db", db]) == 0
    assert capsys.readouterr().err == "no stories\n"


def test_eval_progress_counts_on_a_terminal_and_prints_lines_off_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import argparse

    from newsdesk.cli.evaluate import _progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    shown = Terminal()
    monkeypatch.setattr(sys, "stderr", shown)
    with _progress(argparse.Namespace(quiet=False)) as say:
        assert say is not None
        say("120/500 pages")
        say("250/500 pages")
    out = shown.getvalue()
    assert "250" in out and "steps" in out and "/s" in out and "eval: 250/500 pages" in out
    plain = io.StringIO()
    monkeypatch.setattr(sys, "stderr", plain)
    with _progress(argparse.Namespace(quiet=False)) as say:
        assert say is not None
        say("inputs: 2 clusters split and embedded")
    assert plain.getvalue() == "newsdesk eval: inputs: 2 clusters split and embedded\n"
    with _progress(argparse.Namespace(quiet=True)) as say:
        assert say is None
