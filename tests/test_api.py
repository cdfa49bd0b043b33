"""The public API: one pipeline function, options from TOML/env/flags, light imports."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import newsdesk
from _paths import EXAMPLE, ROOT
from newsdesk.config import EMBEDDER_NAMES, FORMAT_NAMES, Options, load_options
from newsdesk.errors import ConfigError


def test_all_is_complete_and_sorted() -> None:
    public = {
        name
        for name, value in vars(newsdesk).items()
        if not name.startswith("_")
        and not isinstance(value, type(sys))  # submodules
        and name not in {"annotations"}
    }
    assert newsdesk.__all__ == sorted(newsdesk.__all__)
    assert set(newsdesk.__all__) == public


def test_cli_choices_name_the_registries() -> None:
    from newsdesk.nlp import EMBEDDERS
    from newsdesk.renderers import FORMATS

    assert sorted(EMBEDDERS) == sorted(EMBEDDER_NAMES)
    assert sorted(FORMATS) == sorted(FORMAT_NAMES)


def test_options_overlay_defaults_toml_env_flags(tmp_path: Path) -> None:
    toml = tmp_path / "newsdesk.toml"
    toml.write_text('words = 150\nembedder = "hashing"\ndb = "a.db"\n', encoding="utf-8")
    assert load_options(environ={}) == Options()
    assert load_options(toml, environ={}) == Options(words=150, embedder="hashing", db="a.db")
    env = {"NEWSDESK_WORDS": "200", "NEWSDESK_DB": "b.db"}
    assert load_options(toml, environ=env) == Options(words=200, embedder="hashing", db="b.db")
    assert load_options(toml, environ=env, words=90, db=None).words == 90
    assert load_options(environ={"NEWSDESK_CONFIG": str(toml)}).words == 150
    assert load_options(toml, environ={}).to_toml() == toml.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("wordz = 3\n", "unknown option 'wordz'; known: db, embedder, words"),
        ("words = 5\n", "words must be a whole number of at least 10, not 5"),
        ('embedder = "bert"\n', "unknown embedder 'bert'; choose one of hashing, minilm"),
        ("words = [\n", "not a readable TOML file"),
    ],
)
def test_bad_config_says_what_is_wrong(tmp_path: Path, content: str, message: str) -> None:
    toml = tmp_path / "bad.toml"
    toml.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_options(toml, environ={})
    with pytest.raises(ConfigError, match="NEWSDESK_WORDS must be a whole number, not 'x'"):
        load_options(environ={"NEWSDESK_WORDS": "x"})


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        timeout=600,
    )


def test_config_show_prints_the_effective_options(tmp_path: Path) -> None:
    toml = tmp_path / "c.toml"
    toml.write_text("words = 150\n", encoding="utf-8")
    done = _run(
        "config",
        "show",
        "--config",
        str(toml),
        "--db",
        "x.db",
        env={"NEWSDESK_EMBEDDER": "hashing"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == 'words = 150\nembedder = "hashing"\ndb = "x.db"\n'
    missing = _run("config", "show", "--config", str(tmp_path / "none.toml"))
    assert missing.returncode == 1
    assert missing.stderr == f"newsdesk: error: {tmp_path / 'none.toml'}: no such config file\n"


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys, newsdesk.cli as c; c.build_parser(); "
        "print(sorted(m for m in ('numpy', 'onnxruntime', 'spacy', 'jinja2', 'datasketch', "
        "'httpx', 'scipy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


README_EXAMPLE = re.compile(r"From Python[^\n]*\n\n```python\n(.*?)```", re.S)


@pytest.mark.slow
def test_readme_python_example_gives_the_cli_json(tmp_path: Path) -> None:
    """The README's Python example prints exactly what `newsdesk brief --format json` writes."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = README_EXAMPLE.search(readme)
    assert found, "README has a Python example"
    script = tmp_path / "example.py"
    script.write_text(found.group(1), encoding="utf-8")
    python = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=ROOT, timeout=600
    )
    assert python.returncode == 0, python.stderr
    cli = _run("brief", str(EXAMPLE.relative_to(ROOT)), "--format", "json", "-q")
    assert cli.returncode == 0, cli.stderr
    assert python.stdout == cli.stdout
    assert json.loads(cli.stdout)["story"]["n_sources"] >= 2


@pytest.mark.slow
def test_brief_says_when_inputs_form_several_stories_and_briefs_all_gives_each() -> None:
    from newsdesk.nlp import Models

    models = Models()
    syndication = str(ROOT / "tests" / "fixtures" / "syndication")
    notes: list[str] = []
    options = Options(words=40)
    one = newsdesk.brief([str(EXAMPLE), syndication], options, models=models, warn=notes.append)
    assert notes == ["12 inputs form 2 stories; briefing the largest (7 reports)"]
    assert one is not None and one.story.id == "st-ff1b4f656706"
    every = newsdesk.briefs_all([syndication, str(EXAMPLE)], options, models=models)
    assert [(b.story.id, b.story.n_sources) for b in every] == [
        ("st-ff1b4f656706", 7),
        ("st-5fe252c57b24", 5),
    ]
    assert every[0] == one
    (whole,) = newsdesk.briefs_all([syndication, str(EXAMPLE)], options, models=models, group=False)
    assert whole.story.n_sources == 12
    assert newsdesk.briefs_all([str(ROOT / "tests" / "fixtures" / "bad" / "empty.txt")]) == []
