"""The one crawl: the app asked for its own addresses, as a browser would, for every file the site becomes.

The offline pack, the static export and the ZIM each turn the site into files; they all get their
bytes here, through the test client, so every file holds exactly what the app serves and a page
that cannot be served stops the publishing, naming the address and the page that linked to it.

Flask-Babel keeps a request's locale and catalogue in the app context, so under an outer app context
(the command line's) every page would reuse the first page's language. A crawl therefore runs in an
empty context (``in_fresh_context``), where each request gets an app context of its own.
"""

from __future__ import annotations

import contextvars
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import ParamSpec, TypeVar
from urllib.parse import urljoin, urlsplit

import click
from werkzeug.datastructures import Headers

ERROR_PAGE = "/404.html"
# Deeper than any route, so the 404 page in that language links to the homes, not to more 404s.
MISSING_PAGE = "/no/such/page/404.html"
# Form actions are not followed: a GET form always adds a query, which a static host ignores.
LINK_ATTRIBUTES = frozenset({"href", "src", "data-share-qr"})  # the QR code the footer opens
CSS_URL_PATTERN = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")

# What a static host will say a file is, from its name alone; a crawl refuses an address whose type
# in the app differs, because a file of that name could not be served the same way.
TYPE_BY_SUFFIX = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "application/javascript",
    ".json": "application/json",
    ".zst": "application/zstd",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".pdf": "application/pdf",
    ".woff2": "font/woff2",
    ".txt": "text/plain",
    ".webm": "audio/webm",  # volunteers' recordings as served (audio.py); nginx says so too
}

Params = ParamSpec("Params")
Result = TypeVar("Result")


class CrawlError(Exception):
    """The site cannot be turned into files as it stands; ``problems`` says why, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Fetched:
    """One address as the app answered it."""

    url: str
    headers: Headers
    body: bytes

    @property
    def content_type(self) -> str:
        """Return the full Content-Type header (with its charset)."""
        return self.headers.get("Content-Type", "")

    @property
    def mimetype(self) -> str:
        """Return the type alone, without parameters."""
        return self.content_type.split(";", 1)[0].strip()


def in_fresh_context(
    function: Callable[Params, Result], *args: Params.args, **kwargs: Params.kwargs
) -> Result:
    """Run ``function`` in an empty context, where each request of a crawl gets its own app context."""
    return contextvars.Context().run(function, *args, **kwargs)


def file_for_url(url: str) -> str:
    """Return the relative file path for a site address (the rules static hosts follow)."""
    path = urlsplit(url).path
    if path.endswith("/"):
        path += "index.html"
    elif "." not in path.rsplit("/", 1)[-1]:
        path += ".html"
    relative = path.lstrip("/")
    if any(part in {"", ".", ".."} for part in relative.split("/")):
        raise CrawlError([f"{url}: not an address that can be a file"])
    return relative


class LinkCollector(HTMLParser):
    """Collect the addresses an HTML page points at (href and src)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Keep every link-like attribute value."""
        self.links += [value for name, value in attrs if name in LINK_ATTRIBUTES and value]

    handle_startendtag = handle_starttag


def internal_links(body: bytes, content_type: str, page_url: str) -> set[str]:
    """Return this site's addresses (no query, no fragment) that a page, stylesheet or manifest names."""
    text = body.decode("utf-8", errors="replace")
    if content_type.startswith("text/html"):
        collector = LinkCollector()
        collector.feed(text)
        found = collector.links
    elif content_type.startswith("text/css"):
        found = CSS_URL_PATTERN.findall(text)
    elif content_type.startswith("application/manifest+json"):
        manifest = json.loads(text)
        found = [icon["src"] for icon in manifest.get("icons", [])]
        found += [manifest[key] for key in ("start_url", "scope") if key in manifest]
    else:
        return set()
    urls = set()
    for link in found:
        parts = urlsplit(urljoin(page_url, link))
        if parts.scheme or parts.netloc or parts.query or not parts.path.startswith("/"):
            continue
        urls.add(parts.path)
    return urls


def is_error_page(url: str) -> bool:
    """Return whether an address is one of the 404 pages a static host serves."""
    return url.endswith(ERROR_PAGE)


def source_of(url: str) -> str:
    """Return the address to ask the app for: an error page comes from an address no route matches."""
    if is_error_page(url):
        return url[: -len(ERROR_PAGE)] + MISSING_PAGE
    return url


def fetch(client, url: str, headers: dict[str, str] | None = None) -> tuple[Fetched | None, list[str]]:
    """Ask the app for an address as a browser would; return what it answered, or the problems."""
    response = client.get(source_of(url), headers=headers or {})
    expected = 404 if is_error_page(url) else 200
    if response.status_code != expected:
        return None, [f"{url}: the app answers {response.status_code}, not {expected}"]
    wanted = TYPE_BY_SUFFIX.get(Path(file_for_url(url)).suffix)
    if wanted is None or response.mimetype != wanted:
        return None, [f"{url}: the app sends {response.mimetype}, a static host would send {wanted}"]
    return Fetched(url, response.headers, response.get_data()), []


def crawl(
    client,
    queue: list[str],
    progress: Callable[[Iterable[str]], Iterable[str]] | None,
    problems: list[str],
    follow: Callable[[str], bool] | None = None,
    headers: dict[str, str] | None = None,
) -> Iterator[Fetched]:
    """Yield every address in ``queue`` as the app answers it, and every internal link they lead to.

    ``follow`` says which links to take (all, when None). An address the app does not answer as it
    should is added to ``problems``, naming the page that linked to it, and the crawl goes on.
    """
    linked_from: dict[str, str | None] = dict.fromkeys(queue)
    for url in (progress or iter)(Pending(queue)):
        fetched, trouble = fetch(client, url, headers)
        if fetched is None:
            referrer = linked_from[url]
            problems += [f"{line} (linked from {referrer})" if referrer else line for line in trouble]
            continue
        yield fetched
        for link in sorted(internal_links(fetched.body, fetched.content_type, url) - linked_from.keys()):
            if follow is None or follow(link):
                linked_from[link] = url
                queue.append(link)


def fetch_exactly(client, urls: list[str], headers: dict[str, str] | None = None) -> list[Fetched]:
    """Return every address as the app answers it, following no link; raise CrawlError on any problem."""
    problems: list[str] = []
    fetched = list(crawl(client, list(urls), None, problems, follow=lambda url: False, headers=headers))
    if problems:
        raise CrawlError(problems)
    return fetched


class Pending:
    """A crawl's queue as an iterable that grows while it is walked, with a live length."""

    def __init__(self, queue: list[str]):
        self.queue = queue

    def __len__(self) -> int:
        """Return how many addresses are known so far."""
        return len(self.queue)

    def __iter__(self):
        """Yield addresses until none is left, including those added on the way."""
        position = 0
        while position < len(self.queue):
            yield self.queue[position]
            position += 1


def with_bar(label: str) -> Callable[[Pending], Iterable[str]]:
    """Return a progress function that draws a bar on stderr whose length grows with the queue."""

    def walk(pending: Pending) -> Iterable[str]:
        with click.progressbar(pending, length=len(pending), label=label, file=sys.stderr) as bar:
            for url in bar:
                yield url
                bar.length = len(pending)

    return walk
