"""How responses leave the app: security headers, compression, ETags and the in-memory page cache.

A page is rendered at most once per content version and language, and kept under the version it was
rendered from (the one its request pinned), so no page of one build is ever served as another's. The
``X-Content-Version`` header names that version on every page. The rendered bytes are kept in
memory with their gzip and brotli forms and a strong ETag, and a small WSGI layer in front of Flask
answers repeat requests straight from that memory (``304`` when the reader already has the page), so a
cached page costs about as much as the bare server returning bytes.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

import brotli
from flask import Flask, Response, request
from werkzeug.datastructures import Headers
from werkzeug.http import parse_accept_header, parse_etags

from rightsinfo.db import SiteNotBuilt

CACHEABLE_ATTRIBUTE = "rightsinfo_cacheable"
AS_WRITTEN_ATTRIBUTE = "rightsinfo_as_written"  # a published file: its bytes and encoding are final
VERSION_HEADER = "X-Content-Version"  # the build a response was read from
COMPRESSIBLE_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml",
                      "application/manifest+json")  # fmt: skip
MIN_COMPRESS_BYTES = 256
QUERY_SAFE_CHARS = "".join(chr(code) for code in range(0x21, 0x7F))  # printable ASCII: kept as sent
UNSAFE_QUERY_CHAR = re.compile(r"[^\x21-\x7e]")
REPEATED_SLASHES = re.compile(r"/{2,}")
PAGE_CACHE_MAX_ENTRIES = 5000
ACCEPT_ENCODING_CACHE_ENTRIES = 256
ENCODINGS = ("br", "gzip")  # in the server's order of preference, when the client likes both equally
GZIP_LEVEL = 9  # the highest: a page is compressed once per content version, then served many times
BROTLI_QUALITY = 11
# For a response made for one request and not kept: about as small, many times cheaper.
QUICK_GZIP_LEVEL = 6
QUICK_BROTLI_QUALITY = 5

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "ambient-light-sensor", "autoplay", "battery", "camera", "display-capture",
        "document-domain", "encrypted-media", "fullscreen", "geolocation", "gyroscope", "hid",
        "idle-detection", "interest-cohort", "magnetometer", "microphone", "midi", "payment",
        "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
        "xr-spatial-tracking", "browsing-topics",
    )
)  # fmt: skip

STATIC_DIR = Path(__file__).resolve().parent / "static"
# The one script a page carries inline, allowed by its hash: it registers the service worker from the
# page's head. From offline.js, which runs once the page and its stylesheet are in, the registration
# came a round trip and a few hundred milliseconds later, and saving for offline waits on it.
REGISTER_SCRIPT = "register.js"


@cache
def inline_script(name: str) -> str:
    """Return a static script a page or the guide carries inline, read once."""
    return (STATIC_DIR / name).read_text(encoding="utf-8")


def policy_hash(text: str) -> str:
    """Return the base64 SHA-256 of an inline style or script, by which a policy allows it."""
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        f"script-src 'self' 'sha256-{policy_hash(inline_script(REGISTER_SCRIPT))}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    )
)


def security_headers(hsts: bool) -> list[tuple[str, str]]:
    """Return the headers every response carries."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
    ]
    if hsts:
        headers.append(("Strict-Transport-Security", "max-age=63072000; includeSubDomains"))
    return headers


def strong_etag(body: bytes) -> str:
    """Return a strong ETag for a body."""
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Return whether an If-None-Match header names ``etag`` (weakly, or by '*'); junk never matches."""
    if not if_none_match:  # most requests: skip building an empty ETags object
        return False
    return parse_etags(if_none_match).contains_weak(etag.strip('"'))


@lru_cache(maxsize=ACCEPT_ENCODING_CACHE_ENTRIES)  # browsers send a handful of distinct headers
def preferred_encoding(accept_encoding: str | None) -> str | None:
    """Return 'br', 'gzip' or None from an Accept-Encoding header (q=0 refuses, '*' accepts both)."""
    return parse_accept_header(accept_encoding).best_match(ENCODINGS)


@dataclass(frozen=True)
class Entry:
    """A response body kept in memory in every encoding, with the headers to send it."""

    status: int
    body: bytes
    gzip_body: bytes | None
    br_body: bytes | None
    etag: str
    headers: tuple[tuple[str, str], ...]
    varies: bool = False  # worth compressing: the answer depends on Accept-Encoding, whatever was asked

    def choose(self, accept_encoding: str | None) -> tuple[bytes, str | None]:
        """Return the body to send and its Content-Encoding."""
        encoding = preferred_encoding(accept_encoding)
        if encoding == "br" and self.br_body is not None:
            return self.br_body, "br"
        if encoding == "gzip" and self.gzip_body is not None:
            return self.gzip_body, "gzip"
        return self.body, None


def gzip_compress(body: bytes, level: int = GZIP_LEVEL) -> bytes:
    """Return ``body`` gzipped (highest level unless told) without a timestamp: the same bytes every time."""
    return gzip.compress(body, compresslevel=level, mtime=0)


def brotli_compress(body: bytes, quality: int = BROTLI_QUALITY) -> bytes:
    """Return ``body`` compressed with brotli (the highest quality unless told)."""
    return brotli.compress(body, quality=quality)


def make_entry(
    body: bytes, content_type: str, headers: Iterable[tuple[str, str]], for_request: str | None = None
) -> Entry:
    """Compress a body and wrap it as an Entry.

    An entry to keep is compressed once in both encodings at the highest level. A response made for
    one request only (``for_request``: its Accept-Encoding) is compressed in the encoding it asked for,
    at a level a request can afford, so an uncached address is not an easy way to burn a core.
    """
    compressible = content_type.startswith(COMPRESSIBLE_TYPES) and len(body) >= MIN_COMPRESS_BYTES
    wanted = set(ENCODINGS) if for_request is None else {preferred_encoding(for_request)}
    quick = for_request is not None
    return Entry(
        status=200,
        body=body,
        gzip_body=gzip_compress(body, QUICK_GZIP_LEVEL if quick else GZIP_LEVEL)
        if compressible and "gzip" in wanted
        else None,
        br_body=brotli_compress(body, QUICK_BROTLI_QUALITY if quick else BROTLI_QUALITY)
        if compressible and "br" in wanted
        else None,
        etag=strong_etag(body),
        headers=(("Content-Type", content_type), *headers),
        varies=compressible,
    )


def answer(entry: Entry, if_none_match: str | None, accept_encoding: str | None) -> tuple[int, list, bytes]:
    """Return the status, headers and body that answer a request from an Entry (304 on a matching ETag).

    The one place that decides conditional and compressed answers, for the WSGI layer and for Flask.
    """
    headers = [*entry.headers, ("ETag", entry.etag)]
    if entry.varies:
        headers.append(("Vary", "Accept-Encoding"))
    if etag_matches(if_none_match, entry.etag):
        return 304, headers, b""
    body, encoding = entry.choose(accept_encoding)
    if encoding:
        headers.append(("Content-Encoding", encoding))
    return 200, headers, body


def respond_from_entry(entry: Entry, environ: dict, start_response: Callable) -> list[bytes]:
    """Answer a WSGI request from an Entry."""
    status, headers, body = answer(
        entry, environ.get("HTTP_IF_NONE_MATCH"), environ.get("HTTP_ACCEPT_ENCODING")
    )
    if status == 304:
        start_response("304 Not Modified", headers)
        return []
    headers.append(("Content-Length", str(len(body))))
    start_response("200 OK", headers)
    return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


class PageCache:
    """Rendered pages and static files by path, for one version (of content, and day) at a time."""

    def __init__(self, version_of: Callable[[], object]):
        self.version_of = version_of
        self._lock = threading.Lock()
        self._version: object = None
        self._entries: dict[str, Entry] = {}
        self.static: dict[str, Entry] = {}

    def get(self, path: str) -> Entry | None:
        """Return the cached entry for a path in the current content version."""
        entry = self.static.get(path)
        if entry is not None:
            return entry
        version = self.version_of()
        if version != self._version:
            with self._lock:
                self._version, self._entries = version, {}
            return None
        return self._entries.get(path)

    def put(self, path: str, version: object, entry: Entry) -> None:
        """Keep an entry for a path, if it belongs to the current version and there is room."""
        with self._lock:
            if version == self._version and len(self._entries) < PAGE_CACHE_MAX_ENTRIES:
                self._entries[path] = entry

    def versions(self) -> dict[object, dict[str, Entry]]:
        """Return the kept pages by the version they were rendered from (for checks)."""
        with self._lock:
            return {self._version: dict(self._entries)} if self._entries else {}

    def clear(self) -> None:
        """Forget every rendered page (static files stay)."""
        with self._lock:
            self._entries = {}


class CachedPages:
    """WSGI layer that answers GET and HEAD for cached paths without entering Flask.

    Before the lookup, repeated slashes in the path are merged and query parameters no view reads
    are dropped, so neither ``//en/asylum/`` nor ``/en/asylum/?x=1`` can make a worker render again.
    """

    def __init__(self, app: Callable, cache: PageCache, query_names: Iterable[str]):
        self.app = app
        self.cache = cache
        self.query_names = frozenset(query_names)

    def __call__(self, environ: dict, start_response: Callable):
        """Serve a cache hit directly; pass everything else to Flask."""
        environ["PATH_INFO"] = REPEATED_SLASHES.sub("/", environ.get("PATH_INFO", ""))
        query = known_parameters(printable_ascii(environ.get("QUERY_STRING", "")), self.query_names)
        environ["QUERY_STRING"] = query
        if environ.get("REQUEST_METHOD") in {"GET", "HEAD"} and not query:
            try:
                entry = self.cache.get(environ["PATH_INFO"])
            except SiteNotBuilt:  # Flask answers with its 503 page
                entry = None
            if entry is not None:
                return respond_from_entry(entry, environ, start_response)
        return self.app(environ, start_response)


def known_parameters(query: str, names: frozenset[str]) -> str:
    """Return a query string with only the parameters some view reads, in their order, as sent."""
    if not query:
        return query
    kept = [part for part in query.split("&") if unquote_plus(part.split("=", 1)[0]) in names]
    return "&".join(kept)


def printable_ascii(text: str) -> str:
    """Percent-encode the raw bytes of a WSGI string (path or query) that are not printable ASCII.

    Werkzeug raises on invalid UTF-8 and refuses a redirect whose address holds CR or LF: both were
    a 500; and a log line must not be split by a newline or made binary by a NUL. A compliant server
    never passes such bytes, but the address is a stranger's input.
    """
    if not UNSAFE_QUERY_CHAR.search(text):
        return text
    try:
        raw = text.encode("latin-1")  # PEP 3333: the server's bytes, one character each
    except UnicodeEncodeError:
        raw = text.encode("utf-8")
    return quote(raw, safe=QUERY_SAFE_CHARS)


def mark_cacheable(response: Response) -> Response:
    """Let the page cache keep this response (without a query), and give it an ETag either way."""
    setattr(response, CACHEABLE_ATTRIBUTE, True)
    return response


def mark_as_written(response: Response) -> Response:
    """Send this response as it is: a file the build wrote and compressed is never compressed again."""
    setattr(response, AS_WRITTEN_ATTRIBUTE, True)
    return response


def install(
    app: Flask,
    cache: PageCache,
    pinned_version: Callable[[], str | None],
    cache_key: Callable[[], object],
    query_names: Iterable[str],
) -> None:
    """Add security headers and compression to every response, and fill the page cache.

    ``pinned_version`` names the build the request read (None if it read none); ``cache_key`` gives
    the page cache's key for what the request read, pinning a build if it had not yet;
    ``query_names`` are the query parameters the views read (any other is dropped).
    """
    headers = security_headers(app.config["HSTS"])

    @app.after_request
    def finish(response: Response) -> Response:
        for name, value in headers:
            response.headers.setdefault(name, value)
        response.headers.setdefault("Cache-Control", "no-cache")
        version = pinned_version()
        if version is not None:
            response.headers[VERSION_HEADER] = version
        if response.location:
            response.location = path_only(response.location)
        if response.direct_passthrough or response.status_code != 200:
            return response
        if getattr(response, AS_WRITTEN_ATTRIBUTE, False):
            return response
        marked = getattr(response, CACHEABLE_ATTRIBUTE, False)
        if not marked and not response.mimetype.startswith(COMPRESSIBLE_TYPES):
            return response
        keep = marked and not request.query_string
        entry = make_entry(
            response.get_data(),
            response.headers["Content-Type"],
            [(k, v) for k, v in response.headers.items() if k not in {"Content-Type", "Content-Length"}],
            for_request=None if keep else request.headers.get("Accept-Encoding", ""),
        )
        if keep:
            cache.put(request.path, cache_key(), entry)
        return encoded_response(entry, response)

    app.wsgi_app = CachedPages(app.wsgi_app, cache, query_names)


def path_only(location: str) -> str:
    """Return a redirect's address without scheme and host: the Host header is the client's to forge."""
    parts = urlsplit(location)
    path = "/" + parts.path.lstrip("/")  # never '//host/…', which a browser reads as another host
    return urlunsplit(("", "", path, parts.query, parts.fragment))


def encoded_response(entry: Entry, response: Response) -> Response:
    """Turn a Flask response into the answer to its request from ``entry`` (see ``answer``)."""
    status, headers, body = answer(
        entry, request.headers.get("If-None-Match"), request.headers.get("Accept-Encoding")
    )
    response.headers = Headers(headers)
    response.status_code = status
    response.set_data(body)
    if status == 304:
        response.headers.pop("Content-Length", None)
    return response
