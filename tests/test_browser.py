"""Browser tests: the real ``newsdesk serve`` on loopback, driven through Debian's Chromium.

Skipped when chromium or playwright is missing (never ``playwright install``). Screenshots go
to ``test-artifacts/`` (gitignored) for a person to look at.
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

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
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

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
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
