"""The disk cache: each leaflet rendered once per content version and code version, kept in the
instance folder; a request for it afterwards reads a file.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import shutil
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

from flask import Flask

from rightsinfo import assets
from rightsinfo.leaflets.model import Leaflet
from rightsinfo.leaflets.render import FONTS_DIR, PACKAGE_DIR, TEMPLATES_DIR
from rightsinfo.publish.published import write_atomically
from rightsinfo.site import build

CACHE_DIR_NAME = "leaflets"
LEAFLET_CACHE_MAX_BYTES = 512 * 1024 * 1024
OLD_VERSION_GRACE_SECONDS = 60
PRERENDERED_LIST_NAME = "prerendered.txt"  # one leaflet file name a line, written by the publish step


@cache
def leaflet_code_version() -> str:
    """Return a hash of what changes a leaflet apart from content: code, templates, fonts, WeasyPrint."""
    # Every module (date formats, digits and labels come from i18n, templating, vocabulary…).
    files = [
        *sorted(PACKAGE_DIR.rglob("*.py")),
        *sorted(TEMPLATES_DIR.glob("leaflet*")),
        *sorted(FONTS_DIR.glob("*.ttf")),
    ]
    # WeasyPrint's version from its installed metadata: a web worker never imports WeasyPrint itself,
    # its render process does.
    return assets.code_version(files, importlib.metadata.version("weasyprint"))


def cache_root(app: Flask) -> Path:
    """Return the folder that holds every cached leaflet of every version."""
    return Path(app.instance_path) / CACHE_DIR_NAME


def cache_dir(app: Flask) -> Path:
    """Return the folder of leaflets for the current content and code versions."""
    version = build().version  # the build the leaflet's text was read from
    # The settings printed on a leaflet: a changed address must not leave the old one in saved PDFs.
    printed = "\n".join(app.config[name] for name in ("PUBLIC_BASE_URL", "FEEDBACK_EMAIL"))
    settings = hashlib.sha256(printed.encode()).hexdigest()[:8]
    return cache_root(app) / f"{version}-{leaflet_code_version()}-{settings}"


def read_cached(path: Path) -> bytes | None:
    """Return a cached leaflet's bytes, or None if it was never rendered."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def open_version_folder(folder: Path) -> None:
    """Make a version's folder, dropping older versions' when it is new."""
    if not folder.exists():
        drop_old_versions(folder.parent)
    folder.mkdir(parents=True, exist_ok=True)


def store(path: Path, body: bytes, trim_later: Callable[..., None] | None = None) -> None:
    """Write a leaflet atomically (workers may race), dropping older versions and the oldest files.

    ``trim_later`` runs the trim elsewhere: a web worker hands it to its render process, because a
    trim stats every file of the folder, 80 ms of CPU with 3,000 leaflets, which would hold the
    worker's threads that serve pages.
    """
    folder = path.parent.parent
    open_version_folder(folder)
    write_atomically(path, body)
    if trim_later is None:
        trim(folder, LEAFLET_CACHE_MAX_BYTES)
    else:
        trim_later(trim, folder, LEAFLET_CACHE_MAX_BYTES)


def write_prerendered_list(folder: Path, filenames: list[str]) -> None:
    """Name the leaflets a version's folder keeps whatever the trim: those the publish step pre-renders."""
    open_version_folder(folder)
    write_atomically(folder / PRERENDERED_LIST_NAME, "".join(f"{name}\n" for name in filenames).encode())


def prerendered(folder: Path) -> set[Path]:
    """Return the paths of the leaflets pre-rendered into a version's folder (none if it has no list)."""
    try:
        names = (folder / PRERENDERED_LIST_NAME).read_text(encoding="utf-8").split()
    except FileNotFoundError:
        return set()
    return {folder / name for name in names}


def drop_old_versions(root: Path) -> None:
    """Delete the leaflets of earlier versions, sparing any written in the last moments.

    A worker notices a rebuilt database up to DB_CHECK_INTERVAL_SECONDS late; the grace keeps such a
    worker's last write from deleting the folder the others have just started.
    """
    for old in root.glob("*"):
        if time.time() - old.stat().st_mtime > OLD_VERSION_GRACE_SECONDS:
            shutil.rmtree(old, ignore_errors=True)


def trim(folder: Path, max_bytes: int) -> None:
    """Delete the least recently written leaflets made on request until the folder fits in ``max_bytes``.

    Pre-rendered leaflets are spared: they are a few hundred, written first, so the oldest; a flood of
    distinct packs would otherwise push out exactly what aid workers print.
    """
    kept = prerendered(folder)
    files = [
        (entry.stat().st_mtime_ns, entry.stat().st_size, entry)
        for entry in folder.rglob("*.pdf")
        if entry not in kept
    ]
    total = sum(size for _mtime, size, _entry in files)
    for _mtime, size, entry in sorted(files):
        if total <= max_bytes:
            break
        entry.unlink(missing_ok=True)
        total -= size


def seed(app: Flask, leaflet: Leaflet, body: bytes) -> None:
    """Put a pre-rendered leaflet into the server's cache."""
    path = cache_dir(app) / leaflet.filename
    if read_cached(path) != body:
        store(path, body)
