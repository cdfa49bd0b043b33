"""RSS/Atom and OPML reading: items, hostile XML, links, and URL ingest from a loopback server."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _localserver import LOOPBACK, LocalServer, Reply
from newsdesk.errors import InputError
from newsdesk.fetch import Fetcher, FetchOptions
from newsdesk.readers import read_articles
from newsdesk.readers.feeds import (
    check_xml,
    html_to_text,
    is_opml,
    parse_feed,
    parse_opml,
)
from newsdesk.readers.urls import read_url, read_urls, sniff_kind

LOCAL = FetchOptions(timeout=5.0, allow_networks=LOOPBACK)

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Velmora Tide Gazette</title>
  <link>https://tide.example/</link>
  <language>en-gb</language>
  <item>
    <title>Harbour bridge closes after crack found</title>
    <link>https://tide.example/news/bridge-closes</link>
    <pubDate>Thu, 11 Jun 2020 23:30:00 -0400</pubDate>
    <dc:creator>Ann Lee</dc:creator>
    <description>Short teaser.</description>
    <content:encoded><![CDATA[<p>Engineers closed the harbour bridge on Thursday.</p>
      <p>A crack was found in the <b>north</b> span &amp; traffic was diverted.</p>]]>
    </content:encoded>
  </item>
  <item>
    <title>Ferry timetable changes</title>
    <link>/news/ferries</link>
    <pubDate>2020-06-12T08:00:00Z</pubDate>
    <description>Ferries will run every 20 minutes while the bridge is shut.</description>
  </item>
  <item>
    <title>Local secrets</title>
    <link>file:///etc/passwd</link>
    <description>Should never be read.</description>
  </item>
  <item>
    <title>Empty item</title>
    <link>https://tide.example/news/empty</link>
  </item>
  <item>
    <title>Script link</title>
    <link>javascript:alert(1)</link>
    <description>Click me.</description>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="el">
  <title>Εφημερίδα Λιμανιού</title>
  <link href="https://limani.example/"/>
  <id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id>
  <updated>2020-06-12T10:00:00Z</updated>
  <entry>
    <title>Κλειστή η γέφυρα του λιμανιού</title>
    <link href="arthra/gefyra"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <published>2020-06-12T09:00:00+03:00</published>
    <author><name>Μαρία Παπαδοπούλου</name></author>
    <content type="html">&lt;p&gt;Οι μηχανικοί έκλεισαν τη γέφυρα την Πέμπτη.&lt;/p&gt;</content>
  </entry>
</feed>
""".encode()

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<rss version="2.0"><channel><title>Bomb</title>
<item><title>boom</title><description>&f;</description></item></channel></rss>
"""

PAGE = b"""<!doctype html><html><head><title>Bridge closes | Tide Gazette</title></head><body>
<nav>Home | World | Sport</nav>
<article><h1>Harbour bridge closes after crack found</h1>
<p>Engineers closed the Velmora harbour bridge on Thursday evening after a routine inspection
found a crack in the north span, the city council said in a statement.</p>
<p>Traffic was diverted through the old town, and ferries will run every twenty minutes until
the bridge reopens, which officials expect to take at least three weeks.</p>
</article><footer>Copyright Tide Gazette</footer></body></html>"""


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as srv:
        yield srv


def test_rss_items_become_articles_and_bad_items_are_skipped() -> None:
    feed = parse_feed(RSS, location="https://tide.example/rss.xml")
    assert feed.title == "Velmora Tide Gazette"
    assert feed.link == "https://tide.example/"
    assert [a.title for a in feed.articles] == [
        "Harbour bridge closes after crack found",
        "Ferry timetable changes",
    ]
    first, second = feed.articles
    assert first.text == (
        "Engineers closed the harbour bridge on Thursday.\n\n"
        "A crack was found in the north span & traffic was diverted."
    )
    assert first.url == "https://tide.example/news/bridge-closes"
    assert first.location == first.url
    assert first.published == "2020-06-11"  # as written, not moved to UTC
    assert first.author == "Ann Lee"
    assert first.outlet == "Velmora Tide Gazette"
    assert first.language == "en"
    assert second.url == "https://tide.example/news/ferries"  # relative link resolved
    assert second.published == "2020-06-12"
    assert second.text == "Ferries will run every 20 minutes while the bridge is shut."
    reasons = {f.location: f.reason for f in feed.failures}
    assert reasons == {
        "https://tide.example/rss.xml#item-3": "link uses scheme 'file'; "
        "only http(s) links are followed",
        "https://tide.example/rss.xml#item-4": "item has no text "
        "(no content, summary or readable page)",
        "https://tide.example/rss.xml#item-5": "link uses scheme 'javascript'; "
        "only http(s) links are followed",
    }


def test_article_ids_are_stable() -> None:
    one = parse_feed(RSS, location="a.xml")
    two = parse_feed(RSS, location="b.xml")
    assert [a.id for a in one.articles] == [a.id for a in two.articles]
    assert len({a.id for a in one.articles}) == 2


def test_atom_non_latin() -> None:
    feed = parse_feed(ATOM, location="atom.xml", url="https://limani.example/feed.atom")
    assert feed.title == "Εφημερίδα Λιμανιού"
    (article,) = feed.articles
    assert article.title == "Κλειστή η γέφυρα του λιμανιού"
    assert article.text == "Οι μηχανικοί έκλεισαν τη γέφυρα την Πέμπτη."
    assert article.url == "https://limani.example/arthra/gefyra"
    assert article.author == "Μαρία Παπαδοπούλου"
    assert article.published == "2020-06-12"
    assert article.language == "el"
    assert feed.failures == ()


def test_feed_with_no_items() -> None:
    feed = parse_feed(
        b"<rss version='2.0'><channel><title>Quiet</title></channel></rss>", location="q.xml"
    )
    assert (feed.title, feed.articles, feed.failures) == ("Quiet", (), ())


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty feed"),
        (b"   \n", "empty feed"),
        (b"just some words, not XML", "not an RSS/Atom feed"),
        (bytes(range(256)) * 4, "not an RSS/Atom feed"),
    ],
)
def test_not_a_feed(data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        parse_feed(data, location="x.xml")


def test_entity_bomb_refused_quickly() -> None:
    start = time.monotonic()
    with pytest.raises(InputError, match="XML entity declarations are refused"):
        parse_feed(BOMB, location="bomb.xml")
    assert time.monotonic() - start < 0.5


def test_entity_bomb_in_utf16_refused() -> None:
    data = BOMB.decode().replace('<?xml version="1.0"?>', "").encode("utf-16")
    with pytest.raises(InputError, match="XML entity declarations are refused"):
        parse_feed(data, location="bomb16.xml")


def test_entity_hidden_behind_a_cdata_opener_in_a_comment_is_refused() -> None:
    # A pattern that strips CDATA first sees "<![CDATA[" in the comment and skips to "]]>";
    # expat reads the comment as a comment and the DTD as a DTD.
    data = (
        b'<?xml version="1.0"?><!-- <![CDATA[ --><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!-- ]]> -->]>'
        b'<rss version="2.0"><channel><title>&b;</title><item><title>&b;</title>'
        b"<description>&b;</description></item></channel></rss>"
    )
    with pytest.raises(InputError, match="XML entity declarations are refused"):
        parse_feed(data, location="hidden.xml")


def test_entity_text_in_a_comment_is_not_a_declaration() -> None:
    data = b"""<?xml version="1.0"?><!-- write <!ENTITY x "y"> to declare -->
<rss version="2.0"><channel><title>Notes</title><item><title>Dock</title>
<description>The dock reopened.</description></item></channel></rss>"""
    assert [a.text for a in parse_feed(data, location="c.xml").articles] == ["The dock reopened."]


def test_external_entity_refused_without_fetching(server: LocalServer) -> None:
    server.routes["/secret"] = Reply(b"top secret")
    xxe = f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{server.url("/secret")}">]>
<rss version="2.0"><channel><title>t</title><item><title>&xxe;</title>
<description>x</description></item></channel></rss>""".encode()
    with pytest.raises(InputError, match="entity"):
        parse_feed(xxe, location="xxe.xml")
    local = xxe.replace(server.url("/secret").encode(), b"file:///etc/passwd")
    with pytest.raises(InputError, match="entity"):
        parse_feed(local, location="xxe-file.xml")
    assert server.requests == []


def test_external_dtd_is_never_loaded(server: LocalServer) -> None:
    server.routes["/rss.dtd"] = Reply(b'<!ENTITY title "injected">')
    data = f"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "{server.url("/rss.dtd")}">
<rss version="2.0"><channel><title>Old style</title><item><title>Dock news</title>
<description>The dock reopened.</description></item></channel></rss>""".encode()
    feed = parse_feed(data, location="dtd.xml")
    assert [a.text for a in feed.articles] == ["The dock reopened."]
    assert server.requests == []


def test_entity_text_inside_cdata_is_allowed() -> None:
    data = b"""<rss version="2.0"><channel><title>Sec blog</title><item><title>XXE explained</title>
<description><![CDATA[<p>Attackers write <!ENTITY x SYSTEM "file:///"> in a DOCTYPE.</p>]]>
</description></item></channel></rss>"""
    check_xml(data, location="ok.xml")
    (article,) = parse_feed(data, location="ok.xml").articles
    assert "Attackers write" in article.text


def test_fetch_page_gives_full_text(server: LocalServer) -> None:
    server.routes["/news/bridge"] = Reply(PAGE, headers={"Content-Type": "text/html"})
    rss = f"""<rss version="2.0"><channel><title>Tide</title>
<item><title>Bridge closes</title><link>{server.url("/news/bridge")}</link>
<description>Teaser only.</description></item>
<item><title>Gone</title><link>{server.url("/news/gone")}</link>
<description>Kept from the summary.</description></item></channel></rss>""".encode()
    with Fetcher(LOCAL) as fetcher:
        from newsdesk.readers.urls import page_fetcher

        feed = parse_feed(rss, location="t.xml", fetch_page=page_fetcher(fetcher))
    full, fallback = feed.articles
    assert "Engineers closed the Velmora harbour bridge on Thursday evening" in full.text
    assert "Home | World" not in full.text
    assert full.title == "Bridge closes"
    assert fallback.text == "Kept from the summary."
    assert feed.notes == ("t.xml#item-2: page not used (HTTP 404 Not Found)",)


def test_html_to_text() -> None:
    assert html_to_text("") == ""
    assert html_to_text("plain words") == "plain words"
    assert html_to_text(
        "<p>A&nbsp;b</p><script>evil()</script><ul><li>one</li><li>two</li></ul>"
    ) == ("A b\n\none\n\ntwo")
    assert html_to_text("Line<br>next") == "Line\n\nnext"


OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Harbour watch list</title></head>
  <body>
    <outline text="Local">
      <outline text="Tide" type="rss" xmlUrl="https://tide.example/rss.xml"/>
      <outline text="Limani" type="rss" xmlUrl="https://limani.example/feed.atom"/>
    </outline>
    <outline text="Dup" xmlUrl="https://tide.example/rss.xml"/>
    <outline text="Local file" xmlUrl="file:///home/me/feed.xml"/>
    <outline text="Folder only"/>
  </body>
</opml>
"""


def test_opml() -> None:
    assert is_opml(OPML)
    assert not is_opml(RSS)
    listed = parse_opml(OPML, location="list.opml")
    assert listed.title == "Harbour watch list"
    assert listed.feeds == ("https://tide.example/rss.xml", "https://limani.example/feed.atom")
    assert [(f.location, f.reason) for f in listed.failures] == [
        ("list.opml#outline-5", "link uses scheme 'file'; only http(s) links are followed")
    ]


def test_opml_hostile_and_broken() -> None:
    bomb = BOMB.replace(b"<rss version", b"<opml version").split(b"<rss")[0] + (
        b'<opml version="2.0"><body><outline xmlUrl="https://a.example/&f;"/></body></opml>'
    )
    with pytest.raises(InputError, match="entity"):
        parse_opml(bomb, location="bomb.opml")
    with pytest.raises(InputError, match="unreadable OPML"):
        parse_opml(b"<opml><body><outline", location="cut.opml")
    with pytest.raises(InputError, match=r"not an OPML list \(root element <rss>\)"):
        parse_opml(RSS, location="rss.xml")


# readers.read_stream leaves its io.BufferedReader wrapper unclosed (a ResourceWarning at
# garbage collection, for text files too); reported to the readers' owner.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_read_articles_reads_feed_files(tmp_path: Path) -> None:
    (tmp_path / "tide.rss").write_bytes(RSS)
    (tmp_path / "list.opml").write_bytes(OPML)
    (tmp_path / "bomb.xml").write_bytes(BOMB)
    result = read_articles([str(tmp_path)])
    assert [a.title for a in result.articles] == [
        "Harbour bridge closes after crack found",
        "Ferry timetable changes",
    ]
    reasons = sorted(f.reason.split(":")[0].split(" (")[0] for f in result.failures)
    assert reasons == [
        "OPML list of 2 feeds, not articles",
        "XML entity declarations are refused",
        "item has no text",
        "link uses scheme 'file'; only http(s) links are followed",
        "link uses scheme 'javascript'; only http(s) links are followed",
    ]


def test_read_urls_from_loopback(server: LocalServer) -> None:
    server.routes["/rss.xml"] = Reply(RSS, headers={"Content-Type": "application/rss+xml"})
    server.routes["/atom"] = Reply(ATOM, headers={"Content-Type": "application/atom+xml"})
    server.routes["/page"] = Reply(PAGE, headers={"Content-Type": "text/html; charset=utf-8"})
    opml = f"""<opml version="2.0"><body><outline xmlUrl="{server.url("/atom")}"/>
<outline xmlUrl="{server.url("/missing.xml")}"/></body></opml>""".encode()
    server.routes["/list.opml"] = Reply(opml, headers={"Content-Type": "text/x-opml"})
    result = read_urls(
        [server.url("/rss.xml"), server.url("/list.opml"), server.url("/page")], options=LOCAL
    )
    assert [a.title for a in result.articles] == [
        "Harbour bridge closes after crack found",
        "Ferry timetable changes",
        "Κλειστή η γέφυρα του λιμανιού",
        "Harbour bridge closes after crack found",
    ]
    assert result.articles[3].url == server.url("/page")
    assert result.articles[2].url == server.url("/arthra/gefyra")  # Atom link resolved on feed URL
    assert (server.url("/missing.xml"), "HTTP 404 Not Found") in [
        (f.location, f.reason) for f in result.failures
    ]
    assert len(result.failures) == 4  # 3 bad RSS items + 1 missing feed


def test_read_url_refuses_loopback_by_default(server: LocalServer) -> None:
    server.routes["/rss.xml"] = Reply(RSS)
    with Fetcher() as fetcher:
        (failure,) = read_url(server.url("/rss.xml"), fetcher=fetcher)
    assert "loopback address 127.0.0.1" in str(failure)
    assert server.requests == []


def test_sniff_kind() -> None:
    assert sniff_kind(RSS) == "feed"
    assert sniff_kind(ATOM) == "feed"
    assert sniff_kind(OPML) == "opml"
    assert sniff_kind(PAGE) == "html"
    assert sniff_kind(b"Plain words.", "text/plain") == "text"
    assert sniff_kind(b"<x/>", "application/rss+xml") == "feed"


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=4000))
def test_random_bytes_never_crash_the_feed_reader(data: bytes) -> None:
    try:
        feed = parse_feed(data, location="fuzz.xml")
    except InputError:
        return
    assert all(a.text.strip() for a in feed.articles)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=0, max_value=len(RSS)))
def test_mangled_feeds_never_crash(noise: str, cut: int) -> None:
    data = RSS[:cut] + noise.encode("utf-8", "surrogatepass").replace(b"\xed", b"") + RSS[cut:]
    with contextlib.suppress(InputError):
        parse_feed(data, location="mangled.xml")
    with contextlib.suppress(InputError):
        parse_opml(data, location="mangled.opml")


def test_opml_with_unknown_encoding_is_a_one_line_error() -> None:
    # Found by test_mangled_feeds_never_crash: the XML declaration names an unknown codec.
    with pytest.raises(
        InputError, match=r"^x\.opml: unreadable OPML \(unknown encoding: Autf-8\)$"
    ):
        parse_opml(b'<?xml version="1.0" encoding="Autf-8"?><opml/>', location="x.opml")


def test_malformed_link_is_skipped_not_a_crash() -> None:
    # Found by test_mangled_feeds_never_crash: urlsplit raises on an unclosed IPv6 bracket.
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>A</title><link>http://[broken/a</link>"
        b"<description>The harbour reopened on Monday after repairs.</description></item>"
        b"</channel></rss>"
    )
    feed = parse_feed(rss, location="t.rss")
    assert all(a.url is None for a in feed.articles)


def test_teasers_are_told_from_articles() -> None:
    from newsdesk.readers.feeds import TEASER_WORDS, is_teaser

    body = " ".join(["word"] * TEASER_WORDS)
    assert is_teaser("Bridge shut.") and not is_teaser(body)
    assert is_teaser(body + " Read more") and not is_teaser(body + " Read more", full=True)
    assert is_teaser(body + " …") and not is_teaser(body + " for more.")
    feed = (
        "<rss version='2.0'><channel><title>T</title>"
        "<item><title>Short</title><link>https://t.example/s</link>"
        "<description>Bridge shut.</description></item>"
        f"<item><title>Long</title><link>https://t.example/l</link>"
        f"<description>{body}</description></item></channel></rss>"
    ).encode()
    read = parse_feed(feed, location="t.xml", teasers=True)
    assert [a.url for a in read.articles] == ["https://t.example/l"]
    assert [a.url for a in read.teasers] == ["https://t.example/s"]
    assert len(parse_feed(feed, location="t.xml").articles) == 2  # files: read as they are
