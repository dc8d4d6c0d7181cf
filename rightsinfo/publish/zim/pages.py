"""Pages and stylesheets as a ZIM holds them: links relative, and nothing that leads out of the file.

Kiwix serves a book under a path of its own (``/<book>/`` in kiwix-serve 3.3, ``/content/<book>/`` in
later versions), so every link that stays inside the ZIM becomes relative to the entry. Links to what
the ZIM leaves out (other languages, the app's search, the one-file guide, A4 and two-language
leaflets) are removed with their element; forms go, because a GET form adds a query that a ZIM cannot
answer; links to other sites become their plain text, as in the one-file guide. Tags that need no
change are copied as they came, so a page keeps the app's bytes wherever the ZIM needs nothing else.

A ZIM has no scripts, so the Listen control goes; the recordings it would have played (the page's own
``data-recordings``, the web page's decision) become the browser's own players, each beside its
section: after the title for the introduction, after a section's heading, in place of a card's button.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from rightsinfo.bidi import VOID_ELEMENTS  # leaving one of these out must not wait for its end
from rightsinfo.publish.crawl import CSS_URL_PATTERN, file_for_url
from rightsinfo.search_index import plain_text

TITLE_SEPARATOR = " · "
KEPT_SCHEMES = frozenset({"tel", "mailto", "sms", "data"})
MAIN_PATTERN = re.compile(r"<main\b[^>]*>(.*?)</main>", re.DOTALL)
WORD_PATTERN = re.compile(r"[^\W_]+")
SHORTEST_PREFIX_CHARS = 3
NAV_PATTERN = re.compile(r"<nav\b.*?</nav>\s*", re.DOTALL)  # menus do not nest
HREF_PATTERN = re.compile(r'href="([^"]*)"')
EMPTY_LIST_ITEM = re.compile(r"<li>\s*</li>\s*")  # an item whose only link led out of the ZIM
INTRO_KEY = "intro"  # the recording of a page's title and introduction (recordings.texts.INTRO)
HEADINGS = frozenset({"h1", "h2"})

# Draws one recording's player: (section key, link to the recording, reworded, on a card) → HTML.
Player = Callable[[str, str, bool, bool], str]


@dataclass(frozen=True)
class ZimEntry:
    """One article or file of a ZIM, with the bytes it will hold."""

    path: str
    title: str
    mimetype: str
    body: bytes

    @property
    def is_article(self) -> bool:
        """Return whether Kiwix should list this entry in its title search and count it as an article."""
        return self.mimetype == "text/html"


def relative_link(target_url: str, from_path: str) -> str:
    """Return the link from one entry to the entry of a site address, keeping its #fragment."""
    parts = urlsplit(target_url)
    link = posixpath.relpath(file_for_url(parts.path), posixpath.dirname(from_path) or ".")
    return link + (f"#{parts.fragment}" if parts.fragment else "")


class PageRewriter(HTMLParser):
    """Re-emit a page with links made relative, and what points outside the ZIM removed.

    Tags that change are written again from their attributes; everything else is copied as it came,
    so a page keeps its bytes wherever the ZIM needs nothing different.
    """

    def __init__(
        self, page_url: str, path: str, included: Callable[[str], bool], player: Player | None = None
    ):
        super().__init__(convert_charrefs=False)
        self.page_url, self.path, self.included, self.player = page_url, path, included, player
        self.recordings: dict[str, tuple[str, bool]] = {}  # section key → (link inside the ZIM, reworded)
        self.heading_key: str | None = None  # the section whose player follows the next heading
        self.out: list[str] = []
        self.dropping: str | None = None  # the tag whose whole element is being left out
        self.depth = 0
        self.unwrapping = False  # inside a link to another site, kept as its text
        self.dropped = False  # the last thing seen was left out: its line break may go with it

    def emit(self, text: str) -> None:
        """Write text out; a line left empty by a left-out element goes too."""
        if self.dropped and text.startswith("\n") and (not self.out or self.out[-1].endswith("\n")):
            text = text[1:]
        self.dropped = False
        if text:
            self.out.append(text)

    def target(self, link: str) -> tuple[str, str | None]:
        """Classify a link as "keep", "inside" (with its relative form), "left-out" or "other-site"."""
        parts = urlsplit(urljoin(self.page_url, link))
        if link.startswith("#") or parts.scheme in KEPT_SCHEMES:
            return "keep", None
        if parts.netloc or parts.scheme not in {"", "http", "https"}:
            return "other-site", None
        if parts.query or not self.included(parts.path):
            return "left-out", None
        return "inside", relative_link(
            parts.path + (f"#{parts.fragment}" if parts.fragment else ""), self.path
        )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool = False) -> None:
        """Copy, rewrite, unwrap or leave out one start tag."""
        if self.dropping:
            self.depth += tag == self.dropping
            return
        values = dict(attrs)
        rel = values.get("rel") or ""
        # Read-aloud needs listen.js, which a ZIM leaves out: its hidden controls go, its recordings stay.
        if "data-read-aloud" in values:
            self.take_recordings(values.get("data-recordings"))
        if values.get("data-read-from") in self.recordings:
            self.emit(self.player_for(values["data-read-from"], card=True))
            return self.drop(tag, closed)
        dropped = {"data-worker", "data-read-aloud"} & values.keys()
        if tag == "form" or dropped or rel in {"manifest", "alternate"}:
            return self.drop(tag, closed)
        key = values.get("data-read-key") or (values.get("id") if tag in HEADINGS else None)
        if key in self.recordings:
            self.heading_key = key
        changed = False
        for name in ("href", "src"):
            if not values.get(name):
                continue
            kind, link = self.target(values[name])
            if kind == "inside":
                values[name], changed = link, True
            elif kind == "other-site" and tag == "a":
                self.unwrapping = True
                return None
            elif kind in {"left-out", "other-site"}:
                return self.drop(tag, closed)
        if not changed:
            self.emit(self.get_starttag_text() or "")
            return None
        rebuilt = "".join(f" {name}" if value is None else f' {name}="{escape(value)}"'
                          for name, value in values.items())  # fmt: skip
        self.emit(f"<{tag}{rebuilt}{' /' if closed else ''}>")
        return None

    def take_recordings(self, attribute: str | None) -> None:
        """Keep the recordings a Listen control would play that the ZIM holds, linked from this page."""
        if self.player is None or not attribute:
            return
        for key, (url, reworded) in json.loads(attribute).items():
            kind, link = self.target(url)
            if kind == "inside" and link:
                self.recordings[key] = (link, bool(reworded))
        if INTRO_KEY in self.recordings:
            self.heading_key = INTRO_KEY  # its player follows the page's title

    def player_for(self, key: str, card: bool = False) -> str:
        """Return the player of one section's recording."""
        link, reworded = self.recordings[key]
        return self.player(key, link, reworded, card) if self.player else ""

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Treat a self-closed tag (SVG's <use/>) like a start tag with no content."""
        self.handle_starttag(tag, attrs, closed=True)

    def drop(self, tag: str, closed: bool) -> None:
        """Leave out an element with everything inside it."""
        self.dropped = True
        if not closed and tag not in VOID_ELEMENTS:
            self.dropping, self.depth = tag, 1

    def handle_endtag(self, tag: str) -> None:
        """Copy an end tag unless its element is left out or unwrapped."""
        if self.dropping:
            self.depth -= tag == self.dropping
            if self.depth == 0:
                self.dropping, self.dropped = None, True
            return
        if self.unwrapping and tag == "a":
            self.unwrapping = False
            return
        self.emit(f"</{tag}>")
        if tag in HEADINGS and self.heading_key:
            self.emit("\n" + self.player_for(self.heading_key))
            self.heading_key = None

    def handle_data(self, data: str) -> None:
        """Copy text, unless it is inside a left-out element."""
        if not self.dropping:
            self.emit(data)

    def handle_entityref(self, name: str) -> None:
        """Copy a named character reference as it was written."""
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        """Copy a numeric character reference as it was written."""
        self.handle_data(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        """Copy a comment."""
        self.handle_data(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        """Copy the doctype."""
        self.emit(f"<!{decl}>")


def rewrite_html(
    body: bytes, page_url: str, path: str, included: Callable[[str], bool], player: Player | None = None
) -> bytes:
    """Return a page as the ZIM holds it: relative links, nothing that leads out of the file.

    With a ``player``, the recordings the page's Listen control would play get players of their own.
    """
    rewriter = PageRewriter(page_url, path, included, player)
    rewriter.feed(body.decode("utf-8"))
    rewriter.close()
    html = EMPTY_LIST_ITEM.sub("", "".join(rewriter.out))
    return drop_navs_to_self(html, posixpath.basename(path)).encode("utf-8")


def drop_navs_to_self(html: str, self_link: str) -> str:
    """Remove a menu whose only link left is to the page itself (the language menu, in a ZIM of one)."""

    def keep_or_drop(match: re.Match) -> str:
        links = HREF_PATTERN.findall(match.group(0))
        return "" if links and set(links) == {self_link} else match.group(0)

    return NAV_PATTERN.sub(keep_or_drop, html)


def rewrite_css(body: bytes, page_url: str, path: str, included: Callable[[str], bool]) -> bytes:
    """Return a stylesheet with its url()s made relative to where it sits in the ZIM."""

    def relative(match: re.Match) -> str:
        parts = urlsplit(urljoin(page_url, match.group(1)))
        if parts.scheme or parts.netloc or not included(parts.path):
            return match.group(0)
        return f'url("{relative_link(parts.path + ("#" + parts.fragment if parts.fragment else ""), path)}")'

    return CSS_URL_PATTERN.sub(relative, body.decode("utf-8")).encode("utf-8")


def page_title(body: bytes) -> str:
    """Return a page's own title, without the site's name that every page adds after it."""
    found = re.search(r"<title>(.*?)</title>", body.decode("utf-8"), re.DOTALL)
    title = found.group(1).strip() if found else ""
    return title.rsplit(TITLE_SEPARATOR, 1)[0].strip() if TITLE_SEPARATOR in title else title


def article_text(body: bytes) -> str:
    """Return the text a reader sees in a page's main part, without the menus every page repeats."""
    found = MAIN_PATTERN.search(body.decode("utf-8"))
    return plain_text(found.group(1)) if found else ""


def word_prefixes(text: str) -> str:
    """Return the beginnings (3 letters or more) of every word of a text, as often as the words occur.

    Kiwix's full-text search matches whole words only, but the site's own search matches the start of
    a word, and in Dari, Pashto and Urdu the word a reader types is often the start of the one written:
    پناه (refuge) begins پناهندگی (asylum) and پناهجو (asylum seeker). Indexing the beginnings as
    keywords lets Kiwix find what the site's search finds; repeating them as often as their words
    keeps the ranking: the page that says "asylum" most comes first for "asyl".
    """
    return " ".join(
        word[:end]
        for word in WORD_PATTERN.findall(text.lower())
        for end in range(SHORTEST_PREFIX_CHARS, len(word))
    )
