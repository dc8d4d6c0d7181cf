"""How far each language's recordings have come, per page, card and the emergency numbers.

Read from the build's ``recordings`` table by both the ``translations status`` command and the
``/translators/`` page, so both say the same: recordings present, outdated (and why) and missing.
"""

from __future__ import annotations

import sqlite3

from rightsinfo import db
from rightsinfo.recordings.states import CURRENT, MISSING, OUTDATED, REWORDED


def recording_status(conn: sqlite3.Connection, lang: str) -> dict[str, dict[str, list]]:
    """Return, per item ("pages/asylum"), its sections present, reworded, outdated (with why) and missing."""
    items: dict[str, dict[str, list]] = {}
    for row in db.recordings(conn, lang):
        item = items.setdefault(
            f"{row['kind']}/{row['item_id']}", {CURRENT: [], REWORDED: [], OUTDATED: [], MISSING: []}
        )
        item[row["state"]].append(f"{row['section']} ({row['why']})" if row["why"] else row["section"])
    return items


def status_lines(items: dict[str, dict[str, list]]) -> list[str]:
    """Return the status command's lines for one language: a total, then each item with a recording."""
    missing = sum(len(item[MISSING]) for item in items.values())
    played = sum(len(item[CURRENT]) + len(item[REWORDED]) for item in items.values())
    outdated = sum(len(item[OUTDATED]) for item in items.values())
    lines = [f"      recordings: {played} present, {outdated} outdated, {missing} sections missing"]
    for name, item in items.items():
        if item[CURRENT] or item[REWORDED] or item[OUTDATED]:
            lines.append(
                f"        {name}: {len(item[CURRENT]) + len(item[REWORDED])} present, "
                f"{len(item[MISSING])} missing"
                + "".join(f"; reworded (plays with a note): {s}" for s in item[REWORDED])
                + "".join(f"; outdated (not played): {s}" for s in item[OUTDATED])
            )
    return lines
