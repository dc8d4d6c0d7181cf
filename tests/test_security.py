"""Security headers on every kind of response, no cookies, no inline code, nothing from another host.

A reader's browser should refuse anything a hostile edit or a network attacker might slip into a page:
the Content-Security-Policy allows only this site's own files, no inline scripts or styles (an inline
block is allowed only by its hash in that response's own policy), and no framing. Pages, errors,
static files, the manifest, the service worker, search and PDFs all carry the same headers.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import make_app

from rightsinfo.config import load_settings
from rightsinfo.i18n import languages
from rightsinfo.site import site_of

PREFIXES = [language.prefix for language in languages()]
ALLOWED_SOURCES = {"'self'", "'none'", "data:"}
REQUIRED_PERMISSIONS_DENIED = {
    "camera", "microphone", "geolocation", "payment", "usb", "serial", "hid", "midi",
    "display-capture", "accelerometer", "gyroscope", "magnetometer", "interest-cohort", "browsing-topics",
}  # fmt: skip
ONE_YEAR_SECONDS = 365 * 24 * 3600
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "data",
    "srcset",
    "xlink:href",
    "background",
}
ABSOLUTE_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
CRAWL_MAX_PAGES = 2000


def csp_directives(policy: str) -> dict[str, list[str]]:
    """Parse a Content-Security-Policy into {directive: [sources]}."""
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def assert_security_headers(response, what: str, hsts: bool = False) -> None:
    """Fail unless a response carries every security header this site promises, and no cookie."""
    headers = response.headers
    policy = headers.get("Content-Security-Policy")
    assert policy, f"{what}: no Content-Security-Policy"
    directives = csp_directives(policy)
    assert directives.get("default-src") in (["'self'"], ["'none'"]), f"{what}: default-src"
    assert directives.get("frame-ancestors") == ["'none'"], f"{what}: frame-ancestors"
    assert directives.get("base-uri") == ["'none'"], f"{what}: base-uri"
    assert directives.get("form-action") in (["'self'"], ["'none'"]), f"{what}: form-action"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, f"{what}: {policy}"
    assert "unsafe-hashes" not in policy, f"{what}: style= attributes must not be allowed by hash"
    for name, sources in directives.items():
        for source in sources:
            allowed = source in ALLOWED_SOURCES or re.fullmatch(r"'sha(256|384|512)-[A-Za-z0-9+/=]+'", source)
            assert allowed, f"{what}: {name} allows {source} (another host or a wildcard)"
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") == "no-referrer", what
    assert headers.get("Cross-Origin-Opener-Policy") == "same-origin", what
    denied = {
        item.split("=", 1)[0].strip(): item.split("=", 1)[1].strip()
        for item in headers.get("Permissions-Policy", "").split(",")
        if "=" in item
    }
    for feature in REQUIRED_PERMISSIONS_DENIED:
        assert denied.get(feature) == "()", f"{what}: Permissions-Policy does not deny {feature}"
    assert all(value == "()" for value in denied.values()), f"{what}: a feature is allowed"
    assert "Set-Cookie" not in headers, f"{what}: sets a cookie"
    transport = headers.get("Strict-Transport-Security")
    if hsts:
        assert transport, f"{what}: no Strict-Transport-Security with the HSTS setting on"
        max_age = int(re.search(r"max-age=(\d+)", transport).group(1))
        assert max_age >= ONE_YEAR_SECONDS, f"{what}: {transport}"
    else:
        assert transport is None, f"{what}: Strict-Transport-Security without the HSTS setting"


def first_match(pattern: str, text: str) -> str:
    """Return the first group of ``pattern`` in ``text``, failing clearly if it is absent."""
    match = re.search(pattern, text)
    assert match, f"{pattern} not found"
    return match.group(1)


def has_route(app, suffix: str) -> bool:
    """Return whether the app has a URL rule ending in ``suffix`` (features land one by one)."""
    return any(rule.rule.endswith(suffix) for rule in app.url_map.iter_rules())


def every_kind_of_response(app) -> list[tuple[str, object]]:
    """Make one request of every kind a reader's browser can cause; return (what, response) pairs."""
    client = app.test_client()
    home = client.get("/ps/").get_data(as_text=True)
    stylesheet = first_match(r'href="(/static/site\.[0-9a-f]+\.css)"', home)
    script = first_match(r'src="(/static/[^"]+\.js)"', home)
    etag = client.get("/ps/alpha/").headers["ETag"]
    responses = [
        ("language chooser", client.get("/", headers={"Accept-Language": "ps"})),
        ("home page, first render", client.get("/ar/")),
        ("home page, from the page cache", client.get("/ar/", headers={"Accept-Encoding": "br"})),
        ("topic page", client.get("/ps/alpha/")),
        ("topic page, 304", client.get("/ps/alpha/", headers={"If-None-Match": etag})),
        ("topic page, HEAD", client.head("/ps/alpha/")),
        ("gzip page", client.get("/prs/beta/", headers={"Accept-Encoding": "gzip"})),
        ("organisations with a filter", client.get("/ur/organisations/?city=Belgrade")),
        ("organisation", client.get("/en/organisations/helpers/")),
        ("cards", client.get("/ps/cards/")),
        ("offline page", client.get("/ps/offline/")),
        ("search", client.get("/ps/search?q=azil")),
        ("empty search", client.get("/ps/search")),
        ("404 unknown page", client.get("/ps/nowhere/")),
        ("404 unknown language", client.get("/xx/")),
        ("405 wrong method", client.post("/ps/")),
        ("308 redirect", client.get("/ps")),
        ("stylesheet", client.get(stylesheet, headers={"Accept-Encoding": "br"})),
        ("script", client.get(script)),
        ("unknown static file", client.get("/static/site.0000000000.css")),
        ("manifest", client.get("/ps/manifest.webmanifest")),
        ("service worker", client.get("/ps/sw.js")),
        ("search pack", client.get("/ps/search-pack.json")),
    ]
    if has_route(app, "/guide.html"):
        from rightsinfo.publish.published import write_published

        write_published(app, only=["ps"])  # as the build does: the guide is a file it wrote
        responses.append(("one-file guide", client.get("/ps/guide.html")))
    if has_route(app, "/<slug>/leaflet.pdf"):
        responses.append(("leaflet PDF", client.get("/en/beta/leaflet.pdf")))
        responses.append(("leaflet with a bad size", client.get("/en/beta/leaflet.pdf?size=huge")))
    return responses


def test_every_kind_of_response_carries_the_security_headers(app):
    for what, response in every_kind_of_response(app):
        assert response.status_code < 500, f"{what}: {response.status_code}"
        assert_security_headers(response, what)


def test_strict_transport_security_is_sent_only_with_the_hsts_setting(site_dirs, app, monkeypatch):
    for what, response in every_kind_of_response(app):
        assert "Strict-Transport-Security" not in response.headers, what
    monkeypatch.setenv("RIGHTSINFO_HSTS", "1")
    secure_app = make_app(site_dirs)
    assert secure_app.config["HSTS"] is True
    for what, response in every_kind_of_response(secure_app):
        assert_security_headers(response, what, hsts=True)


def test_a_site_not_yet_built_answers_503_with_the_security_headers(site_dirs):
    response = make_app(site_dirs).test_client().get("/ps/")
    assert response.status_code == 503
    assert_security_headers(response, "503 not built")
    assert_no_inline_code(response.get_data(as_text=True), response.headers, "503 not built")


# ----------------------------------------------------------------------------------------------------
# The pages themselves: no inline code, nothing fetched from or sent to another host.


class PageParts(HTMLParser):
    """Collect the tags, URL attributes and inline blocks of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.urls: list[tuple[str, str, str, dict]] = []  # (tag, attribute, value, all attributes)
        self.inline: list[tuple[str, str]] = []  # (tag, text) of <script> and <style> without src
        self._open: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note style= and on…= attributes, URL attributes, and inline script or style blocks."""
        attributes = {name.lower(): value or "" for name, value in attrs}
        for name, value in attributes.items():
            if name == "style":
                self.problems.append(f"<{tag} style=…>")
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES:
                self.urls.append((tag, name, value.strip(), attributes))
        if tag in {"script", "style"} and "src" not in attributes:
            self._open, self._text = tag, []

    def handle_data(self, data: str) -> None:
        """Keep the text of an open inline block."""
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        """Close an inline block and keep its text."""
        if self._open == tag:
            self.inline.append((tag, "".join(self._text)))
            self._open = None


def csp_hash(text: str) -> str:
    """Return the CSP source that allows an inline block by its SHA-256."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def assert_no_inline_code(body: str, headers, what: str) -> PageParts:
    """Fail on style=/on…= attributes, javascript: URLs and inline blocks the policy does not hash."""
    parts = PageParts()
    parts.feed(body)
    assert not parts.problems, f"{what}: {parts.problems}"
    directives = csp_directives(headers.get("Content-Security-Policy", ""))
    for tag, text in parts.inline:
        if tag == "script" and not text.strip():
            continue
        allowed = directives.get("script-src" if tag == "script" else "style-src", [])
        assert csp_hash(text) in allowed, f"{what}: inline <{tag}> not allowed by its hash"
    for tag, name, value, _attributes in parts.urls:
        assert not value.lower().lstrip().startswith(("javascript:", "vbscript:", "data:text")), (
            f"{what}: <{tag} {name}={value!r}>"
        )
    return parts


def is_other_host(value: str) -> bool:
    """Return whether a URL (or any of a srcset's) points at another host."""
    return any(ABSOLUTE_URL.match(candidate.strip()) for candidate in value.split(","))


def assert_nothing_from_elsewhere(parts: PageParts, what: str) -> None:
    """Fail if the page loads, posts or prefetches anything from another host.

    The exceptions: an ordinary link (``<a href>``) that a reader chooses to follow: it makes no
    request by itself, and it must not tell the other site where the reader came from; and the
    ``hreflang`` alternates, which name this site's own public address and which browsers never fetch.
    """
    own_address = load_settings()["PUBLIC_BASE_URL"].rstrip("/") + "/"
    for tag, name, value, attributes in parts.urls:
        if not is_other_host(value):
            continue
        if tag == "link" and attributes.get("rel") == "alternate" and "hreflang" in attributes:
            assert value.startswith(own_address), f"{what}: alternate {value!r} is not this site's address"
            continue
        if tag == "a" and name == "href":
            rel = set(attributes.get("rel", "").split())
            assert {"noopener", "noreferrer"} <= rel, f"{what}: <a href={value!r}> without noreferrer"
            continue
        raise AssertionError(f"{what}: <{tag} {name}={value!r}> reaches another host")


def crawl(app, starts: list[str]) -> dict[str, object]:
    """Follow every same-site link from ``starts``; return {path: response} of every HTML page."""
    client = app.test_client()
    seen: dict[str, object] = {}
    queue = list(starts)
    while queue and len(seen) < CRAWL_MAX_PAGES:
        path = queue.pop()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response
        if response.mimetype != "text/html" or response.status_code != 200:
            continue
        parts = PageParts()
        parts.feed(response.get_data(as_text=True))
        for tag, name, value, attributes in parts.urls:
            if tag != "a" or name != "href" or is_other_host(value) or "download" in attributes:
                continue
            if urlsplit(value).path.endswith(".pdf"):
                continue  # leaflets are not pages; their headers are checked in every_kind_of_response
            target = urljoin(path, value).split("#")[0]
            if urlsplit(target).scheme in {"", "http"} and target.startswith("/") and target not in seen:
                queue.append(target)
    assert len(seen) < CRAWL_MAX_PAGES, "the crawl did not end: a link loop?"
    return seen


@pytest.fixture(scope="module")
def real_site_pages(real_app):
    """Every page of the real site reachable from the chooser and each language's home."""
    return crawl(real_app, ["/", *[f"/{prefix}/" for prefix in PREFIXES], "/ps/nowhere/", "/xx/"])


def test_the_crawl_reached_every_language_and_kind_of_page(real_site_pages):
    for prefix in PREFIXES:
        for part in ("/", "/organisations/", "/cards/", "/search", "/about/"):
            assert any(path.startswith(f"/{prefix}{part}") for path in real_site_pages), f"/{prefix}{part}"
    assert len(real_site_pages) > 5 * 20


def test_no_page_has_inline_scripts_styles_or_event_attributes(real_site_pages):
    for path, response in real_site_pages.items():
        if response.mimetype == "text/html":
            assert_no_inline_code(response.get_data(as_text=True), response.headers, path)


def test_no_page_loads_or_sends_anything_to_another_host(real_site_pages):
    for path, response in real_site_pages.items():
        if response.mimetype == "text/html":
            parts = assert_no_inline_code(response.get_data(as_text=True), response.headers, path)
            assert_nothing_from_elsewhere(parts, path)


def test_every_crawled_response_has_the_headers_and_no_cookie(real_site_pages):
    for path, response in real_site_pages.items():
        assert response.status_code in {200, 404}, f"{path}: {response.status_code}"
        assert_security_headers(response, path)


def test_sources_and_websites_are_plain_text_not_links(client):
    page = client.get("/en/alpha/")
    assert "https://example.org/one" in page.get_data(as_text=True), (
        "the sources list should show the address as text"
    )
    organisation = client.get("/en/organisations/helpers/")
    assert "https://example.org" in organisation.get_data(as_text=True), "the website should be shown as text"
    for what, response in (("topic", page), ("organisation", organisation)):
        parts = assert_no_inline_code(response.get_data(as_text=True), response.headers, what)
        assert not [value for *_rest, value, _attributes in parts.urls if "example.org" in value], what


@pytest.mark.parametrize("prefix", PREFIXES)
def test_manifest_and_service_worker_name_only_this_site(client, prefix):
    manifest = json.loads(client.get(f"/{prefix}/manifest.webmanifest").get_data(as_text=True))

    def strings(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
        elif isinstance(value, str):
            yield value

    for text in strings(manifest):
        assert not ABSOLUTE_URL.match(text), f"manifest names {text}"
    worker = client.get(f"/{prefix}/sw.js").get_data(as_text=True)
    assert not re.search(r"\b(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", worker, re.IGNORECASE), (
        "sw.js names a host"
    )
    urls = json.loads(first_match(r"PACK_URLS = (\[.*?\]);", worker))
    assert urls and all(url.startswith("/") and not url.startswith("//") for url in urls)


def test_static_files_name_no_other_host(app):
    client = app.test_client()
    for url in site_of(app).assets.entries:
        if url.endswith((".css", ".js")):
            text = client.get(url).get_data(as_text=True)
            assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text, re.IGNORECASE), url
            assert "@import" not in text, url
