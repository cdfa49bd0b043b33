"""Render a brief as Markdown, JSON or a self-contained HTML page (inline SVG, no network).

All three show the same content. Article text is untrusted: the HTML page is rendered with
Jinja2 autoescaping and only http(s) links; Markdown escapes the characters that would turn
text into links or markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .briefs import brief_to_dict
from .entities import is_english_code
from .models import Brief

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ["FORMATS", "render", "render_html", "render_json", "render_markdown"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!])")


def _md(text: str | None) -> str:
    """Escape Markdown/HTML metacharacters so article text renders as text."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def _cites(sources: list[str]) -> str:
    return "[" + ", ".join(sources) + "]"


def _also(entry: dict[str, Any]) -> str:
    """Sources that report a timeline event without its date at the entry's precision."""
    also = entry.get("also") or []
    return f" (also reported, less precisely, by {', '.join(also)})" if also else ""


def render_json(brief: Brief) -> str:
    """Return the brief as ``newsdesk.brief/2`` JSON (sorted, stable, UTF-8)."""
    return json.dumps(brief_to_dict(brief), ensure_ascii=False, indent=2) + "\n"


def _unread(d: dict[str, Any]) -> str:
    """The sources whose names the English NER did not read ("S3 (ko), S5 (fr)")."""
    return ", ".join(
        f"{s['id']} ({s['language']})"
        for s in d["sources"]
        if s["language"] and not is_english_code(s["language"])
    )


def render_markdown(brief: Brief) -> str:
    """Return the brief as Markdown: summary with citations, then the cross-source analysis."""
    d = brief_to_dict(brief)
    story = d["story"]
    out: list[str] = [f"# {_md(story['headline'])}", ""]
    span = story["first_published"] or "undated"
    if story["last_published"] and story["last_published"] != story["first_published"]:
        span += f" to {story['last_published']}"
    out += [f"*{story['n_sources']} sources · {span} · story {story['id']}*", ""]
    if story.get("why"):
        out += [f"Why together: {_md(story['why'])}", ""]
    out += ["## Summary", ""]
    out += [f"{_md(s['text'])} {_cites(s['sources'])}" for s in d["summary"]] or ["(no summary)"]
    if d["facts"]:
        out += ["", "## Facts", ""]
        for f in d["facts"]:
            n = f["support"]
            label = f"{n} source" + ("s" if n != 1 else "")
            only = " (only one independent source)" if n == 1 else ""
            out.append(f"- **{label}**{only}: {_md(f['text'])} {_cites(f['sources'])}")
    if d["conflicts"]:
        out += ["", "## Where sources differ", ""]
        for c in d["conflicts"]:
            sides = "; ".join(
                f"**{_md(cl['value'])}** {_cites(cl['sources'])}" for cl in c["claims"]
            )
            out.append(f"- {_md(c['subject'])} ({c['kind']}): {sides}")
            for cl in c["claims"]:
                for ev in cl["evidence"][:2]:
                    out.append(f"  - {ev['source']}: “{_md(ev['sentence'])}”")
            for cl in c.get("compatible", []):
                out.append(
                    f"  - compatible with every side: **{_md(cl['value'])}** "
                    f"{_cites(cl['sources'])}"
                )
    if d["timeline"]:
        out += ["", "## Timeline", ""]
        out += [
            f"- **{t['date']}**: {_md(t['text'])} {_cites(t['sources'])}{_also(t)}"
            for t in d["timeline"]
        ]
    unread = _unread(d)
    if d["entities"] or unread:
        out += ["", "## People and organisations", ""]
        for e in d["entities"]:
            aliases = f" (also: {', '.join(_md(a) for a in e['aliases'])})" if e["aliases"] else ""
            many = "" if e["mentions"] == 1 else "s"
            out.append(
                f"- **{_md(e['name'])}**, {e['type']}{aliases}: {e['mentions']} mention{many} "
                f"{_cites(e['sources'])}"
            )
        if unread:
            out.append(f"- *names not read in {unread}: not in English*")
    if d["quotes"] or d["statements"]:
        out += ["", "## Who said what", ""]
        # Direct quotes carry quotation marks; reported statements never do.
        for q in d["quotes"]:
            out.append(f"- {_md(q['speaker'])}: “{_md(q['text'])}” {_cites(q['sources'])}")
        for st in d["statements"]:
            out.append(f"- {_md(st['speaker'])} said: {_md(st['text'])} {_cites(st['sources'])}")
    out += ["", "## Sources", ""]
    for s in d["sources"]:
        bits = [b for b in (s["outlet"], s["published"], s["author"] and f"by {s['author']}") if b]
        title = _md(s["title"]) if s["title"] else "(untitled)"
        line = f"- **{s['id']}** {title}"
        if bits:
            line += " — " + ", ".join(_md(b) for b in bits)
        line += f" · `{s['location']}`" if "`" not in s["location"] else ""
        if s["duplicate_of"]:
            line += f" · syndicated copy of {s['duplicate_of']} (not counted as independent)"
        if s["removed"]:
            n = len(s["removed"])
            line += f" · {n} boilerplate line{'' if n == 1 else 's'} removed"
        out.append(line)
    return "\n".join(out) + "\n"


def _safe_url(url: str | None) -> str | None:
    if url and re.match(r"^https?://", url, re.IGNORECASE):
        return url
    return None


def _timeline_svg(timeline: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Layout of the timeline chart: the web page's (``newsdesk.web.charts``), a time axis
    with breaks over long gaps, drawn across at 1:1 on wide screens and down on narrow ones,
    so its labels keep their size at any width."""
    if not timeline:
        return None
    from .web.charts import timeline_chart

    return timeline_chart([t["date"] for t in timeline])


def _coverage(d: dict[str, Any]) -> dict[str, Any] | None:
    """Source x fact matrix: which source reports which fact."""
    facts = d["facts"]
    if not facts:
        return None
    sources = [s["id"] for s in d["sources"]]
    cell, left, top = 22, 40, 30
    rows = []
    for i, fact in enumerate(facts):
        cells = [
            {"x": left + j * cell, "y": top + i * cell, "on": sid in fact["sources"], "source": sid}
            for j, sid in enumerate(sources)
        ]
        rows.append(
            {"label": f"F{i + 1}", "y": top + i * cell, "cells": cells, "text": fact["text"]}
        )
    return {
        "width": left + len(sources) * cell + 10,
        "height": top + len(facts) * cell + 10,
        "cell": cell - 3,
        "columns": [{"x": left + j * cell + 2, "id": sid} for j, sid in enumerate(sources)],
        "rows": rows,
    }


def _environment() -> Environment:
    # Imported here: jinja2 is ~0.1 s of a cold start that Markdown and JSON do not need.
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("newsdesk", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = _safe_url
    return env


def render_html(brief: Brief) -> str:
    """Return the brief as one self-contained HTML page (inline CSS and SVG, no scripts)."""
    d = brief_to_dict(brief)
    template = _environment().get_template("brief.html")
    return template.render(
        brief=d,
        timeline_svg=_timeline_svg(d["timeline"]),
        coverage=_coverage(d),
        sources_by_id={s["id"]: s for s in d["sources"]},
        unread=_unread(d),
    )


FORMATS: dict[str, Callable[[Brief], str]] = {
    "markdown": render_markdown,
    "json": render_json,
    "html": render_html,
}


def render(brief: Brief, fmt: str = "markdown") -> str:
    """Render ``brief`` in ``fmt`` (markdown, json or html)."""
    try:
        return FORMATS[fmt](brief)
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
