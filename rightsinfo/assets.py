"""Static files with fingerprinted names, served from memory with a year-long immutable cache.

A file's address carries a hash of its bytes (``/static/site.3f9c2a1b7d.css``), so a phone keeps it
until the file changes, and the service worker's precache list changes whenever any file does.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterable
from pathlib import Path

from rightsinfo.serving import REGISTER_SCRIPT, STATIC_DIR, Entry, make_entry

PACKAGE_DIR = Path(__file__).resolve().parent
# Third-party scripts a page loads, kept unchanged in ``vendor/`` with their licence: served name → file.
BROWSER_VENDOR = {"fflate.js": PACKAGE_DIR / "vendor" / "fflate" / "fflate.js"}
# Scripts only volunteers' recording page loads: no reader needs them, so no offline pack carries them.
VOLUNTEERS_ONLY = frozenset({"record.js", "fflate.js"})
# Scripts served only at the head of another, so pages get them with no request of their own: the
# stale-contact flags run on every page that loads offline.js, and the one-file guide inlines the file.
CARRIED = {"stale.js": "offline.js"}
# Scripts only ever inline in a page's head (allowed by hash), never a file of their own.
INLINE_ONLY = frozenset({REGISTER_SCRIPT})
IMMUTABLE = "public, max-age=31536000, immutable"
CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
    ".woff2": "font/woff2",
}


def code_version(files: Iterable[Path], *salt: str) -> str:
    """Return a short hash of files (their package-relative names and bytes) and of any ``salt``.

    What a cached output depends on apart from content: the offline pack on the templates, a leaflet
    on the code, its templates, its fonts and WeasyPrint's version.
    """
    digest = hashlib.sha256("\0".join(salt).encode())
    for path in files:
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def served_bytes(relative: str, path: Path, static_dir: Path) -> bytes:
    """Return a static file as it is served: the scripts it carries first, then its own bytes."""
    carried = [static_dir / name for name, carrier in CARRIED.items() if carrier == relative]
    return b"".join(part.read_bytes() for part in [*carried, path])


def fingerprinted_name(relative: str, data: bytes) -> str:
    """Return ``name.<hash>.ext`` for a file's relative path and bytes."""
    path = Path(relative)
    digest = hashlib.sha256(data).hexdigest()[:10]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


class Assets:
    """The static files: their fingerprinted URLs and their in-memory responses."""

    def __init__(self, extra_headers: list[tuple[str, str]], static_dir: Path = STATIC_DIR):
        self.urls: dict[str, str] = {}
        self.entries: dict[str, Entry] = {}
        digest = hashlib.sha256()
        files = {
            path.relative_to(static_dir).as_posix(): path for path in static_dir.rglob("*") if path.is_file()
        }
        for relative, path in sorted({**files, **BROWSER_VENDOR}.items()):
            if relative in CARRIED or relative in INLINE_ONLY:
                continue
            data = served_bytes(relative, path, static_dir)
            digest.update(relative.encode() + data)
            url = "/static/" + fingerprinted_name(relative, data)
            content_type = CONTENT_TYPES.get(path.suffix) or (
                mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            )
            self.urls[relative] = url
            self.entries[url] = make_entry(data, content_type, [("Cache-Control", IMMUTABLE), *extra_headers])
        self.version = digest.hexdigest()[:12]

    def url(self, name: str) -> str:
        """Return the fingerprinted URL of a static file."""
        return self.urls[name]
