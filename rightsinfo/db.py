"""The built database: one read-only connection per thread, and named queries over it.

Views never write SQL; they call these functions. The connection notices when ``flask build`` has
renamed a new database into place (it checks the file at most once per interval) and reopens it, so a
running server moves to new content without a restart, and keeps the old one if a build failed.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from rightsinfo.schema import decode_json_columns

decode_json_columns()


class SiteNotBuilt(Exception):
    """The database does not exist yet: run ``flask --app rightsinfo build``."""


@dataclass
class _Opened:
    """A thread's open connection and what it was opened from."""

    connection: sqlite3.Connection
    identity: tuple[int, int, int]
    version: str
    catalogue_dir: str
    checked_at: float


class SiteDatabase:
    """The current built database, reopened per thread when a new build replaces it."""

    def __init__(self, path: Path, check_interval_seconds: float = 1.0):
        self.path = path
        self.check_interval_seconds = check_interval_seconds
        self._local = threading.local()

    def _identity(self) -> tuple[int, int, int]:
        """Return what changes when the file is replaced: inode, size and modification time."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError as error:
            raise SiteNotBuilt(str(self.path)) from error
        return stat.st_ino, stat.st_size, stat.st_mtime_ns

    def _open(self, identity: tuple[int, int, int]) -> _Opened:
        """Open the database read-only and read its version."""
        conn = sqlite3.connect(
            f"file:{self.path}?mode=ro",
            uri=True,
            check_same_thread=False,
            detect_types=sqlite3.PARSE_DECLTYPES,  # columns declared JSON come back decoded
        )
        conn.row_factory = sqlite3.Row
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        return _Opened(conn, identity, meta["content_version"], meta["catalogue_dir"], time.monotonic())

    def current(self) -> _Opened:
        """Return this thread's connection, reopening it if a new build replaced the file."""
        opened: _Opened | None = getattr(self._local, "opened", None)
        now = time.monotonic()
        if opened is not None and now - opened.checked_at < self.check_interval_seconds:
            return opened
        identity = self._identity()
        if opened is None or opened.identity != identity:
            if opened is not None:
                opened.connection.close()
            opened = self._open(identity)
            self._local.opened = opened
        opened.checked_at = now
        return opened

    @property
    def connection(self) -> sqlite3.Connection:
        """Return this thread's connection to the current build."""
        return self.current().connection

    @property
    def version(self) -> str:
        """Return the content version of the current build."""
        return self.current().version


def _row(row: sqlite3.Row | None) -> dict | None:
    """Return a row as a dict (its JSON columns were decoded by the connection)."""
    return None if row is None else dict(row)


def _rows(cursor) -> list[dict]:
    """Return all rows of a cursor as dicts."""
    return [_row(row) for row in cursor.fetchall()]


def topic_pages(conn: sqlite3.Connection, lang: str) -> list[dict]:
    """Return the topic pages of a language in home-page order (About last)."""
    return _rows(
        conn.execute(
            "SELECT slug, title, summary, icon, text_lang, status FROM pages "
            "WHERE lang = ? ORDER BY sort_order, slug",
            (lang,),
        )
    )


def page(conn: sqlite3.Connection, lang: str, slug: str) -> dict | None:
    """Return one page in one language (English text where it is not translated)."""
    return _row(conn.execute("SELECT * FROM pages WHERE lang = ? AND slug = ?", (lang, slug)).fetchone())


def emergency_numbers(conn: sqlite3.Connection, lang: str) -> list[dict]:
    """Return the emergency numbers with their labels in a language."""
    return _rows(conn.execute("SELECT * FROM emergency WHERE lang = ? ORDER BY sort_order", (lang,)))


def organisations(
    conn: sqlite3.Connection, lang: str, city: str | None = None, kind: str | None = None
) -> list[dict]:
    """Return organisations with their text in a language, optionally filtered by city and kind."""
    records = _rows(
        conn.execute(
            "SELECT o.*, t.summary, t.status, t.text_lang FROM organisations o "
            "JOIN organisation_text t ON t.org_id = o.id WHERE t.lang = ? ORDER BY o.name",
            (lang,),
        )
    )
    if city:
        records = [r for r in records if city in r["cities"]]
    if kind:
        records = [r for r in records if kind in r["kinds"]]
    return records


def organisation(conn: sqlite3.Connection, lang: str, org_id: str) -> dict | None:
    """Return one organisation with its text in a language."""
    return _row(
        conn.execute(
            "SELECT o.*, t.summary, t.status, t.text_lang FROM organisations o "
            "JOIN organisation_text t ON t.org_id = o.id WHERE t.lang = ? AND o.id = ?",
            (lang, org_id),
        ).fetchone()
    )


def cities(conn: sqlite3.Connection) -> list[str]:
    """Return every city named by an organisation, sorted."""
    found = set()
    for (value,) in conn.execute("SELECT cities FROM organisations"):
        found.update(value)
    return sorted(found)


def kinds_in_use(conn: sqlite3.Connection) -> set[str]:
    """Return the kinds of help that at least one organisation offers."""
    found = set()
    for (value,) in conn.execute("SELECT kinds FROM organisations"):
        found.update(value)
    return found


def cards(conn: sqlite3.Connection, lang: str) -> list[dict]:
    """Return the 'show this' cards in a language."""
    return _rows(conn.execute("SELECT * FROM cards WHERE lang = ? ORDER BY sort_order, id", (lang,)))


def sources(conn: sqlite3.Connection, ids: list[str] | None = None) -> list[dict]:
    """Return sources, all of them or those named, in their natural order (S1, S2 … S117)."""
    rows = _rows(conn.execute("SELECT * FROM sources"))
    if ids is not None:
        rows = [row for row in rows if row["id"] in ids]

    def natural(row: dict) -> tuple:
        digits = "".join(ch for ch in row["id"] if ch.isdigit())
        return (int(digits or 0), row["id"])

    return sorted(rows, key=natural)


def meta(conn: sqlite3.Connection) -> dict[str, str]:
    """Return the build's metadata (content version, build time)."""
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def papers(conn: sqlite3.Connection, lang: str) -> list[dict]:
    """Return the words on official papers with their meaning in a language, in reading order."""
    return _rows(conn.execute("SELECT * FROM papers WHERE lang = ? ORDER BY sort_order, id", (lang,)))
