"""The offline pack: each language's pages and files in one Zstandard file, written once per build.

``pack_body`` asks the app for every pack URL through the one crawl; ``publish/published.py`` writes
it to ``<instance>/packs/<version>/<lang>.ndjson.zst`` after each build, at server start and before
the static export crawls. The view in ``offline.py`` only reads that file, so no reader's request
ever crawls or compresses the site, and every gunicorn worker serves the same bytes from the first
request on. Why the pack is one Zstandard stream of JSON lines is told in ``offline.py``.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

import zstandard
from flask import url_for

from rightsinfo import db
from rightsinfo.assets import VOLUNTEERS_ONLY, code_version
from rightsinfo.config import PACKS_DIR_NAME
from rightsinfo.publish.crawl import Fetched, fetch_exactly
from rightsinfo.site import connection, current_site

TEMPLATES_DIR = Path(__file__).parent.parent / "templates"
DECODER_PATH = Path(__file__).parent.parent / "vendor" / "fzstd" / "fzstd.js"
PACK_SUFFIX = ".ndjson.zst"
# Headers that describe one transfer, not the file: the worker's copy is stored decoded.
PACK_DROPPED_HEADERS = frozenset(
    {"content-encoding", "content-length", "etag", "vary", "date", "server", "connection", "set-cookie"}
)
PACK_ZSTD_LEVEL = 19  # made once per version, at publish: 22 saves 0.1 % and takes twice as long
PACK_ZSTD_WINDOW_LOG = 20  # 1 MiB: more than a whole pack, and all the memory a phone needs to decode it


@functools.cache
def templates_version() -> str:
    """Return a hash of the templates, so a template change also renews saved packs.

    Computed once per process, like the static files' fingerprints: code changes arrive with a restart.
    """
    templates = sorted(path for path in TEMPLATES_DIR.rglob("*") if path.is_file())
    return code_version([*templates, DECODER_PATH])


def pack_version() -> str:
    """Return the offline pack's version: content, templates and static files together."""
    parts = (current_site().database.version, templates_version(), current_site().assets.version)
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:12]


def pack_path(instance_path: str | Path, version: str, lang: str) -> Path:
    """Return where the pack of one language and version is written (and read from)."""
    return Path(instance_path) / PACKS_DIR_NAME / version / f"{lang}{PACK_SUFFIX}"


def pack_urls(lang: str) -> list[str]:
    """Return every URL a reader of ``lang`` needs offline: pages, organisations, cards, assets."""
    urls = [
        url_for("pages.home", lang=lang),
        url_for("pages.cards", lang=lang),
        url_for("papers.index", lang=lang),
        url_for("directory.index", lang=lang),
        url_for("offline.offline_page", lang=lang),
        url_for("offline.manifest", lang=lang),
        url_for("offline.search_pack", lang=lang),
        url_for("search.results", lang=lang),
    ]
    urls += [url_for("pages.topic", lang=lang, slug=p["slug"]) for p in db.topic_pages(connection(), lang)]
    urls += [
        url_for("directory.organisation", lang=lang, org_id=org["id"])
        for org in db.organisations(connection(), lang)
    ]
    assets = current_site().assets
    # PNG icons are only for installing the app (the browser fetches them then), and the print page
    # only leads to PDFs that need the network: leaving both out keeps the pack within its budget.
    readers = [name for name in sorted(assets.urls) if name not in VOLUNTEERS_ONLY]
    urls += [assets.url(name) for name in readers if name.endswith((".css", ".js", ".svg"))]
    return urls


def pack_line(fetched: Fetched) -> str:
    """Return one URL's JSON line: its address, the headers it is served with, and its body."""
    headers = {
        name.lower(): value
        for name, value in fetched.headers.items()
        if name.lower() not in PACK_DROPPED_HEADERS
    }
    entry = {"u": fetched.url, "h": headers, "b": fetched.body.decode("utf-8")}
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))


def compress_lines(lines: list[str]) -> bytes:
    """Compress lines as one Zstandard frame, flushed after each line so each decodes as soon as it arrives.

    Without the flush the compressor holds a whole block back, and a save cut off keeps far less
    than arrived.
    """
    data = [(line + "\n").encode() for line in lines]
    parameters = zstandard.ZstdCompressionParameters.from_level(
        PACK_ZSTD_LEVEL, window_log=PACK_ZSTD_WINDOW_LOG
    )
    compressor = zstandard.ZstdCompressor(compression_params=parameters).compressobj(
        size=sum(len(line) for line in data)
    )
    parts = [compressor.compress(line) + compressor.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK) for line in data]
    return b"".join([*parts, compressor.flush()])


def pack_body(client, urls: list[str], head: dict) -> bytes:
    """Return one language's pack: its head line, then each URL as the app serves it, decoded."""
    # The pack holds each page as the browser gets it with no Content-Encoding: decoded.
    fetched = fetch_exactly(client, urls, headers={"Accept-Encoding": "identity"})
    return compress_lines([json.dumps(head), *(pack_line(item) for item in fetched)])
