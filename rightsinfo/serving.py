"""How responses leave the app: security headers, compression, ETags and the in-memory page cache.

A page is rendered at most once per content version and language. The rendered bytes are kept in
memory with their gzip and brotli forms and a strong ETag, and a small WSGI layer in front of Flask
answers repeat requests straight from that memory (``304`` when the reader already has the page), so a
cached page costs about as much as the bare server returning bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

import brotli
from flask import Flask, Response, request
from werkzeug.http import parse_accept_header, parse_etags

CACHEABLE_ATTRIBUTE = "rightsinfo_cacheable"
COMPRESSIBLE_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml",
                      "application/manifest+json")  # fmt: skip
MIN_COMPRESS_BYTES = 256
QUERY_SAFE_CHARS = "".join(chr(code) for code in range(0x21, 0x7F))  # printable ASCII: kept as sent
UNSAFE_QUERY_CHAR = re.compile(r"[^\x21-\x7e]")
PAGE_CACHE_MAX_ENTRIES = 5000
ACCEPT_ENCODING_CACHE_ENTRIES = 256
ENCODINGS = ("br", "gzip")  # in the server's order of preference, when the client likes both equally
GZIP_LEVEL = 9  # the highest: a page is compressed once per content version, then served many times
BROTLI_QUALITY = 11

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

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
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

    def choose(self, accept_encoding: str | None) -> tuple[bytes, str | None]:
        """Return the body to send and its Content-Encoding."""
        encoding = preferred_encoding(accept_encoding)
        if encoding == "br" and self.br_body is not None:
            return self.br_body, "br"
        if encoding in {"br", "gzip"} and self.gzip_body is not None:
            return self.gzip_body, "gzip"
        return self.body, None


def gzip_compress(body: bytes) -> bytes:
    """Return ``body`` gzipped at the highest level, with no timestamp (the same bytes every time)."""
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def brotli_compress(body: bytes) -> bytes:
    """Return ``body`` compressed with brotli at the highest quality."""
    return brotli.compress(body, quality=BROTLI_QUALITY)


def make_entry(body: bytes, content_type: str, headers: Iterable[tuple[str, str]]) -> Entry:
    """Compress a body once (gzip and brotli, when worth it) and wrap it as an Entry."""
    compressible = content_type.startswith(COMPRESSIBLE_TYPES) and len(body) >= MIN_COMPRESS_BYTES
    return Entry(
        status=200,
        body=body,
        gzip_body=gzip_compress(body) if compressible else None,
        br_body=brotli_compress(body) if compressible else None,
        etag=strong_etag(body),
        headers=(("Content-Type", content_type), *headers),
    )


def respond_from_entry(entry: Entry, environ: dict, start_response: Callable) -> list[bytes]:
    """Answer a WSGI request from an Entry: 304 on a matching ETag, else the best encoding."""
    headers = [*entry.headers, ("ETag", entry.etag)]
    if entry.gzip_body is not None:
        headers.append(("Vary", "Accept-Encoding"))
    if etag_matches(environ.get("HTTP_IF_NONE_MATCH"), entry.etag):
        start_response("304 Not Modified", headers)
        return []
    body, encoding = entry.choose(environ.get("HTTP_ACCEPT_ENCODING"))
    if encoding:
        headers.append(("Content-Encoding", encoding))
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

    def clear(self) -> None:
        """Forget every rendered page (static files stay)."""
        with self._lock:
            self._entries = {}


class CachedPages:
    """WSGI layer that answers GET and HEAD for cached paths without entering Flask."""

    def __init__(self, app: Callable, cache: PageCache):
        self.app = app
        self.cache = cache

    def __call__(self, environ: dict, start_response: Callable):
        """Serve a cache hit directly; pass everything else to Flask."""
        environ["QUERY_STRING"] = ascii_query_string(environ.get("QUERY_STRING", ""))
        if environ.get("REQUEST_METHOD") in {"GET", "HEAD"} and not environ.get("QUERY_STRING"):
            try:
                entry = self.cache.get(environ.get("PATH_INFO", ""))
            except Exception:
                entry = None
            if entry is not None:
                return respond_from_entry(entry, environ, start_response)
        return self.app(environ, start_response)


def ascii_query_string(query: str) -> str:
    """Percent-encode raw bytes of a query string that are not printable ASCII.

    Werkzeug raises on invalid UTF-8 and refuses a redirect whose address holds CR or LF: both were
    a 500. A compliant server never passes such bytes, but the query is a stranger's input.
    """
    if not UNSAFE_QUERY_CHAR.search(query):
        return query
    try:
        raw = query.encode("latin-1")  # PEP 3333: the server's bytes, one character each
    except UnicodeEncodeError:
        raw = query.encode("utf-8")
    return quote(raw, safe=QUERY_SAFE_CHARS)


def mark_cacheable(response: Response) -> Response:
    """Let the page cache keep this response for the current content version."""
    setattr(response, CACHEABLE_ATTRIBUTE, True)
    return response


def install(app: Flask, cache: PageCache) -> None:
    """Add security headers and compression to every response, and fill the page cache."""
    headers = security_headers(app.config["HSTS"])

    @app.after_request
    def finish(response: Response) -> Response:
        for name, value in headers:
            response.headers.setdefault(name, value)
        response.headers.setdefault("Cache-Control", "no-cache")
        if response.direct_passthrough or response.status_code != 200:
            return response
        cacheable = getattr(response, CACHEABLE_ATTRIBUTE, False) and not request.query_string
        if not cacheable and not response.mimetype.startswith(COMPRESSIBLE_TYPES):
            return response
        entry = make_entry(
            response.get_data(),
            response.headers["Content-Type"],
            [(k, v) for k, v in response.headers.items() if k not in {"Content-Type", "Content-Length"}],
        )
        if cacheable:
            cache.put(request.path, cache.version_of(), entry)
        return encoded_response(entry, response)

    app.wsgi_app = CachedPages(app.wsgi_app, cache)


def encoded_response(entry: Entry, response: Response) -> Response:
    """Turn a Flask response into the Entry's best encoding, honouring If-None-Match."""
    response.headers["ETag"] = entry.etag
    if entry.gzip_body is not None:
        response.vary.add("Accept-Encoding")
    if etag_matches(request.headers.get("If-None-Match"), entry.etag):
        response.status_code = 304
        response.set_data(b"")
        response.headers.pop("Content-Length", None)
        return response
    body, encoding = entry.choose(request.headers.get("Accept-Encoding"))
    response.set_data(body)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    return response
