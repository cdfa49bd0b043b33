"""The web app: server-rendered story pages and a JSON API over the store.

``create_app`` builds a FastAPI app around an open ``Store`` and loaded ``Models``. Pages are
Jinja2 templates with autoescaping on everywhere; the only JavaScript is ``static/live.js``
(live updates), served from this package, and every response carries a strict
Content-Security-Policy that forbids inline scripts, so article text that smuggles markup in
stays text. Story pages are cached by story version; when a story changes, readers get the
previous page at once while the new one is built in the background, and the open page swaps
itself over when it is ready.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Body, FastAPI, Header, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..articles import make_article
from ..errors import NewsdeskError
from ..models import Article, Brief
from ..nlp import Models
from ..store import Store
from .cache import LRU, RenderedStory
from .docs import brief_schema, docs_context
from .guard import CSP, TOKEN_NEEDED, Guard, token_ok
from .jobs import JOB_DEADLINE, Jobs, JobsBusy, JobTimeout
from .pages import (
    ArticleText,
    article_paragraphs,
    counts,
    human_date,
    news_span,
    outlet_name,
    safe_url,
    snippet_segments,
    split_article,
    story_view,
)
from .schemas import (
    ArticleIn,
    ArticleOut,
    IngestedOut,
    IngestOut,
    SearchHitOut,
    SearchOut,
    StoryDetailOut,
    StoryListOut,
    StoryOut,
    StoryStatusOut,
)

__all__ = [
    "CSP",
    "MAX_ARTICLES_PER_REQUEST",
    "MAX_BODY_BYTES",
    "ArticleIn",
    "BriefFn",
    "create_app",
]

log = logging.getLogger("newsdesk.web")

HERE = Path(__file__).parent


#: Largest request body accepted (413 beyond). A 200,000-character article is ~0.8 MB of
#: UTF-8 at worst; 8 MB leaves room for a batch of ordinary ones.
MAX_BODY_BYTES = 8_000_000
#: Most articles one POST may carry; bigger batches should be split (or use ``ingest``).
MAX_ARTICLES_PER_REQUEST = 1000

# Ids are blake2b hex digests, optionally prefixed ("st-..."): anything else is not an id.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")

BriefFn = Callable[[Store, str, Models], Brief]


# --- App state ------------------------------------------------------------------------------


@dataclass
class _Web:
    """Everything the app owns: stores, models, caches, the template environment."""

    store: Store  # writes (ingest, brief cache)
    reader: Store  # reads: a second WAL connection, so pages never wait for a write
    models: Models
    token: str | None
    brief_fn: BriefFn
    env: jinja2.Environment
    pages: LRU[tuple[str, str], RenderedStory]
    latest: LRU[str, RenderedStory]
    texts: LRU[str, ArticleText]
    # Ingest, briefs and sentence splits: one worker, a bounded queue, a deadline per job.
    jobs: Jobs
    owns_reader: bool = False


def _default_brief(store: Store, story_id: str, models: Models) -> Brief:
    from ..ingest import story_brief

    return story_brief(store, story_id, models)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    return env


def _render(web: _Web, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(web.env.get_template(name).render(**context), status_code=status)


def _check_id(value: str) -> str:
    if not _ID.fullmatch(value):
        raise HTTPException(status_code=404, detail="not found")
    return value


def _missing_story(web: _Web, story_id: str, path: str) -> HTTPException:
    """404 for an unknown story; a 301 to its new path for a story that merged into another."""
    current = web.reader.resolve_story(story_id)
    if current != story_id:
        location = path.replace("{id}", current)
        return HTTPException(status_code=301, detail="story moved", headers={"Location": location})
    return HTTPException(status_code=404, detail="no such story")


_BRANCHES = ("ArticleIn", "list[ArticleIn]")
_SHAPE_ERRORS = ("model_type", "list_type", "model_attributes_type")


def _one_line(errors: list[Any]) -> str:
    """Say what is wrong with a request body in one line a person can act on.

    The article body is "one article or a list of them", so pydantic reports each error once
    per branch; keep the branch the body was meant for (the one that got past the shape check).
    """
    for err in errors:
        if err.get("type") == "json_invalid":
            reason = err.get("ctx", {}).get("error", "cannot parse the body")
            return f"malformed JSON: {reason}"
    located = []
    for err in errors:
        loc = [p for p in err.get("loc", ()) if p != "body"]
        branch = loc and loc[0] in _BRANCHES
        rest = loc[1:] if branch else loc
        if (
            branch
            and not rest
            and err.get("type") in ("model_type", "list_type", "model_attributes_type")
        ):
            continue  # the body is not of this branch's shape: the other branch explains
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest).lstrip(".")
        located.append(f"{where or 'body'}: {err.get('msg', 'invalid')}")
    if not located:
        return "the body must be a JSON object (one article) or an array of them"
    more = f" (and {len(located) - 5} more)" if len(located) > 5 else ""
    return "; ".join(located[:5]) + more


# --- Factory --------------------------------------------------------------------------------


def create_app(
    store: Store,
    models: Models,
    *,
    token: str | None = None,
    brief_fn: BriefFn | None = None,
    allowed_hosts: list[str] | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    page_cache_size: int = 256,
    guard_reads: bool = False,
    job_deadline: float = JOB_DEADLINE,
) -> FastAPI:
    """Build the web app over an open store.

    Args:
        store: the store served (and written by ``POST /api/articles``).
        models: loaded models, shared by every request (ingest and briefs use them).
        token: when set, write endpoints require ``Authorization: Bearer <token>``;
            ``newsdesk serve`` sets it from ``NEWSDESK_TOKEN`` and insists on it when bound
            to a non-loopback address.
        brief_fn: builds (or fetches the cached) brief of a story; defaults to
            ``newsdesk.ingest.story_brief``.
        allowed_hosts: accepted ``Host`` headers (guards a loopback server against DNS
            rebinding); None accepts any.
        max_body_bytes: largest request body accepted; larger ones get 413.
        guard_reads: with a token, every request (pages and reads too, static files aside)
            needs it; ``newsdesk serve`` sets this beyond loopback unless ``--public-read``.
        page_cache_size: how many rendered story pages to keep (0 turns the cache off).
        job_deadline: seconds one heavy job (an ingest, a brief, a page build) may run;
            one past it is cancelled (a POST gets 422, a page or brief 503).

    Returns:
        The ``FastAPI`` app (request guard and security headers installed).

    Example:
        >>> app = create_app(Store(":memory:"), Models())  # doctest: +SKIP
        >>> uvicorn.run(app, host="127.0.0.1", port=8000)  # doctest: +SKIP
    """
    if max_body_bytes < 1:
        raise ValueError("max_body_bytes must be >= 1")
    owns_reader = store.path != ":memory:"
    reader = Store(store.path) if owns_reader else store
    web = _Web(
        store=store,
        reader=reader,
        models=models,
        token=token or None,
        brief_fn=brief_fn or _default_brief,
        env=_environment(),
        pages=LRU(page_cache_size),
        latest=LRU(max(page_cache_size, 1) * 4),
        texts=LRU(2048),
        jobs=Jobs(models, deadline=job_deadline),
        owns_reader=owns_reader,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        # Queued jobs are dropped and the running one stops at its next model call: SIGTERM
        # must stop the server within 5 s (uvicorn's grace is 3 s); what was not cached is
        # rebuilt on the next start, and an interrupted ingest's batch was never acknowledged.
        web.jobs.shutdown()
        if web.owns_reader:
            web.reader.close()

    api = FastAPI(
        title="newsdesk",
        summary="Many news reports of one event, one sourced brief.",
        version=_version(),
        docs_url=None,  # Swagger UI needs a CDN and inline script: /docs is rendered here
        redoc_url=None,
        lifespan=lifespan,
    )
    api.state.web = web
    api.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _install_errors(api, web)
    _install_api(api, web)
    _install_pages(api, web)
    api.add_middleware(Guard, max_body=max_body_bytes, token=token or None, guard_reads=guard_reads)
    if allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        api.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    return api


def _version() -> str:
    from .. import __version__

    return str(__version__)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _install_errors(api: FastAPI, web: _Web) -> None:
    @api.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        # The client's input is not echoed: it may hold lone surrogates that cannot be
        # encoded as UTF-8 (the handler itself answered 500).
        errors = [{k: v for k, v in err.items() if k != "input"} for err in exc.errors()]
        errors = json.loads(
            json.dumps(errors, default=str, ensure_ascii=False).encode("utf-8", "replace")
        )
        return JSONResponse(
            {"detail": _one_line(errors), "errors": json.loads(json.dumps(errors, default=str))},
            status_code=422,
        )

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers or {})
        if _wants_json(request):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=headers
            )
        return _render(
            web, "error.html", status=exc.status_code, code=exc.status_code, message=str(exc.detail)
        )

    @api.exception_handler(JobTimeout)
    async def job_timeout(request: Request, exc: JobTimeout) -> Response:
        # A POSTed input too costly to analyse is the client's to fix (422); a brief or page
        # that could not be built in time is the server's (503).
        status = 422 if request.method == "POST" else 503
        return JSONResponse({"detail": str(exc)}, status_code=status)

    @api.exception_handler(JobsBusy)
    async def jobs_busy(request: Request, exc: JobsBusy) -> Response:
        return JSONResponse({"detail": str(exc)}, status_code=429, headers={"Retry-After": "5"})

    @api.exception_handler(NewsdeskError)
    async def newsdesk_error(request: Request, exc: NewsdeskError) -> Response:
        log.error("newsdesk error on %s: %s", request.url.path, exc)
        return JSONResponse({"detail": str(exc)}, status_code=500)

    @api.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return JSONResponse({"detail": "internal error"}, status_code=500)


def _authorize(web: _Web, authorization: str | None) -> None:
    if web.token is None:
        return
    if not token_ok(web.token, authorization):
        raise HTTPException(
            status_code=401, detail=TOKEN_NEEDED, headers={"WWW-Authenticate": "Bearer"}
        )


def _article_out(
    article: Article, *, duplicate_of: str | None = None, full: bool = False
) -> ArticleOut:
    return ArticleOut(
        id=article.id,
        title=article.title,
        outlet=article.outlet,
        url=article.url,
        published=article.published,
        author=article.author,
        location=article.location,
        language=article.language,
        duplicate_of=duplicate_of,
        text=article.text if full else None,
        removed=list(article.removed) if full else [],
    )


def _install_api(api: FastAPI, web: _Web) -> None:
    @api.post(
        "/api/articles",
        response_model=IngestOut,
        summary="Ingest one article or a list of them",
        responses={
            401: {"description": "token missing or wrong"},
            413: {"description": "body too large or too many articles"},
            415: {"description": "body is not JSON"},
            422: {
                "description": "malformed JSON, an invalid article, or one too costly to "
                f"analyse within the job deadline ({JOB_DEADLINE:g} s)"
            },
            429: {"description": "too many jobs queued; retry after the Retry-After seconds"},
        },
        tags=["articles"],
    )
    async def post_articles(
        payload: Annotated[ArticleIn | list[ArticleIn], Body()],
        authorization: Annotated[str | None, Header()] = None,
    ) -> IngestOut:
        """Store articles, find their duplicates and put each into a story."""
        _authorize(web, authorization)
        items = payload if isinstance(payload, list) else [payload]
        if len(items) > MAX_ARTICLES_PER_REQUEST:
            raise HTTPException(
                status_code=413,
                detail=f"at most {MAX_ARTICLES_PER_REQUEST} articles per request",
            )
        from ..ingest import IngestReport, ingest

        def job(models: Models) -> IngestReport:
            articles = [
                make_article(
                    item.text,
                    location=item.url or "api",
                    title=item.title,
                    url=item.url,
                    outlet=item.outlet,
                    published=item.published,
                    author=item.author,
                )
                for item in items
            ]
            return ingest(web.store, articles, models)

        what = f"ingesting {len(items)} article{'' if len(items) == 1 else 's'}"
        report: IngestReport = await asyncio.wrap_future(web.jobs.submit(what, job))
        for story_id in {*report.new_stories, *report.updated_stories}:
            _refresh_soon(web, story_id)
        return IngestOut(
            results=[
                IngestedOut(
                    id=r.article_id,
                    status=r.status,
                    duplicate_of=r.duplicate_of,
                    story_id=r.story_id,
                )
                for r in report.results
            ],
            new_stories=list(report.new_stories),
            updated_stories=list(report.updated_stories),
        )

    @api.get("/api/stories", response_model=StoryListOut, tags=["stories"])
    def list_stories(
        since: Annotated[
            str | None, Query(max_length=10, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
        ] = None,
        q: Annotated[str | None, Query(max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> StoryListOut:
        """List stories, newest and biggest first (optionally those matching a search)."""
        rows = web.reader.stories(since=since, search=q or None, limit=limit, offset=offset)
        return StoryListOut(
            stories=[StoryOut(**asdict(r)) for r in rows], limit=limit, offset=offset
        )

    @api.get("/api/stories/{story_id}", response_model=StoryDetailOut, tags=["stories"])
    def get_story(story_id: str) -> StoryDetailOut:
        """Return a story and its articles (without bodies)."""
        story = web.reader.story(_check_id(story_id))
        if story is None:
            raise _missing_story(web, story_id, "/api/stories/{id}")
        copies = {
            member: group.canonical_id
            for group in web.reader.duplicate_groups(list(story.article_ids))
            for member in group.article_ids
            if member != group.canonical_id
        }
        return StoryDetailOut(
            id=story.id,
            headline=story.headline,
            first_published=story.first_published,
            last_published=story.last_published,
            version=web.reader.story_version(story.id),
            articles=[
                _article_out(a, duplicate_of=copies.get(a.id))
                for a in web.reader.articles(list(story.article_ids))
            ],
        )

    @api.get("/api/stories/{story_id}/status", response_model=StoryStatusOut, tags=["stories"])
    def story_status(story_id: str) -> StoryStatusOut:
        """Return the story's version and whether its page for that version is ready."""
        story = web.reader.story(_check_id(story_id))
        if story is None:
            raise _missing_story(web, story_id, "/api/stories/{id}/status")
        version = web.reader.story_version(story.id)
        ready = web.pages.get((story.id, version)) is not None
        if not ready:
            _refresh_soon(web, story.id)
        return StoryStatusOut(
            id=story.id, version=version, n_articles=len(story.article_ids), page_ready=ready
        )

    @api.get(
        "/api/stories/{story_id}/brief",
        tags=["stories"],
        summary="The story's brief (the JSON contract newsdesk.brief)",
    )
    async def get_brief(story_id: str) -> dict[str, Any]:
        """Return the story's brief in the ``newsdesk.brief`` JSON contract: every field is
        described under "The brief" below, and ``/api/schema/brief.json`` is its JSON Schema."""
        if web.reader.story(_check_id(story_id)) is None:
            raise _missing_story(web, story_id, "/api/stories/{id}/brief")
        from ..briefs import brief_to_dict

        future = web.jobs.submit(
            f"the brief of {story_id}",
            lambda models: web.brief_fn(web.store, story_id, models),
            key=f"brief:{story_id}",
        )
        brief: Brief = await asyncio.wrap_future(future)
        result: dict[str, Any] = brief_to_dict(brief)
        return result

    @api.get("/api/articles/{article_id}", response_model=ArticleOut, tags=["articles"])
    def get_article(article_id: str) -> ArticleOut:
        """Return one stored article with its body and the lines cleaning removed."""
        article = web.reader.article(_check_id(article_id))
        if article is None:
            raise HTTPException(status_code=404, detail="no such article")
        row = web.reader.article_rows([article.id]).get(article.id)
        return _article_out(article, duplicate_of=row.duplicate_of if row else None, full=True)

    @api.get("/api/search", response_model=SearchOut, tags=["search"])
    def search(
        q: Annotated[str, Query(min_length=1, max_length=200)],
        limit: Annotated[int, Query(ge=1, le=200)] = 20,
    ) -> SearchOut:
        """Full-text search: matching articles (snippets mark matches with [ ]) and stories."""
        hits = web.reader.search(q, limit=limit)
        stories = web.reader.stories(search=q, limit=limit)
        return SearchOut(
            query=q,
            hits=[SearchHitOut(**asdict(h)) for h in hits],
            stories=[StoryOut(**asdict(s)) for s in stories],
        )

    @api.get(
        "/api/schema/brief.json",
        tags=["meta"],
        summary="The JSON Schema of the brief contract",
    )
    def get_brief_schema() -> dict[str, Any]:
        """Return the JSON Schema (draft 2020-12) every brief of ``/api/stories/{id}/brief``
        validates against; ``/docs`` explains each of its fields."""
        return brief_schema()

    @api.get("/api/health", tags=["meta"])
    def health() -> dict[str, Any]:
        """Say the server is up, with the store's article and story counts."""
        return {
            "ok": True,
            "articles": web.reader.count_articles(),
            "stories": web.reader.count_stories(),
        }


# --- Pages ----------------------------------------------------------------------------------


def _texts(web: _Web, articles: list[Article], models: Models) -> dict[str, ArticleText]:
    """Split articles into sentences, reusing earlier splits (an article never changes).

    Runs as (part of) a job: ``models`` are the job's.
    """
    out: dict[str, ArticleText] = {}
    missing = []
    for article in articles:
        cached = web.texts.get(article.id)
        if cached is not None:
            out[article.id] = cached
        else:
            missing.append(article)
    for article in missing:
        text = split_article(article, models.nlp)
        web.texts.put(article.id, text)
        out[article.id] = text
    return out


def _build_story(web: _Web, story_id: str, models: Models) -> RenderedStory:
    """Build (or fetch the cached) brief of a story and render its page body (a job)."""
    version = web.reader.story_version(story_id)
    brief = web.brief_fn(web.store, story_id, models)
    story = web.reader.story(story_id)
    n_articles = len(story.article_ids) if story else 0
    articles = web.reader.articles([s.article_id for s in brief.sources])
    context = story_view(
        brief, _texts(web, articles, models), version=version, n_articles=n_articles
    )
    fragment = web.env.get_template("story_body.html").render(**context)
    page = web.env.get_template("story.html")
    # The body is our own template output (autoescaped), so Markup only stops double escaping.
    whole = {"body": Markup(fragment), "headline": brief.story.headline}
    rendered = RenderedStory(
        story_id=story_id,
        version=version,
        fragment=fragment.encode(),
        page=page.render(refreshing=False, **whole).encode(),
        stale_page=page.render(refreshing=True, **whole).encode(),
        n_articles=n_articles,
    )
    web.pages.put((story_id, version), rendered)
    web.latest.put(story_id, rendered)
    return rendered


def _submit_build(web: _Web, story_id: str) -> Future[RenderedStory]:
    """Queue the build of a story's page (at most one build per story at a time)."""
    return web.jobs.submit(
        f"the page of {story_id}",
        lambda models: _build_story(web, story_id, models),
        key=f"page:{story_id}",
    )


def _refresh_soon(web: _Web, story_id: str) -> None:
    """Start rebuilding a story's page in the background; a full queue skips it (the next
    reader of the page asks again)."""
    with contextlib.suppress(JobsBusy):
        _submit_build(web, story_id)


def _install_pages(api: FastAPI, web: _Web) -> None:
    @api.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(
        q: Annotated[str | None, Query(max_length=200)] = None,
        page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    ) -> HTMLResponse:
        per_page = 50
        query = (q or "").strip()
        stories = web.reader.stories(
            search=query or None, limit=per_page + 1, offset=(page - 1) * per_page
        )
        hits = web.reader.search(query, limit=30) if query else []
        cards = []
        for row in stories[:per_page]:
            story = web.reader.story(row.id)
            members = set(story.article_ids) if story else set()
            n_copies = sum(
                1
                for g in web.reader.duplicate_groups(sorted(members))
                for m in g.article_ids
                if m != g.canonical_id and m in members
            )
            cards.append(
                {
                    "id": row.id,
                    "headline": row.headline,
                    "counts": counts(row.n_articles, n_copies),
                    "n_copies": n_copies,
                    "span": news_span(row.first_published, row.last_published),
                }
            )
        return _render(
            web,
            "index.html",
            query=query,
            stories=cards,
            more=len(stories) > per_page,
            page=page,
            hits=[
                {
                    "hit": h,
                    "outlet": outlet_name(h.outlet),
                    "published": human_date(h.published) if h.published else None,
                    "snippet": snippet_segments(h.snippet),
                }
                for h in hits
            ],
        )

    @api.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    async def story_page(story_id: str, fragment: bool = False) -> Response:
        # The hot path stays on the event loop: one indexed SQLite read (a WAL reader, never
        # blocked by writers) and a dict lookup; only a page never rendered waits for a build.
        try:
            version = web.reader.story_version(_check_id(story_id))
        except KeyError:
            # A story that merged into another (stories regroup as articles arrive) moved.
            current = web.reader.resolve_story(story_id)
            if current != story_id:
                target = f"/stories/{current}" + ("?fragment=true" if fragment else "")
                return RedirectResponse(target, status_code=301)
            raise HTTPException(status_code=404, detail="no such story") from None
        rendered = web.pages.get((story_id, version))
        stale = False
        if rendered is None:
            previous = web.latest.get(story_id)
            future = _submit_build(web, story_id)
            if previous is not None:
                # Serve the last page now; live.js swaps in the new one when it is ready.
                rendered, stale = previous, True
            else:
                rendered = await asyncio.wrap_future(future)
        page = rendered.stale_page if stale else rendered.page
        body = rendered.fragment if fragment else page
        return Response(body, media_type="text/html; charset=utf-8")

    @api.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    async def article_page(
        article_id: str, hl: Annotated[int | None, Query(ge=0, le=100_000)] = None
    ) -> HTMLResponse:
        article = web.reader.article(_check_id(article_id))
        if article is None:
            raise HTTPException(status_code=404, detail="no such article")
        row = web.reader.article_rows([article.id]).get(article.id)
        text = web.texts.get(article.id)
        if text is None:
            future: Future[ArticleText] = web.jobs.submit(
                f"the sentences of {article.id}",
                lambda models: _texts(web, [article], models)[article.id],
                key=f"text:{article.id}",
            )
            text = await asyncio.wrap_future(future)
        return _render(
            web,
            "article.html",
            article=article,
            outlet=outlet_name(article.outlet, article.url, article.location),
            published=human_date(article.published) if article.published else None,
            url=safe_url(article.url),
            story_id=row.story_id if row else None,
            duplicate_of=row.duplicate_of if row else None,
            paragraphs=article_paragraphs(text),
            hl=hl,
        )

    @api.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        base = str(request.base_url).rstrip("/")
        return _render(web, "docs.html", **docs_context(api.openapi(), base))
