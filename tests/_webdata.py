"""Shared by the web tests: the example story as API payloads, and a hostile article."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "harbour-bridge"

XSS_TITLE = 'Bridge <script>alert("title")</script><img src=x onerror=alert(1)>'
XSS_BODY = (
    "The council met on Monday <script>alert('body')</script> to discuss the "
    "<a href=\"javascript:alert('link')\" onclick=\"alert('click')\">harbour bridge</a>.\n\n"
    "Residents said <svg onload=alert('svg')></svg> the repairs were late. "
    "See javascript:alert('bare') and <iframe src=\"javascript:alert(2)\"></iframe> here.\n\n"
    '<body onload="alert(3)"><div style="background:url(javascript:alert(4))">x</div>'
)


def example_payloads() -> list[dict[str, Any]]:
    """Return the example story's articles as ``POST /api/articles`` JSON objects."""
    # readers.text directly: read_articles leaves a BufferedReader unclosed (ResourceWarning)
    from newsdesk.readers.text import read_text

    out = []
    for path in sorted(EXAMPLE.glob("*.txt")):
        article = read_text(path.read_bytes(), location=str(path))
        stem = path.stem
        outlet = article.outlet or " ".join(w.capitalize() for w in stem.split("_")[1:])
        out.append(
            {
                "text": article.text,
                "title": article.title,
                "outlet": outlet,
                "published": article.published,
                "author": article.author,
            }
        )
    return out
