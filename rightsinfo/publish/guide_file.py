"""The one-file guide as the build publishes it: rendered once per build, stored with its compressed twins.

``guide.py`` renders a language's guide only for a request that carries ``PUBLISHING_KEY`` in its WSGI
environ, which the test client of the publishing step sets and no HTTP client can (a client's headers
all arrive as ``HTTP_…`` keys). Every reader is served the stored file (``publish/serve.py``), so a
download costs a file read, never a render, and every worker sends the same bytes. The gzip and
brotli forms are made here, at the highest levels, so a reader on 2G gets the smallest file.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import url_for

from rightsinfo.config import PACKS_DIR_NAME
from rightsinfo.publish.crawl import fetch_exactly
from rightsinfo.serving import brotli_compress, gzip_compress

PUBLISHING_KEY = "rightsinfo.publishing"
GUIDE_SUFFIX = ".guide.html"
HEADERS_SUFFIX = ".guide.json"  # the headers the file is sent with: its policy depends on its alerts
COMPRESSED_SUFFIXES = {"gzip": ".gz", "br": ".br"}
KEPT_HEADERS = ("Content-Security-Policy", "Content-Disposition")


def guide_path(instance_path: str | Path, version: str, lang: str, encoding: str | None = None) -> Path:
    """Return where a language's guide of one version is written, as is or in an encoding."""
    suffix = GUIDE_SUFFIX + (COMPRESSED_SUFFIXES[encoding] if encoding else "")
    return Path(instance_path) / PACKS_DIR_NAME / version / f"{lang}{suffix}"


def headers_path(instance_path: str | Path, version: str, lang: str) -> Path:
    """Return where the headers of a language's guide are written."""
    return Path(instance_path) / PACKS_DIR_NAME / version / f"{lang}{HEADERS_SUFFIX}"


def guide_url(lang: str) -> str:
    """Return the guide's address (in a request context)."""
    return url_for("guide.guide", lang=lang)


def guide_files(client, url: str) -> dict[str, bytes]:
    """Render one guide through the crawl; return its headers, its body and its compressed twins.

    ``client`` is a test client with ``PUBLISHING_KEY`` set. The keys are the files' suffixes; the
    headers come first, so a file found on disk always has them.
    """
    (fetched,) = fetch_exactly(client, [url], headers={"Accept-Encoding": "identity"})
    headers = {name: fetched.headers[name] for name in KEPT_HEADERS}
    files = {HEADERS_SUFFIX: json.dumps(headers).encode()}
    files[GUIDE_SUFFIX + COMPRESSED_SUFFIXES["gzip"]] = gzip_compress(fetched.body)
    files[GUIDE_SUFFIX + COMPRESSED_SUFFIXES["br"]] = brotli_compress(fetched.body)
    files[GUIDE_SUFFIX] = fetched.body  # last: it is the one a server looks for
    return files
