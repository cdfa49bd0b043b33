"""End to end: the brief of the seeds and of our example story, with the real models."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from _paths import EXAMPLE, GOLDEN
from newsdesk.articles import clean, make_article
from newsdesk.briefs import brief_to_dict, build_brief
from newsdesk.cli.brief import brief_from_paths
from newsdesk.models import Brief, BriefSource, StoryInfo, SummarySentence
from newsdesk.nlp import Models
from newsdesk.renderers import render_html, render_json, render_markdown

pytestmark = pytest.mark.slow

BOILERPLATE = (
    "ALSO READ",
    "READ MORE",
    "Related Posts",
    "With Reuters inputs",
    "Kelly Clarkson",
    "VIA AP",
    "file photo",
)


@pytest.fixture(scope="module")
def seed_brief(seeds: Path, models: Models) -> dict[str, object]:
    brief = brief_from_paths([str(seeds)], models)
    assert brief is not None
    return brief_to_dict(brief)


def test_seed_brief_contract(seed_brief: dict) -> None:  # type: ignore[type-arg]
    assert seed_brief["schema"] == "newsdesk.brief/2"
    assert seed_brief["story"]["n_sources"] == 5
    assert [s["id"] for s in seed_brief["sources"]] == ["S1", "S2", "S3", "S4", "S5"]
    published = {Path(s["location"]).name[:3]: s["published"] for s in seed_brief["sources"]}
    assert (published["000"], published["001"], published["003"]) == (
        "2020-06-11",
        "2020-06-12",
        "2020-06-12",
    )
    assert seed_brief["story"]["first_published"] == "2020-06-11"
    assert set(seed_brief) == {
        "schema",
        "story",
        "sources",
        "summary",
        "facts",
        "conflicts",
        "timeline",
        "entities",
        "quotes",
        "statements",
    }


def test_seed_summary_is_the_story_and_cited(seed_brief: dict) -> None:  # type: ignore[type-arg]
    summary = seed_brief["summary"]
    assert summary and all(s["sources"] for s in summary)
    words = sum(len(s["text"].split()) for s in summary)
    assert words <= 120
    text = " ".join(s["text"] for s in summary).lower()
    assert re.search(r"reduc\w* .*(coming|next few) months", text)
    assert "permanent" in text
    for s in summary:
        assert not re.match(r"(he|she|it|they|this|the statement)\b", s["text"], re.I), s["text"]


def test_seed_brief_carries_no_boilerplate(seed_brief: dict) -> None:  # type: ignore[type-arg]
    rendered = json.dumps(
        [
            seed_brief["summary"],
            seed_brief["facts"],
            seed_brief["conflicts"],
            seed_brief["timeline"],
            seed_brief["quotes"],
            seed_brief["statements"],
        ],
        ensure_ascii=False,
    )
    for marker in BOILERPLATE:
        assert marker not in rendered, marker
    removed = [r for s in seed_brief["sources"] for r in s["removed"]]
    assert any(r.startswith("ALSO READ") for r in removed)


def test_example_brief_marks_syndicated_copy(models: Models) -> None:
    brief = brief_from_paths([str(EXAMPLE)], models)
    assert brief is not None
    data = brief_to_dict(brief)
    by_file = {Path(s["location"]).name: s for s in data["sources"]}
    original = by_file["01_meridian_press.txt"]["id"]
    assert by_file["06_portside_gazette.txt"]["duplicate_of"] == original
    assert [name for name, s in by_file.items() if s["duplicate_of"]] == ["06_portside_gazette.txt"]


def test_brief_of_one_article_and_of_non_latin_text(models: Models) -> None:
    one = make_article(
        "The river Sella burst its banks on Monday, flooding 200 homes in the town of Orvik. "
        "Rescue teams evacuated 1,100 residents overnight, the fire service said.",
        location="one.txt",
    )
    brief = build_brief([clean(one)], models)
    assert brief.story.n_sources == 1
    assert brief.summary and all(s.article_ids == (one.id,) for s in brief.summary)
    ru = make_article(
        "В порту Велморы обрушился мост. Погибли два человека, четырнадцать ранены.",
        location="ru.txt",
    )
    assert build_brief([clean(ru)], models).story.n_sources == 1


def test_brief_is_independent_of_input_order(models: Models) -> None:
    articles = [
        make_article(
            f"Storm Edda closed {n} schools in Lunde on Friday, officials in the city said.",
            location=f"{n}.txt",
        )
        for n in (12, 14, 15)
    ]
    forward = render_json(build_brief(articles, models))
    backward = render_json(build_brief(list(reversed(articles)), models))
    assert forward == backward


def _tiny_brief(text: str, title: str) -> Brief:
    return Brief(
        story=StoryInfo(
            id="s1", headline=title, first_published=None, last_published=None, n_sources=1
        ),
        sources=(
            BriefSource(
                id="S1", article_id="a1", location="x.txt", title=title, url="javascript:alert(1)"
            ),
        ),
        summary=(SummarySentence(text=text, article_ids=("a1",)),),
    )


def test_renderers_escape_untrusted_text() -> None:
    brief = _tiny_brief('<script>alert(1)</script> <img src=x onerror="alert(2)">', "<b>Title</b>")
    html = render_html(brief)
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>Title" not in html
    assert "javascript:" not in html
    assert "&lt;script&gt;" in html
    markdown = render_markdown(brief)
    assert "<script>" not in markdown and "\\<script\\>" in markdown


def test_renderer_refuses_uncited_sentence() -> None:
    brief = _tiny_brief("An uncited claim.", "t")
    uncited = Brief(
        story=brief.story,
        sources=brief.sources,
        summary=(SummarySentence("An uncited claim.", ()),),
    )
    with pytest.raises(ValueError, match="without a citation"):
        render_json(uncited)


@pytest.mark.parametrize(("fmt", "render"), [("md", render_markdown), ("json", render_json)])
def test_example_brief_golden(
    fmt: str, render: object, models: Models, update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example's brief, byte for byte. Re-pin on purpose: pytest --update-golden, review the diff."""
    monkeypatch.chdir(EXAMPLE.parents[1])
    brief = brief_from_paths(["examples/harbour-bridge"], models)
    assert brief is not None
    output = render(brief)  # type: ignore[operator]
    golden = GOLDEN / f"harbour-bridge.{fmt}"
    if update_golden:
        golden.write_text(output, encoding="utf-8")
    assert golden.exists(), "run pytest --update-golden once to pin the golden file"
    assert output == golden.read_text(encoding="utf-8")
