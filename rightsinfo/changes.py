"""What changed in the content from one build to the next, kept in the database for the changes feed.

Aid workers and partner sites follow ``/changes.atom`` to learn when a page or record is new or
has changed. A build knows only the content it reads, so each build fingerprints every page and
record as built (all its languages) and compares with the previous database: an unchanged item keeps
the time it last changed, a new or changed one takes this build's time. Nothing is kept anywhere
but the database the build writes.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

CHANGES_TABLE = "changes"
NEW, CHANGED = "new", "changed"
ALERT_TITLE_MAX_CHARS = 80


def fingerprint(rows: list[dict]) -> str:
    """Return a short hash of the rows an item was built into, so any change a reader sees changes it."""
    text = json.dumps(rows, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def english_title(text: str) -> str:
    """Return a text short enough to be a feed entry's title."""
    if len(text) <= ALERT_TITLE_MAX_CHARS:
        return text
    return text[: ALERT_TITLE_MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"


def grouped(rows: list[dict], key: str) -> dict[str, list[dict]]:
    """Return rows grouped by one column, in the order they came."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(str(row[key]), []).append(row)
    return groups


def content_items(tables: dict[str, list[dict]]) -> dict[tuple[str, str], dict]:
    """Return every page and record as built: (kind, id) → its English title and fingerprint."""
    items = {}
    for slug, rows in grouped(tables["pages"], "slug").items():
        english = next(row for row in rows if row["lang"] == "en")
        items["page", slug] = {"title": english["title"], "fingerprint": fingerprint(rows)}
    texts = grouped(tables["organisation_text"], "org_id")
    for org in tables["organisations"]:
        rows = [org, *texts.get(org["id"], [])]
        items["organisation", org["id"]] = {"title": org["name"], "fingerprint": fingerprint(rows)}
    for kind, table, title in (("card", "cards", "text"), ("emergency", "emergency", "label")):
        for ident, rows in grouped(tables[table], "id").items():
            english = next(row for row in rows if row["lang"] == "en")
            items[kind, ident] = {"title": english[title], "fingerprint": fingerprint(rows)}
    for ident, rows in grouped(tables["alerts"], "id").items():
        english = next(row for row in rows if row["lang"] == "en")
        items["alert", ident] = {"title": english_title(english["text"]), "fingerprint": fingerprint(rows)}
    return items


def previous_changes(database: Path) -> dict[tuple[str, str], dict]:
    """Return the change records of the database being served, or none before the first build."""
    if not database.exists():
        return {}
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute(f"SELECT * FROM {CHANGES_TABLE}").fetchall()  # noqa: S608 (a constant)
    except sqlite3.OperationalError:  # built before changes were recorded
        return {}
    finally:
        conn.close()
    return {(row["kind"], row["id"]): dict(row) for row in rows}


def change_rows(items: dict[tuple[str, str], dict], previous: dict, built_at: str) -> list[dict]:
    """Return one change record per item: an unchanged one keeps its time, others take ``built_at``."""
    rows = []
    for (kind, ident), item in items.items():
        before = previous.get((kind, ident))
        if before is not None and before["fingerprint"] == item["fingerprint"]:
            change, changed_at = before["change"], before["changed_at"]
        else:
            change, changed_at = (CHANGED if before is not None else NEW), built_at
        rows.append({"kind": kind, "id": ident, **item, "change": change, "changed_at": changed_at})
    return rows
