"""Browser tests: the real ``newsdesk serve`` on loopback, driven through Debian's Chromium.

Skipped when chromium or playwright is missing (never ``playwright install``). Screenshots go
to ``test-artifacts/screenshots/`` (gitignored; CI keeps it) for a person to look at: every
page at a phone's width (390 px) and a laptop's (1366 px).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from _webdata import XSS_BODY, XSS_TITLE, example_payloads

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
WIDTHS = {390: 844, 1366: 900}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FOLLOW_UP = {
    "title": "Korvane Harbour Bridge collapse: divers reach the fallen span in Velmora",
    "outlet": "Velmora Evening Post",
    "published": "2025-10-15",
    "text": "Divers reached the fallen span of the Korvane Harbour Bridge in Velmora on "
    "Wednesday, a day after the collapse killed two people and injured 14. Transport "
    "Minister Ilyas Varkonen said the inquiry panel would report by the end of January.\n\n"
    "Harbour Master Lena Ostrova said shipping in the inner harbour would resume with escorts, "
    "and the National Roads Directorate said the 1974 bridge would stay closed.",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start ``newsdesk serve`` on a free loopback port with an empty store; yield its URL."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")
    port = _free_port()
    db = tmp_path_factory.mktemp("browser") / "news.db"
    env = {**os.environ, "NEWSDESK_TOKEN": ""}
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsdesk", "serve", "--db", str(db), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read().decode() if proc.stderr else ""
                pytest.fail(f"newsdesk serve did not start: {err[-2000:]}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


@pytest.fixture(scope="module")
def posted(server: str) -> dict[str, Any]:
    """Ingest the example story through the API, as a client would."""
    response = httpx.post(f"{server}/api/articles", json=example_payloads(), timeout=300)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


def _new_page(browser: Any, width: int = 1280, height: int = 900) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    tab.on(
        "request",
        lambda r: (
            problems.append(f"off-host request {r.url}")
            if not r.url.startswith("http://127.0.0.1:")
            else None
        ),
    )
    tab.problems = problems
    return context, tab


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context, tab = _new_page(browser)
    yield tab
    context.close()


def test_list_story_citation_and_search(server: str, posted: dict[str, Any], page: Any) -> None:
    story_id = posted["results"][0]["story_id"]
    page.goto(f"{server}/")
    page.screenshot(path=str(ARTIFACTS / "01-story-list.png"), full_page=True)
    link = page.locator(f'a.headline[href="/stories/{story_id}"]')
    assert link.count() == 1
    card = page.locator("li.story-card", has=link)
    assert "sources" in card.inner_text()

    link.click()
    page.wait_for_url(f"**/stories/{story_id}")
    for section in ("summary", "sources", "timeline", "coverage"):
        assert page.locator(f"#{section}").is_visible(), section
    assert page.locator("#summary a.cite").count() > 0
    page.screenshot(path=str(ARTIFACTS / "02-story.png"), full_page=True)

    cite = page.locator("#summary a.cite").first
    href = cite.get_attribute("href")
    assert href and "#s-" in href
    sentence_id = href.split("#")[1]
    cite.click()
    page.wait_for_url("**/articles/**")
    mark = page.locator(f"span.s.hl#{sentence_id}")
    assert mark.count() == 1
    box = mark.bounding_box()
    assert box is not None and 0 <= box["y"] < 900  # scrolled into view
    colour = mark.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    page.screenshot(path=str(ARTIFACTS / "03-cited-sentence.png"))

    page.goto(f"{server}/")
    page.fill("input[name=q]", "Ostrova")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=Ostrova")
    assert page.locator("ol.hits mark").count() > 0
    assert page.locator(f'a.headline[href="/stories/{story_id}"]').count() == 1
    page.screenshot(path=str(ARTIFACTS / "04-search.png"), full_page=True)
    assert page.problems == []


def test_open_story_page_updates_live(server: str, posted: dict[str, Any], page: Any) -> None:
    story_id = posted["results"][0]["story_id"]
    page.goto(f"{server}/stories/{story_id}")
    before = page.locator("#story-body").get_attribute("data-version")
    response = httpx.post(f"{server}/api/articles", json=FOLLOW_UP, timeout=120)
    joined = response.json()["results"][0]
    if joined["story_id"] != story_id:
        pytest.skip("the follow-up formed its own story; nothing to update")
    page.wait_for_selector("ol.sources li.is-new", timeout=90_000)
    assert page.locator("#story-body").get_attribute("data-version") != before
    assert "Velmora Evening Post" in page.locator("ol.sources li.is-new").inner_text()
    assert "Updated at" in page.locator("#live-status").inner_text()
    page.locator("#sources").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "05-live-update.png"))
    assert page.problems == []


def test_hostile_article_stays_inert_in_the_browser(server: str, page: Any) -> None:
    response = httpx.post(
        f"{server}/api/articles", json={"title": XSS_TITLE, "text": XSS_BODY}, timeout=120
    )
    result = response.json()["results"][0]
    for path in (f"/articles/{result['id']}", f"/stories/{result['story_id']}", "/?q=council"):
        page.goto(f"{server}{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.querySelectorAll('iframe, img, body [onload]').length") == 0
    page.goto(f"{server}/articles/{result['id']}")
    assert "<script>alert('body')</script>" in page.locator(".body").inner_text()
    page.screenshot(path=str(ARTIFACTS / "06-hostile-article.png"), full_page=True)
    assert not [p for p in page.problems if p.startswith("dialog")]


# --- Layout and accessibility at a phone's and a laptop's width ------------------------------

# Runs in the page: the effective background of an element (first opaque one up the tree).
_CONTRAST_JS = """
(sel) => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length === 3 || c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || !el.textContent.trim()) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || Number(style.opacity) < 1) continue;
    const a = lum(rgb(style.color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    out.push([el.tagName + "." + el.className + " " + el.textContent.trim().slice(0, 30), Math.round(ratio * 100) / 100]);
  }
  return out;
}
"""

# Runs in the page: the interactive elements a keyboard user must be able to reach (those
# shown: the inside of a closed <details> waits for its summary to be opened).
_FOCUSABLE_JS = """
() => Array.from(document.querySelectorAll(
    'a[href], button, input, summary, [tabindex="0"]'))
  .filter(e => e.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})
               && !e.closest('[aria-hidden="true"]') && e.tabIndex >= 0)
  .map((e, i) => { e.dataset.kb = String(i); return i; }).length
"""


def _pages(server: str, posted: dict[str, Any]) -> dict[str, str]:
    story_id = posted["results"][0]["story_id"]
    article_id = posted["results"][1]["id"]
    return {
        "story-list": f"{server}/",
        "story": f"{server}/stories/{story_id}",
        "article": f"{server}/articles/{article_id}",
        "search": f"{server}/?q=Ostrova",
        "api-docs": f"{server}/docs",
    }


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_every_page_fits_and_is_accessible(
    server: str, posted: dict[str, Any], browser: Any, width: int
) -> None:
    context, tab = _new_page(browser, width, WIDTHS[width])
    try:
        for name, url in _pages(server, posted).items():
            tab.goto(url)
            tab.wait_for_load_state("networkidle")
            tab.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
            # No page-level horizontal scroll: wide tables scroll inside their own box.
            overflow = tab.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert overflow[0] <= overflow[1], (name, overflow)
            # Landmarks: one banner, one main, one contentinfo, and navigation.
            roles = tab.evaluate(
                "['body > header', 'main', 'body > footer', 'nav'].map("
                "s => document.querySelectorAll(s).length)"
            )
            assert roles[:3] == [1, 1, 1] and roles[3] >= 1, (name, roles)
            # Headings: one h1, first; never a level skipped on the way down.
            levels = tab.evaluate(
                "Array.from(document.querySelectorAll('main h1, main h2, main h3, main h4'))"
                ".map(h => Number(h.tagName[1]))"
            )
            assert levels and levels[0] == 1 and levels.count(1) == 1, (name, levels)
            assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (
                name,
                levels,
            )
            # Every chart has a text alternative: a labelled image, or hidden beside a
            # caption that points at the list with the same content.
            charts = tab.evaluate(
                "Array.from(document.querySelectorAll('main svg')).map(s => ["
                "s.getAttribute('role'), s.getAttribute('aria-label'), "
                "s.getAttribute('aria-hidden'), "
                "!!(s.closest('figure') && s.closest('figure').querySelector('figcaption'))])"
            )
            for role, label, hidden, captioned in charts:
                assert (role == "img" and label) or (hidden == "true" and captioned), name
            # Contrast of badges, citations, links and small print.
            ratios = tab.evaluate(
                _CONTRAST_JS,
                "main a, .pill, a.cite, .kind, .key, .label, .note, .meta, .support-n, "
                "header.site a, header.site button, footer.site",
            )
            low = [(what, r) for what, r in ratios if r < 4.5]
            assert not low, (name, low)
            # Every control is reachable with the Tab key.
            total = tab.evaluate(_FOCUSABLE_JS)
            reached: set[str] = set()
            tab.locator("body").focus()
            for _ in range(total + 40):
                tab.keyboard.press("Tab")
                mark = tab.evaluate("document.activeElement && document.activeElement.dataset.kb")
                if mark is not None:
                    reached.add(mark)
                if len(reached) == total:
                    break
            assert len(reached) == total, (name, total - len(reached), "controls never focused")
        assert tab.problems == []
    finally:
        context.close()


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_story_pictures_stay_legible(
    server: str, posted: dict[str, Any], browser: Any, width: int
) -> None:
    context, tab = _new_page(browser, width, WIDTHS[width])
    try:
        tab.goto(_pages(server, posted)["story"])
        # The timeline's labels as drawn on screen (font size times the SVG's scale).
        sizes = tab.evaluate(
            "Array.from(document.querySelectorAll('figure.timeline-chart svg text'))"
            ".filter(t => t.getClientRects().length)"
            ".map(t => t.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize))"
        )
        assert sizes and min(sizes) >= 11, sizes
        # The picture and its list show the same dates.
        listed = tab.evaluate(
            "new Set(Array.from(document.querySelectorAll('ol.timeline time'))"
            ".map(t => t.getAttribute('datetime'))).size"
        )
        drawn = tab.evaluate(
            "Array.from(document.querySelectorAll('figure.timeline-chart svg'))"
            ".filter(s => s.getClientRects().length)"
            ".map(s => s.querySelectorAll('circle.dot').length)"
        )
        assert drawn == [listed], (drawn, listed)
        headers = tab.locator("table.matrix thead th")
        assert headers.count() > 2
        tab.locator("#coverage").scroll_into_view_if_needed()
        tab.screenshot(path=str(ARTIFACTS / f"story-coverage-{width}.png"))
        if width >= 1366:
            # Every column of the coverage matrix is visible without scrolling its box.
            wrap = tab.locator(".matrix-wrap").evaluate("w => [w.scrollWidth, w.clientWidth]")
            assert wrap[0] <= wrap[1], wrap
            inside = tab.evaluate(
                "(() => { const w = document.querySelector('.matrix-wrap')"
                ".getBoundingClientRect(); return Array.from(document.querySelectorAll("
                "'table.matrix thead th')).every(th => { const b = th.getBoundingClientRect();"
                " return b.left >= w.left - 1 && b.right <= w.right + 1; }); })()"
            )
            assert inside
            # The conflict column is there with its values.
            assert tab.locator("table.matrix td.conflict.on").count() > 0
        # An abbreviated heading shows its full text on keyboard focus.
        first = tab.locator("table.matrix thead th a").first
        tip = tab.locator("table.matrix thead th .tip").first
        assert not tip.is_visible()
        first.focus()
        assert tip.is_visible()
        assert len(tip.inner_text()) > 20
        tab.screenshot(path=str(ARTIFACTS / f"story-coverage-tip-{width}.png"))
        assert tab.problems == []
    finally:
        context.close()


@pytest.fixture(scope="module")
def brief_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's brief as the self-contained HTML file ``brief --format html`` writes."""
    from _paths import EXAMPLE, ROOT

    out = tmp_path_factory.mktemp("brief") / "brief.html"
    done = subprocess.run(
        [sys.executable, "-m", "newsdesk", "brief", str(EXAMPLE), "--format", "html", "-q"]
        + ["-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize("width", [360, 390, 1366, 1440])
def test_the_html_brief_file_fits_every_width(brief_file: Path, browser: Any, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("request", lambda r: None if r.url.startswith("file:") else problems.append(r.url))
    try:
        tab.goto(brief_file.as_uri())
        tab.screenshot(path=str(ARTIFACTS / f"brief-file-{width}.png"), full_page=True)
        overflow = tab.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert overflow[0] <= overflow[1], f"page is {overflow[0]} px wide at {width} px"
        # The timeline is drawn at 1:1 (across when wide, down when narrow): labels keep 12 px.
        shown = tab.evaluate(
            """[...document.querySelectorAll('figure.tl svg')]
                 .filter(s => s.getBoundingClientRect().width > 0)
                 .map(s => [s.getAttribute('class'),
                            Math.min(...[...s.querySelectorAll('text')]
                                      .map(t => parseFloat(getComputedStyle(t).fontSize)))])"""
        )
        assert shown == [["narrow" if width <= 700 else "wide", 12]]
        # The coverage matrix scrolls inside its own box, reachable by keyboard.
        box = tab.locator("#facts .scroll")
        assert box.get_attribute("tabindex") == "0"
        assert box.evaluate("b => getComputedStyle(b).overflowX") == "auto"
        assert problems == []
    finally:
        context.close()
