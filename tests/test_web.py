"""Tests for the web app: the JSON API, the pages, and that hostile input stays inert."""

from __future__ import annotations

import argparse
import asyncio
import html
import html.parser
import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest
from fastapi.testclient import TestClient
from rapidfuzz import fuzz

from _paths import EXAMPLE, FIXTURES, GOLDEN, SEEDS
from _webdata import XSS_BODY, XSS_TITLE, example_payloads
from newsdesk.articles import make_article
from newsdesk.briefs import SCHEMA
from newsdesk.errors import ConfigError
from newsdesk.ingest import ingest
from newsdesk.models import Article, Sentence
from newsdesk.nlp import Models
from newsdesk.store import Store
from newsdesk.web import create_app
from newsdesk.web.app import CSP, MAX_ARTICLES_PER_REQUEST
from newsdesk.web.cache import LRU
from newsdesk.web.docs import brief_schema, schema_fields
from newsdesk.web.jobs import Jobs, JobsBusy
from newsdesk.web.pages import (
    after_first,
    article_href,
    counts,
    locate,
    news_span,
    outlet_name,
    safe_url,
    snippet_segments,
    timeline_chart,
)

JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def models() -> Models:
    return Models()


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, models: Models
) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    """One store with the example story (posted through the API) and a hostile article."""
    db = tmp_path_factory.mktemp("web") / "news.db"
    store = Store(db)
    app = create_app(store, models)
    with TestClient(app) as client:
        response = client.post("/api/articles", json=example_payloads(), headers=JSON)
        assert response.status_code == 200, response.text
        example = response.json()
        hostile = client.post(
            "/api/articles",
            json={"title": XSS_TITLE, "text": XSS_BODY, "outlet": "<b onmouseover=alert(5)>X</b>"},
            headers=JSON,
        ).json()
        # A stored javascript: URL cannot come through the API (422); put one in directly.
        bad_url = Article(
            id="0123456789abcdef",
            location="direct",
            text="The ferry timetable changed on Friday after the bridge collapse.",
            title="Ferry timetable",
            url="javascript:alert('url')",
        )
        ingest(store, [bad_url], models)
        yield client, {"example": example, "hostile": hostile, "bad_url": bad_url.id}
    store.close()


def _health(client: TestClient) -> None:
    assert client.get("/api/health").status_code == 200


# --- API ------------------------------------------------------------------------------------


def test_post_reports_status_duplicates_and_stories(
    served: tuple[TestClient, dict[str, Any]],
) -> None:
    client, data = served
    results = data["example"]["results"]
    assert len(results) == 7
    assert [r["status"] for r in results].count("duplicate") == 1
    copy = next(r for r in results if r["status"] == "duplicate")
    # 06_portside_gazette re-publishes the wire story 01_meridian_press (same day): one of
    # the two is the copy of the other.
    assert {copy["id"], copy["duplicate_of"]} == {results[0]["id"], results[5]["id"]}
    assert copy["story_id"] == results[0]["story_id"]
    assert all(re.fullmatch(r"[0-9a-f]{16}", r["id"]) for r in results)
    again = client.post("/api/articles", json=example_payloads()[0], headers=JSON).json()
    assert again["results"] == [{**results[0], "status": "existing"}]


def test_post_empty_list_does_nothing(served: tuple[TestClient, dict[str, Any]]) -> None:
    client, _ = served
    response = client.post("/api/articles", json=[], headers=JSON)
    assert response.json() == {"results": [], "new_stories": [], "updated_stories": []}


def test_story_list_detail_status_and_search(served: tuple[TestClient, dict[str, Any]]) -> None:
    client, data = served
    story_id = data["example"]["results"][0]["story_id"]
    stories = client.get("/api/stories").json()["stories"]
    keys = [(s["last_published"] or "", s["n_articles"]) for s in stories]
    assert keys == sorted(keys, key=lambda k: (k[0], k[1]), reverse=True)
    detail = client.get(f"/api/stories/{story_id}").json()
    assert detail["id"] == story_id
    assert {a["id"] for a in detail["articles"]} >= {data["example"]["results"][0]["id"]}
    copies = [a for a in detail["articles"] if a["duplicate_of"]]
    assert len(copies) == 1
    status = client.get(f"/api/stories/{story_id}/status").json()
    assert status["version"] == detail["version"]
    assert status["n_articles"] == len(detail["articles"])
    found = client.get("/api/search", params={"q": "Varkonen"}).json()
    assert found["hits"] and all("[Varkonen]" in h["snippet"] for h in found["hits"])
    assert story_id in {s["id"] for s in found["stories"]}
    # FTS5 syntax in a query is plain words, never an error.
    assert client.get("/api/search", params={"q": 'bridge" OR (NEAR'}).status_code == 200
    assert client.get("/api/search", params={"q": ""}).status_code == 422


def test_article_api_returns_body_and_removed_lines(
    served: tuple[TestClient, dict[str, Any]],
) -> None:
    client, data = served
    first = data["example"]["results"][0]["id"]
    article = client.get(f"/api/articles/{first}").json()
    assert article["outlet"] == "Meridian Press"
    assert article["removed"] == ["(Reporting by Tomas Wren in Velmora; Editing by Hanna Lisk)"]
    assert article["text"].startswith("A 60-metre section of the Korvane Harbour Bridge")


def test_brief_json_contract(served: tuple[TestClient, dict[str, Any]]) -> None:
    briefs = pytest.importorskip("newsdesk.briefs")
    if not hasattr(briefs, "brief_to_dict"):
        pytest.skip("newsdesk.briefs.brief_to_dict has not landed")
    client, data = served
    story_id = data["example"]["results"][0]["story_id"]
    brief = client.get(f"/api/stories/{story_id}/brief").json()
    assert brief["schema"] == "newsdesk.brief/2"
    assert brief["story"]["id"] == story_id
    labels = {s["id"] for s in brief["sources"]}
    assert all(set(s["sources"]) <= labels and s["sources"] for s in brief["summary"])


def test_unknown_ids_are_404(served: tuple[TestClient, dict[str, Any]]) -> None:
    client, _ = served
    for path in (
        "/api/stories/st-000000000000",
        "/api/stories/st-000000000000/brief",
        "/api/articles/ffffffffffffffff",
        "/stories/st-000000000000",
        "/articles/ffffffffffffffff",
    ):
        assert client.get(path).status_code == 404, path
    assert "text/html" in client.get("/stories/nope").headers["content-type"]
    assert client.get("/api/stories/nope").json() == {"detail": "no such story"}


# --- Security -------------------------------------------------------------------------------


_URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href")


class _Scan(html.parser.HTMLParser):
    """Collect what could run: script elements, event-handler attributes, script URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str | None] = []
        self.handlers: list[tuple[str, str]] = []
        self.script_urls: list[str] = []
        self.styles: int = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs).get("src"))
        if tag in ("iframe", "object", "embed", "base"):
            self.handlers.append((tag, "element"))
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if name == "style":
                self.styles += 1
            scheme = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name in _URL_ATTRS and scheme.startswith(("javascript:", "data:", "vbscript:")):
                self.script_urls.append(value or "")


def _assert_inert(page: str) -> None:
    scan = _Scan()
    scan.feed(page)
    assert all(src == "/static/live.js" for src in scan.scripts), scan.scripts
    assert scan.handlers == []
    assert scan.script_urls == []
    assert scan.styles == 0  # style attributes would need 'unsafe-inline'
    assert "<script>alert" not in page


def test_hostile_article_renders_inert_on_every_page(
    served: tuple[TestClient, dict[str, Any]],
) -> None:
    client, data = served
    hostile = data["hostile"]["results"][0]
    pages = [
        "/",
        "/?q=council",
        "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        f"/stories/{hostile['story_id']}",
        f"/stories/{hostile['story_id']}?fragment=true",
        f"/articles/{hostile['id']}",
        f"/articles/{hostile['id']}?hl=1",
        f"/stories/{_story_of(client, data['bad_url'])}",
        f"/articles/{data['bad_url']}",
        "/docs",
        "/nonexistent<script>",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert response.headers["content-security-policy"] == CSP
        assert response.headers["x-content-type-options"] == "nosniff"
        _assert_inert(response.text)
    article = client.get(f"/articles/{hostile['id']}").text
    assert "&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;" in article  # shown as text
    assert "javascript:alert(&#39;url&#39;)" not in client.get(f"/articles/{data['bad_url']}").text
    _health(client)


def _story_of(client: TestClient, article_id: str) -> str:
    hits = client.get("/api/search", params={"q": "ferry timetable changed"}).json()["hits"]
    return str(next(h["story_id"] for h in hits if h["article_id"] == article_id))


def test_non_http_urls_are_refused(served: tuple[TestClient, dict[str, Any]]) -> None:
    client, _ = served
    for url in ("javascript:alert(1)", "data:text/html,<script>", "ftp://x.org/a", "//x.org"):
        response = client.post("/api/articles", json={"text": "A b c.", "url": url}, headers=JSON)
        assert response.status_code == 422, url
        assert (
            response.json()["detail"]
            == "url: Value error, url must be an http:// or https:// address"
        )
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert safe_url("JaVaScRiPt:alert(1)") is None
    assert safe_url("http://exa mple.org") is None
    assert safe_url(None) is None


def test_oversized_body_is_413_and_server_keeps_serving(
    served: tuple[TestClient, dict[str, Any]],
) -> None:
    client, _ = served
    big = b'{"text": "' + b"a" * 8_100_000 + b'"}'
    response = client.post("/api/articles", content=big, headers=JSON)
    assert response.status_code == 413
    assert response.json() == {"detail": "request body larger than 8,000,000 bytes"}
    _health(client)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the body is counted as it streams
        for _ in range(9):
            yield b" " * 1_000_000

    response = client.post("/api/articles", content=chunks(), headers=JSON)
    assert response.status_code == 413
    _health(client)
    many = [{"text": f"Report {i}."} for i in range(MAX_ARTICLES_PER_REQUEST + 1)]
    response = client.post("/api/articles", json=many, headers=JSON)
    assert response.status_code == 413
    assert response.json() == {"detail": "at most 1000 articles per request"}
    _health(client)


def test_malformed_json_is_422_with_a_clear_message(
    served: tuple[TestClient, dict[str, Any]],
) -> None:
    client, _ = served
    cases = {
        b'{"text": ': "malformed JSON: Expecting value",
        b'{"text": "a",}': "malformed JSON: Expecting property name enclosed in double quotes",
        b"\xff\xfe": "malformed JSON",
        b'{"title": "no body"}': "text: Field required",
        b'[{"text": "ok"}, {"txt": "typo"}]': "[1].text: Field required; [1].txt: Extra inputs",
        b'{"text": "a", "published": "someday"}': "published: Value error, published must be a "
        "date such as 2025-10-14",
        b'"just a string"': "the body must be a JSON object (one article) or an array of them",
        b"[1, 2]": "[0]: Input should be a valid dictionary",
    }
    for body, message in cases.items():
        response = client.post("/api/articles", content=body, headers=JSON)
        assert response.status_code == 422, body
        assert response.json()["detail"].startswith(message), response.json()["detail"]
        _health(client)


def test_path_tricks_in_ids_are_404(served: tuple[TestClient, dict[str, Any]]) -> None:
    client, _ = served
    for path in (
        "/articles/..",
        "/articles/%2e%2e",
        "/articles/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/articles/..%2F..%2Fetc%2Fpasswd",
        "/articles/%252e%252e%252f",
        "/stories/..%5c..%5cwindows",
        "/stories/%2e%2e/%2e%2e/etc/passwd",
        "/api/stories/..%2f..%2fetc%2fpasswd/brief",
        "/api/articles/%00",
        "/static/..%2f..%2fapp.py",
        "/static/%2e%2e/app.py",
        "/static/../web/app.py",
    ):
        # Sent as raw ASGI requests: an HTTP client would normalise the dots away first.
        status, body = _raw_get(client.app, path)
        assert status == 404, path
        assert b"create_app" not in body and b"root:" not in body
        _health(client)


def _raw_get(app: Any, raw: str) -> tuple[int, bytes]:
    """GET ``raw`` exactly as uvicorn hands it over: percent-decoded path, raw bytes kept."""
    path, _, query = raw.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(path),
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_writes_need_the_token_when_one_is_set(models: Models) -> None:
    store = Store(":memory:")
    client = TestClient(create_app(store, models, token="s3cret-token"))
    body = {"text": "The mayor opened the new library on Monday morning."}
    assert client.post("/api/articles", json=body, headers=JSON).status_code == 401
    wrong = {**JSON, "Authorization": "Bearer nope"}
    response = client.post("/api/articles", json=body, headers=wrong)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    right = {**JSON, "Authorization": "Bearer s3cret-token"}
    assert (
        client.post("/api/articles", json=body, headers=right).json()["results"][0]["status"]
        == "new"
    )
    assert client.get("/api/stories").status_code == 200  # reads stay open


def test_non_json_content_type_is_415(served: tuple[TestClient, dict[str, Any]]) -> None:
    client, _ = served
    response = client.post(
        "/api/articles", content=b'{"text": "x"}', headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415


def test_host_header_is_checked_when_hosts_are_given(models: Models) -> None:
    client = TestClient(create_app(Store(":memory:"), models, allowed_hosts=["127.0.0.1"]))
    assert client.get("/api/health", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/api/health", headers={"Host": "127.0.0.1:8000"}).status_code == 200


def test_serve_refuses_a_public_address_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsdesk.cli import serve

    monkeypatch.delenv("NEWSDESK_TOKEN", raising=False)
    args = argparse.Namespace(db=":memory:", host="0.0.0.0", port=8000, embedder="hashing")
    with pytest.raises(ConfigError, match="set NEWSDESK_TOKEN"):
        serve._serve(args)
    assert serve.is_loopback("127.0.0.1") and serve.is_loopback("::1")
    assert serve.is_loopback("localhost") and not serve.is_loopback("0.0.0.0")
    assert not serve.is_loopback("192.168.1.4") and not serve.is_loopback("example.org")


# --- Pages ----------------------------------------------------------------------------------


def test_story_list_page(served: tuple[TestClient, dict[str, Any]]) -> None:
    client, data = served
    page = client.get("/").text
    story_id = data["example"]["results"][0]["story_id"]
    assert f'href="/stories/{story_id}"' in page
    # Sources are independent outlets, reports all of them; times are news times.
    assert "6 sources · 7 reports (1 syndicated copy)</span>" in page
    assert "first report 14 Oct 2025 · latest 16 Oct 2025" in page
    assert "updated " not in page and " UTC" not in page
    found = client.get("/", params={"q": "Ostrova"}).text
    assert "<mark>Ostrova</mark>" in found
    empty = client.get("/", params={"q": "zzzqqqxxx"}).text
    assert "No story matches." in empty and "No report matches." in empty


def test_story_page_sections_and_citations(served: tuple[TestClient, dict[str, Any]]) -> None:
    client, data = served
    story_id = data["example"]["results"][0]["story_id"]
    page = client.get(f"/stories/{story_id}").text
    for section in ('id="summary"', 'id="sources"', 'id="timeline"', 'id="coverage"'):
        assert section in page
    assert '<script src="/static/live.js" defer></script>' in page
    assert f'data-live-story="{story_id}"' in page
    assert "removed by cleaning" in page
    assert re.search(r"copy of S\d", page)
    cites = re.findall(r'class="cite" href="(/articles/[0-9a-f]{16}\?hl=(\d+)#s-(\d+))"', page)
    assert cites and all(hl == anchor for _, hl, anchor in cites)


def test_citations_land_on_the_cited_sentence(served: tuple[TestClient, dict[str, Any]]) -> None:
    client, data = served
    story_id = data["example"]["results"][0]["story_id"]
    page = client.get(f"/stories/{story_id}?fragment=true").text
    start = page.index('id="summary"')
    summary = page[start : page.index("</section>", start)]
    paragraphs = re.findall(r"<p>(.*?) <span class=\"cites\">(.*?)</span></p>", summary)
    assert paragraphs
    for sentence, cites in paragraphs:
        landed = []
        for href, n in re.findall(r'href="(/articles/[0-9a-f]{16}\?hl=(\d+)#s-\d+)"', cites):
            target = client.get(html.unescape(href)).text
            found = re.search(r'<span class="s hl" id="s-(\d+)">(.*?)</span>', target)
            assert found and found.group(1) == n
            landed.append(html.unescape(found.group(2)))
        assert landed, sentence
        # The summary quotes one source verbatim (maybe minus an attribution); the other
        # citations land on that source's own wording of the same thing.
        best = max(fuzz.token_set_ratio(html.unescape(sentence), x) for x in landed)
        assert best >= 90, (sentence, landed)
    # A quote's citations land on the source sentence that holds its (first) words.
    start = page.index('id="quotes"')
    section = page[start : page.index("</section>", start)]
    quotes = re.findall(r"<blockquote><p>“(.*?)”</p><footer>(.*?)</footer>", section, re.S)
    assert quotes
    for quote, footer in quotes:
        opening = html.unescape(quote).split(" … ")[0].split(". ")[0]
        hrefs = re.findall(r'href="(/articles/[0-9a-f]{16}[^"]*)"', footer)
        assert hrefs and all("?hl=" in h for h in hrefs), (quote, hrefs)
        for href in hrefs:
            target = client.get(html.unescape(href)).text
            found = re.search(r'<span class="s hl" id="s-\d+">(.*?)</span>', target)
            assert found and opening in html.unescape(found.group(1)), (quote, href)


def test_story_page_is_cached_by_version_and_refreshes(
    served: tuple[TestClient, dict[str, Any]], models: Models
) -> None:
    client, data = served
    story_id = data["example"]["results"][0]["story_id"]
    first = client.get(f"/stories/{story_id}").text
    assert client.get(f"/stories/{story_id}").text == first
    status = client.get(f"/api/stories/{story_id}/status").json()
    assert status["page_ready"]
    follow_up = {
        "title": "Korvane Harbour Bridge collapse: divers reach the fallen span in Velmora",
        "outlet": "Velmora Evening Post",
        "published": "2025-10-15",
        "text": "Divers reached the fallen span of the Korvane Harbour Bridge in Velmora on "
        "Wednesday, a day after the collapse killed two people. Transport Minister Ilyas "
        "Varkonen said the inquiry panel would report by the end of January. Harbour Master "
        "Lena Ostrova said shipping in the inner harbour would resume with escorts.",
    }
    posted = client.post("/api/articles", json=follow_up, headers=JSON).json()["results"][0]
    if posted["story_id"] != story_id:
        pytest.skip("the follow-up formed its own story; nothing to refresh")
    new_status = client.get(f"/api/stories/{story_id}/status").json()
    assert new_status["version"] != status["version"]
    deadline = time.monotonic() + 60
    while not client.get(f"/api/stories/{story_id}/status").json()["page_ready"]:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    fresh = client.get(f"/stories/{story_id}").text
    assert f'data-version="{new_status["version"]}"' in fresh
    assert "Velmora Evening Post" in fresh


def test_docs_are_local(served: tuple[TestClient, dict[str, Any]]) -> None:
    client, _ = served
    page = client.get("/docs").text
    assert "POST</span> <code>/api/articles</code>" in page
    assert "cdn" not in page.lower() and "https://" not in page
    assert client.get("/openapi.json").json()["paths"]["/api/articles"]["post"]
    assert client.get("/static/live.js").status_code == 200


def test_docs_use_the_real_address_and_document_every_brief_field(
    served: tuple[TestClient, dict[str, Any]],
) -> None:
    client, data = served
    page = client.get("/docs").text
    assert "curl -s -X POST http://testserver/api/articles" in page
    assert ":8000" not in page
    assert "``" not in page  # docstring markup rendered, not shown
    assert "<code>newsdesk.brief</code> JSON contract" in page
    schema = client.get("/api/schema/brief.json").json()
    assert schema == brief_schema()
    # Every field of the schema has its row in the page, with its meaning.
    rows = schema_fields(schema)
    assert {r["path"] for r in rows} >= {
        "story.first_published",
        "sources[].duplicate_of",
        "facts[].support",
        "conflicts[].compatible",
        "quotes[].speaker",
        "statements[].text",
    }
    for row in rows:
        assert row["description"], row["path"]
        assert f"<td><code>{row['path']}</code></td>" in page, row["path"]
    # The brief the API serves validates against the schema it serves.
    story_id = data["example"]["results"][0]["story_id"]
    brief = client.get(f"/api/stories/{story_id}/brief").json()
    jsonschema.validate(brief, schema)
    assert brief["schema"] == SCHEMA


def test_the_goldens_validate_against_the_brief_schema() -> None:
    validator = jsonschema.Draft202012Validator(brief_schema())
    goldens = sorted(GOLDEN.glob("*.json"))
    assert [g.name for g in goldens] == ["harbour-bridge.json"]
    for golden in goldens:
        errors = [e.message for e in validator.iter_errors(json.loads(golden.read_text()))]
        assert errors == [], golden.name


@pytest.mark.parametrize(
    "inputs",
    [
        [EXAMPLE],
        [FIXTURES / "wire", FIXTURES / "boilerplate"],
        [FIXTURES / "records" / "tools.jsonl"],
        [SEEDS],
    ],
    ids=["example", "wire+boilerplate", "records", "seeds"],
)
def test_every_cli_json_brief_validates_against_the_schema(
    inputs: list[Path], tmp_path: Path
) -> None:
    from newsdesk.cli import main

    if not all(p.exists() for p in inputs):
        pytest.skip("the shared seeds are not mounted here")
    out = tmp_path / "brief.json"
    assert main(["brief", *map(str, inputs), "--format", "json", "-q", "-o", str(out)]) == 0
    brief = json.loads(out.read_text())
    validator = jsonschema.Draft202012Validator(brief_schema())
    assert [e.message for e in validator.iter_errors(brief)] == []
    assert brief["schema"] == SCHEMA


def test_the_brief_schema_is_a_valid_schema_and_rejects_what_it_should() -> None:
    schema = brief_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    minimal = {
        "schema": SCHEMA,
        "story": {
            "id": "st-1",
            "headline": "h",
            "first_published": "2025-10",
            "last_published": None,
            "n_sources": 1,
        },
        "sources": [],
        "summary": [{"text": "t", "sources": ["S1"]}],
        "facts": [],
        "conflicts": [],
        "timeline": [],
        "entities": [],
        "quotes": [],
        "statements": [],
    }
    assert list(validator.iter_errors(minimal)) == []
    for broken in (
        {**minimal, "summary": [{"text": "t", "sources": []}]},  # uncited sentence
        {**minimal, "story": {**minimal["story"], "first_published": "14 Oct"}},
        {**minimal, "extra": 1},  # an undocumented field
        {**minimal, "timeline": [{"date": "2025-10-14", "text": "t", "sources": ["X1"]}]},
    ):
        assert list(validator.iter_errors(broken)), broken


def test_non_latin_article(served: tuple[TestClient, dict[str, Any]]) -> None:
    client, _ = served
    body = {
        "title": "Γέφυρα στο λιμάνι κατέρρευσε",
        "outlet": "Ελληνικά Νέα",
        "text": "Η γέφυρα του λιμανιού κατέρρευσε το πρωί της Τρίτης. Δύο άνθρωποι σκοτώθηκαν.",
    }
    result = client.post("/api/articles", json=body, headers=JSON).json()["results"][0]
    page = client.get(f"/articles/{result['id']}").text
    assert "Γέφυρα στο λιμάνι κατέρρευσε" in page and 'id="s-1"' in page
    hits = client.get("/api/search", params={"q": "γέφυρα"}).json()["hits"]
    assert [h["article_id"] for h in hits] == [result["id"]]
    assert client.get(f"/stories/{result['story_id']}").status_code == 200


# --- Units ----------------------------------------------------------------------------------


def _sentences(*texts: str) -> list[Sentence]:
    return [Sentence("a", i, 0, t, 0, len(t)) for i, t in enumerate(texts)]


def test_locate_finds_the_sentence_a_cited_text_comes_from() -> None:
    sentences = _sentences(
        "The bridge opened in 1974.",
        "Two people died when a 60-metre section collapsed on Tuesday, police said.",
        "“Shipping is halted. It will resume,” the harbour master said.",
    )
    # an evidence sentence, a reported clause, a quote of two sentences, a quote in parts
    assert locate(sentences, "The bridge opened in 1974.") == 0
    assert locate(sentences, "Two people died when a 60-metre section collapsed on Tuesday") == 1
    assert locate(sentences, "Shipping is halted. It will resume") == 2
    assert locate(sentences, "Shipping is halted. … We will see") == 2
    assert locate(sentences, "two people died") == 1
    # a paraphrase is not the source's words: link to the article, not to a guess
    assert locate(sentences, "two people died when a section collapsed on Tuesday") is None
    assert locate(sentences, "The ferry company added a second vessel by Friday night.") is None
    assert locate([], "anything") is None
    assert locate(sentences, "  ") is None


def test_small_helpers() -> None:
    assert article_href("abc") == "/articles/abc"
    assert article_href("abc", 4) == "/articles/abc?hl=4#s-4"
    assert snippet_segments("a [b] c [d]") == [
        ("a ", False),
        ("b", True),
        (" c ", False),
        ("d", True),
    ]
    assert snippet_segments("") == []
    chart = timeline_chart(["1974", "2025-10-14", "2025-10-14", "2025-10-15"])
    assert [(p["x"], p["y"], p["label"], p["count"], p["first"]) for p in chart["points"]] == [
        (6.0, 16.0, "1974", 1, 0),
        (55.74, 50.0, "14 Oct 2025", 2, 1),
        (94.0, 80.0, "15 Oct", 1, 3),
    ]
    # 52 years are a labelled break, not 99% of the axis; one day is to scale after it.
    assert chart["breaks"] == [{"label": "52 years", "x": 30.87, "y": 33.0}]
    assert outlet_name(None, None, "examples/harbour-bridge/01_meridian_press.txt") == (
        "Meridian Press"
    )
    assert outlet_name(None, "https://www.tide.example/a.html", "api") == "tide.example"
    assert outlet_name(None, None, "dump.jsonl:3") == "unknown outlet"
    assert outlet_name(" Harbour Courier ", "https://x.example/") == "Harbour Courier"
    assert after_first("2025-10-15", "2025-10-14") == "1 day after the first report"
    assert after_first("2025-10-14T12:30", "2025-10-14T09:10") == "3 hours after the first report"
    assert after_first("2025-10", "2025-10-14") is None
    assert counts(7, 1) == "6 sources · 7 reports (1 syndicated copy)"
    assert counts(1, 0) == "1 source"
    assert news_span("2025-10-14", "2025-10-16") == "first report 14 Oct 2025 · latest 16 Oct 2025"
    assert news_span("2024-03", None) == "published Mar 2024"
    assert timeline_chart([])["points"] == []
    lru: LRU[str, int] = LRU(2)
    lru.put("a", 1)
    lru.put("b", 2)
    lru.get("a")
    lru.put("c", 3)
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == (1, None, 3)
    jobs = Jobs(Models(embedder_name="hashing"), max_waiting=0)
    one = jobs.submit("one", lambda _m: time.sleep(0.2) or 1, key="k")
    two = jobs.submit("two", lambda _m: 2, key="k")
    assert one is two and one.result() == 1
    # Past max_waiting jobs are refused at once (the request gets 429), not queued.
    release = threading.Event()
    blocking = jobs.submit("block", lambda _m: release.wait(5))
    with pytest.raises(JobsBusy, match=r"^the server is busy \(1 job queued\); retry shortly$"):
        jobs.submit("more", lambda _m: 3)
    release.set()
    assert blocking.result() is True
    assert jobs.submit("after", lambda _m: 4).result() == 4
    jobs.shutdown()


def test_make_article_drops_script_urls_before_the_web_sees_them() -> None:
    article = make_article("Body text here.", location="x", url="javascript:alert(1)")
    assert article.url is None


def test_static_files_exist() -> None:
    static = Path(__file__).resolve().parent.parent / "src" / "newsdesk" / "web" / "static"
    assert sorted(p.name for p in static.iterdir()) == ["favicon.svg", "live.js", "style.css"]


def test_a_story_renamed_by_a_merge_redirects_to_its_new_page(models: Models) -> None:
    store = Store(":memory:")
    client = TestClient(create_app(store, models))
    later = {
        "text": "The death toll from Monday's earthquake in Korvath, Eldoria, rose to 19 as "
        "Eldorian rescuers searched collapsed buildings in the market district.",
        "published": "2022-03-08",
    }
    earlier = {
        "text": "A magnitude 6.4 earthquake struck near the town of Korvath in northern Eldoria "
        "on Monday, killing at least 12 people, Eldorian officials said.",
        "published": "2022-03-07",
    }
    old = client.post("/api/articles", json=later, headers=JSON).json()["results"][0]["story_id"]
    new = client.post("/api/articles", json=earlier, headers=JSON).json()["results"][0]["story_id"]
    assert new != old  # the earlier report now names the story
    response = client.get(f"/stories/{old}", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (301, f"/stories/{new}")
    assert client.get(f"/stories/{old}").status_code == 200
    moved = client.get(f"/api/stories/{old}/brief", follow_redirects=False)
    assert (moved.status_code, moved.headers["location"]) == (301, f"/api/stories/{new}/brief")
    assert client.get(f"/api/stories/{old}").json()["id"] == new
    assert client.get("/api/stories/st-000000000000").status_code == 404
    store.close()


def test_token_is_checked_before_the_body_and_guards_reads(tmp_path: Path) -> None:
    with Store(tmp_path / "n.db") as store:
        app = create_app(store, Models(embedder_name="hashing"), token="s3cret", guard_reads=True)
        with TestClient(app) as client:
            body_read = []

            def body() -> Iterator[bytes]:
                body_read.append(True)
                yield b'{"text": "x"}'

            response = client.post(
                "/api/articles", content=body(), headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 401
            assert body_read == []  # answered from the headers alone
            assert client.get("/api/stories").status_code == 401
            auth = {"Authorization": "Bearer s3cret"}
            assert client.get("/api/stories", headers=auth).status_code == 200


def test_lone_surrogate_in_a_rejected_article_is_a_422_not_a_500(tmp_path: Path) -> None:
    with Store(tmp_path / "n.db") as store:
        app = create_app(store, Models(embedder_name="hashing"))
        with TestClient(app) as client:
            raw = b'{"text": "Body.", "published": "\\ud800 2025-13-45"}'
            response = client.post(
                "/api/articles", content=raw, headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 422
            assert response.json()["detail"] == (
                "published: Input should be a valid string, unable to parse raw data as a "
                "unicode string"
            )
            impossible = client.post(
                "/api/articles", json={"text": "B.", "published": "2025-13-45"}
            )
            assert impossible.status_code == 422
            assert impossible.json()["detail"] == (
                "published: Value error, published must be a date such as 2025-10-14 "
                "(years 1000-9000)"
            )


@pytest.fixture
def deadline_server() -> Iterator[int]:
    """A real uvicorn server whose request headers must arrive within 1 s."""
    import socket

    import uvicorn

    from newsdesk.web.server import header_deadline_protocol

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="error", http=header_deadline_protocol(1.0)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield port
    server.should_exit = True
    thread.join(5)


def test_headers_sent_too_slowly_get_408_and_the_connection_closes(deadline_server: int) -> None:
    import socket

    def connect() -> socket.socket:
        return socket.create_connection(("127.0.0.1", deadline_server), timeout=5)

    # Slow-loris: a byte of headers every 0.3 s never completes them within the deadline.
    slow = connect()
    started = time.monotonic()
    slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    answer = b""
    try:
        for _ in range(20):
            slow.sendall(b"X")
            time.sleep(0.3)
    except OSError:
        pass  # closed by the server
    while chunk := slow.recv(4096):
        answer += chunk
    slow.close()
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert answer.endswith(b"request headers not received in time")
    assert 0.9 < time.monotonic() - started < 3.0
    # A client that sends its headers at once is served, again on the same connection after
    # idling (the deadline starts with each request's first byte, not with the connection).
    fast = connect()
    for _ in range(2):
        fast.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert fast.recv(4096).startswith(b"HTTP/1.1 200 ")
        time.sleep(1.5)
    fast.close()


def test_a_job_past_its_deadline_is_cancelled_and_health_answers_meanwhile(
    models: Models,
) -> None:
    from newsdesk.briefs import build_brief

    def slow_brief(store: Store, story_id: str, job_models: Models) -> Any:
        # A brief that keeps the models busy for 8 s: the job's clock stops it at 2 s.
        ends = time.monotonic() + 8.0
        count = 0
        while time.monotonic() < ends:  # new sentences: a parse each (the cache has none)
            count += 1
            job_models.nlp(f"One more sentence to parse, number {count}.")
        return build_brief([], job_models)  # pragma: no cover - never reached

    assert models.nlp is not None  # loaded now: loading is not charged to a job, but takes time
    with Store() as store:
        app = create_app(store, models, brief_fn=slow_brief, job_deadline=2.0)
        with TestClient(app) as client:
            posted = client.post("/api/articles", json=example_payloads()[:1], headers=JSON)
            assert posted.status_code == 200, posted.text
            story_id = posted.json()["results"][0]["story_id"]
            answers: list[Any] = []
            worker = threading.Thread(
                target=lambda: answers.append(client.get(f"/api/stories/{story_id}/brief"))
            )
            started = time.monotonic()
            worker.start()
            slowest = 0.0
            while worker.is_alive():
                t0 = time.monotonic()
                assert client.get("/api/health").status_code == 200
                slowest = max(slowest, time.monotonic() - t0)
                time.sleep(0.05)
            worker.join()
            # The page build the POST started (stopped at 2 s), then this brief (2 s).
            assert time.monotonic() - started < 6.0
            assert slowest < 0.5
            (answer,) = answers
            assert answer.status_code == 503
            assert answer.json() == {
                "detail": f"the brief of {story_id} took longer than 2 s and was cancelled "
                "(split a very long article into smaller ones)"
            }
            # The worker is free again: the next job runs.
            assert client.get("/api/health").json()["articles"] == 1


def test_a_posted_article_past_the_deadline_gets_422_and_stores_nothing(
    models: Models,
) -> None:
    long_text = " ".join(
        f"Officials in Korvath said on day {i} that the bridge would reopen." for i in range(3000)
    )
    with Store() as store:
        # Reading and cleaning 200 KB takes longer than 10 ms on any machine: the clock has
        # run out at the job's first model call.
        app = create_app(store, models, job_deadline=0.01)
        with TestClient(app) as client:
            answer = client.post("/api/articles", json={"text": long_text}, headers=JSON)
            assert answer.status_code == 422
            assert answer.json() == {
                "detail": "ingesting 1 article took longer than 0.01 s and was cancelled "
                "(split a very long article into smaller ones)"
            }
            health = client.get("/api/health").json()
            assert (health["articles"], health["stories"]) == (0, 0)
