"""What a reader downloads: every page's weight, the first visit, and each language's offline pack.

Sizes are the bytes the server sends: raw, gzip and brotli (a phone on HTTPS gets brotli). Everything
is fetched through the app's own test client, so the figures are exactly what the page cache serves.
"""

from __future__ import annotations

import json
import re
import statistics
from dataclasses import dataclass
from html.parser import HTMLParser

from rightsinfo.i18n import languages

PACK_URLS_PATTERN = re.compile(r"PACK_URLS = (\[.*?\]);", re.DOTALL)
PACK_URL_PATTERN = re.compile(r"PACK_URL = (\"[^\"]+\");")


@dataclass(frozen=True)
class Weight:
    """One URL's size as sent, in bytes, in each encoding."""

    url: str
    mimetype: str
    raw: int
    gzip: int
    br: int


def weigh(client, url: str) -> Weight:
    """Fetch a URL three ways (identity, gzip, br) and return the sizes sent."""
    sizes = {}
    mimetype = ""
    for encoding in ("identity", "gzip", "br"):
        response = client.get(url, headers={"Accept-Encoding": encoding})
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")
        sizes[encoding] = len(response.get_data())
        mimetype = response.mimetype
    return Weight(url, mimetype, sizes["identity"], sizes["gzip"], sizes["br"])


def pack_urls(client, lang: str) -> list[str]:
    """Return the URLs a language's service worker saves, read from ``/<lang>/sw.js`` as the browser does."""
    body = client.get(f"/{lang}/sw.js").get_data(as_text=True)
    match = PACK_URLS_PATTERN.search(body)
    if match is None:
        raise RuntimeError(f"/{lang}/sw.js lists no PACK_URLS")
    return json.loads(match.group(1))


def page_weights(client) -> dict:
    """Return every HTML page of every language with its sizes, and the largest and median."""
    weights: dict[str, Weight] = {"/": weigh(client, "/")}
    for language in languages():
        for url in pack_urls(client, language.prefix):
            if url not in weights and not url.startswith("/static/"):
                weight = weigh(client, url)
                if weight.mimetype == "text/html":
                    weights[url] = weight
    pages = [weight for weight in weights.values() if weight.mimetype == "text/html"]
    largest = max(pages, key=lambda weight: weight.br)
    return {
        "pages": len(pages),
        "largest_url": largest.url,
        "largest_raw_bytes": largest.raw,
        "largest_gzip_bytes": largest.gzip,
        "largest_br_bytes": largest.br,
        "largest_gzip_any_bytes": max(weight.gzip for weight in pages),
        "median_raw_bytes": statistics.median(weight.raw for weight in pages),
        "median_gzip_bytes": statistics.median(weight.gzip for weight in pages),
        "median_br_bytes": statistics.median(weight.br for weight in pages),
        "by_url": {weight.url: [weight.raw, weight.gzip, weight.br] for weight in pages},
    }


class References(HTMLParser):
    """Collect what a browser fetches to show a page: stylesheets, scripts, icons, sprites, manifest."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note the URL of every sub-resource the page loads by itself."""
        attributes = {name: value or "" for name, value in attrs}
        rel = set(attributes.get("rel", "").split())
        if tag == "link" and rel & {"stylesheet", "icon", "manifest", "preload", "modulepreload"}:
            self.urls.append(attributes["href"])
        elif tag in {"script", "img"} and attributes.get("src"):
            self.urls.append(attributes["src"])
        elif tag == "use" and (attributes.get("href") or attributes.get("xlink:href", "")).split("#")[0]:
            self.urls.append((attributes.get("href") or attributes["xlink:href"]).split("#")[0])


def first_visit(client, lang: str) -> dict:
    """Return the bytes (brotli) and requests a first visit to ``/<lang>/`` costs before the offline pack."""
    home = f"/{lang}/"
    parser = References()
    parser.feed(client.get(home).get_data(as_text=True))
    # A data: URL (the empty favicon) is part of the page, not a request.
    fetched = [url for url in parser.urls if not url.startswith("data:")]
    urls = list(dict.fromkeys([home, *fetched, f"/{lang}/sw.js"]))
    weights = [weigh(client, url) for url in urls]
    return {
        "urls": urls,
        "requests": len(urls),
        "br_bytes": sum(weight.br for weight in weights),
        "gzip_bytes": sum(weight.gzip for weight in weights),
    }


def stylesheet(client) -> Weight:
    """Return the site stylesheet's sizes."""
    body = client.get("/en/").get_data(as_text=True)
    match = re.search(r'href="(/static/site\.[0-9a-f]+\.css)"', body)
    if match is None:
        raise RuntimeError("no stylesheet linked from /en/")
    return weigh(client, match.group(1))


def pack_path(client, lang: str) -> str:
    """Return the address a language's service worker saves its whole pack from, as one response."""
    body = client.get(f"/{lang}/sw.js").get_data(as_text=True)
    match = PACK_URL_PATTERN.search(body)
    if match is None:
        raise RuntimeError(f"/{lang}/sw.js names no PACK_URL")
    return json.loads(match.group(1))


def offline_packs(client) -> dict[str, dict]:
    """Return each language's offline pack: URLs, the bytes of the one pack response and of its files."""
    packs = {}
    for language in languages():
        weights = [weigh(client, url) for url in pack_urls(client, language.prefix)]
        pack = weigh(client, pack_path(client, language.prefix))
        worker = weigh(client, f"/{language.prefix}/sw.js")
        packs[language.prefix] = {
            "urls": len(weights),
            "bytes": max(pack.raw, pack.gzip, pack.br),  # Zstandard, the same whatever the browser accepts
            "worker_br_bytes": worker.br,
            "worker_gzip_bytes": worker.gzip,
            "files_alone_br_bytes": sum(weight.br for weight in weights),
            "files_alone_gzip_bytes": sum(weight.gzip for weight in weights),
        }
    return packs


def search_packs(client) -> dict[str, dict]:
    """Return the size of each language's offline search index as sent."""
    packs = {}
    for language in languages():
        weight = weigh(client, f"/{language.prefix}/search-pack.json")
        packs[language.prefix] = {"raw_bytes": weight.raw, "gzip_bytes": weight.gzip, "br_bytes": weight.br}
    return packs
