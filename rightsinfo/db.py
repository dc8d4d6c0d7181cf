"""The built database: the build a worker serves, one read-only connection per thread, and named queries.

Views never write SQL; they call these functions. ``flask build`` renames a new database into place;
a worker looks at the file at most once per interval and then moves every one of its threads to the
new build together, so a running server moves to new content without a restart, and keeps the old
one if a build failed. A request reads one ``Build`` from start to end (``site.build()`` pins it): an
open connection keeps reading the file it opened even after a newer one replaced it.
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


@dataclass(frozen=True)
class Build:
    """One built database as a thread reads it: its connection, content version and catalogues."""

    connection: sqlite3.Connection
    version: str
    catalogue_dir: str


@dataclass(frozen=True)
class _Latest:
    """The newest build this worker has seen: the file's identity and the version it holds."""

    identity: tuple[int, int, int]
    version: str


class SiteDatabase:
    """The current built database: one build for the whole worker, one connection to it per thread."""

    def __init__(self, path: Path, check_interval_seconds: float = 1.0):
        self.path = path
        self.check_interval_seconds = check_interval_seconds
        self._lock = threading.Lock()
        self._latest: _Latest | None = None
        self._checked_at = float("-inf")
        self._local = threading.local()

    def _identity(self) -> tuple[int, int, int]:
        """Return what changes when the file is replaced: inode, size and modification time."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError as error:
            raise SiteNotBuilt(str(self.path)) from error
        return stat.st_ino, stat.st_size, stat.st_mtime_ns

    def _open(self) -> Build:
        """Open the database read-only and read its version from the file actually opened."""
        conn = sqlite3.connect(
            f"file:{self.path}?mode=ro",
            uri=True,
            check_same_thread=False,
            detect_types=sqlite3.PARSE_DECLTYPES,  # columns declared JSON come back decoded
        )
        conn.row_factory = sqlite3.Row
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        return Build(conn, meta["content_version"], meta["catalogue_dir"])

    def _latest_version(self) -> str:
        """Return the version this worker serves, looking at the file at most once per interval.

        The look is shared by every thread of the worker, so they all move to a new build together
        instead of each on its own clock.
        """
        if time.monotonic() - self._checked_at < self.check_interval_seconds and self._latest is not None:
            return self._latest.version
        with self._lock:
            now = time.monotonic()
            if now - self._checked_at >= self.check_interval_seconds or self._latest is None:
                identity = self._identity()
                if self._latest is None or self._latest.identity != identity:
                    probe = self._open()
                    probe.connection.close()
                    self._latest = _Latest(identity, probe.version)
                self._checked_at = now
            return self._latest.version

    def current(self) -> Build:
        """Return this thread's connection to the build the worker serves now (reopened after a build)."""
        version = self._latest_version()
        opened: Build | None = getattr(self._local, "build", None)
        if opened is None or opened.version != version:
            # The old connection is not closed here: a request that pinned it may still be reading
            # it, and it closes itself once nothing holds it.
            opened = self._open()
            self._local.build = opened
            if opened.version != version:  # a newer build landed since the worker looked
                with self._lock:
                    self._checked_at = float("-inf")
        return opened

    @property
    def connection(self) -> sqlite3.Connection:
        """Return this thread's connection to the current build (outside requests: commands, tests)."""
        return self.current().connection

    @property
    def version(self) -> str:
        """Return the content version of the build the worker serves now."""
        return self._latest_version()


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


def topic_slugs(conn: sqlite3.Connection, lang: str) -> list[str]:
    """Return the slugs of a language's topic pages in home-page order (what a print pack checks against)."""
    query = "SELECT slug FROM pages WHERE lang = ? ORDER BY sort_order, slug"
    return [row[0] for row in conn.execute(query, (lang,))]


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


def translation_status(conn: sqlite3.Connection) -> dict:
    """Return what the build stored for the translators' page (``translation.progress.stored_progress``)."""
    return conn.execute("SELECT status FROM translation_status").fetchone()[0]


def alerts_in_force(
    conn: sqlite3.Connection, lang: str, day: str, concerns: str | None = None, target: str | None = None
) -> list[dict]:
    """Return the alerts in force on ``day`` (ISO) in a language, newest first: all of them, or those
    about the whole site and about one page or organisation when ``concerns`` and ``target`` are given."""
    rows = _rows(
        conn.execute(
            "SELECT * FROM alerts WHERE lang = ? AND starts <= ? AND ends >= ? ORDER BY starts DESC, id",
            (lang, day, day),
        )
    )
    if concerns is None:
        return rows
    return [
        row
        for row in rows
        if row["concerns"] == "site" or (row["concerns"], row["target"]) == (concerns, target)
    ]


def content_changes(conn: sqlite3.Connection, limit: int) -> list[dict]:
    """Return the most recent changes of pages and records, newest first."""
    return _rows(conn.execute("SELECT * FROM changes ORDER BY changed_at DESC, kind, id LIMIT ?", (limit,)))


def change_times(conn: sqlite3.Connection, kind: str) -> dict[str, str]:
    """Return when each item of one kind last changed (id → ISO time of the build)."""
    return dict(conn.execute("SELECT id, changed_at FROM changes WHERE kind = ?", (kind,)).fetchall())


def papers(conn: sqlite3.Connection, lang: str) -> list[dict]:
    """Return the words on official papers with their meaning in a language, in reading order."""
    return _rows(conn.execute("SELECT * FROM papers WHERE lang = ? ORDER BY sort_order, id", (lang,)))


def recordings(conn: sqlite3.Connection, lang: str, kind: str | None = None) -> list[dict]:
    """Return the recording state of every section in a language (of one kind of item, if given)."""
    return _rows(
        conn.execute(
            "SELECT * FROM recordings WHERE lang = ? AND (? IS NULL OR kind = ?) ORDER BY kind, item_id",
            (lang, kind, kind),
        )
    )


def recording(conn: sqlite3.Connection, lang: str, kind: str, item_id: str, section: str) -> dict | None:
    """Return one section's recording state, its served address where it may play."""
    return _row(
        conn.execute(
            "SELECT * FROM recordings WHERE lang = ? AND kind = ? AND item_id = ? AND section = ?",
            (lang, kind, item_id, section),
        ).fetchone()
    )
