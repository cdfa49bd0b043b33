"""The JSON API's request and response bodies (they make the OpenAPI schema at /openapi.json)."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..readers.dates import MAX_YEAR, MIN_YEAR, check_date, parse_date
from .pages import safe_url

__all__ = [
    "ArticleIn",
    "ArticleOut",
    "IngestOut",
    "IngestedOut",
    "SearchHitOut",
    "SearchOut",
    "StoryDetailOut",
    "StoryListOut",
    "StoryOut",
    "StoryStatusOut",
]

_COARSE_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


class ArticleIn(BaseModel):
    """One article posted to ``/api/articles``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(
        min_length=1, max_length=1_000_000, description="Body, paragraphs split by blank lines"
    )
    title: str | None = Field(default=None, max_length=1000)
    url: str | None = Field(default=None, max_length=2048, description="http(s) only")
    outlet: str | None = Field(default=None, max_length=300)
    published: str | None = Field(
        default=None,
        max_length=100,
        description="YYYY-MM-DD (or YYYY-MM, YYYY, or a date in words)",
    )
    author: str | None = Field(default=None, max_length=300)

    @field_validator("url")
    @classmethod
    def _http_only(cls, value: str | None) -> str | None:
        if value and safe_url(value) is None:
            raise ValueError("url must be an http:// or https:// address")
        return value or None

    @field_validator("published")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if not value:
            return None
        parsed = check_date(value) if _COARSE_DATE.fullmatch(value) else parse_date(value)
        if parsed is None:
            raise ValueError(
                f"published must be a date such as 2025-10-14 (years {MIN_YEAR}-{MAX_YEAR})"
            )
        return parsed


class IngestedOut(BaseModel):
    id: str
    status: str = Field(description="new | existing | duplicate")
    duplicate_of: str | None
    story_id: str


class IngestOut(BaseModel):
    results: list[IngestedOut]
    new_stories: list[str]
    updated_stories: list[str]


class StoryOut(BaseModel):
    id: str
    headline: str
    n_articles: int
    n_sources: int
    first_published: str | None
    last_published: str | None
    updated_at: str


class StoryListOut(BaseModel):
    stories: list[StoryOut]
    limit: int
    offset: int


class ArticleOut(BaseModel):
    id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    author: str | None
    location: str
    language: str | None
    duplicate_of: str | None = None
    text: str | None = None
    removed: list[str] = []


class StoryDetailOut(BaseModel):
    id: str
    headline: str
    first_published: str | None
    last_published: str | None
    version: str
    articles: list[ArticleOut]


class StoryStatusOut(BaseModel):
    id: str
    version: str
    n_articles: int
    page_ready: bool


class SearchHitOut(BaseModel):
    article_id: str
    story_id: str | None
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str
    score: float


class SearchOut(BaseModel):
    query: str
    hits: list[SearchHitOut]
    stories: list[StoryOut]
