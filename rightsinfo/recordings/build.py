"""The build's part for recordings: check them against the built text, place what is served, list them.

``build.py`` calls ``recordings_table`` with the rows it has just made, so the states are decided on
exactly the text readers will be served.
"""

from __future__ import annotations

from pathlib import Path

from rightsinfo.content.problems import Problems
from rightsinfo.recordings.files import read_recordings
from rightsinfo.recordings.served import Placer
from rightsinfo.recordings.states import built_items, recording_rows

RECORDINGS_TABLE = "recordings"
RECORDING_COLUMNS = {
    **dict.fromkeys(
        ("lang", "kind", "item_id", "section", "state", "why", "text_hash", "url", "recorded"), str
    ),
    **dict.fromkeys(("duration_ms", "bytes"), int),
}


def recordings_table(db, content_dir: Path, audio_dir: Path, tables: dict[str, list[dict]]) -> None:
    """Check every recording, place the playable ones as WebM and write the ``recordings`` table.

    Any problem raises ContentError naming the file, before the database is renamed into place; a
    served file placed by then is harmless, named by its take and given no address.
    """
    problems = Problems(content_dir.parent)
    found = read_recordings(content_dir, problems)
    items = built_items(tables["pages"], tables["cards"], tables["emergency"])
    rows = recording_rows(found, items, problems, Placer(audio_dir, problems).place)
    problems.raise_if_any()
    # Created even when empty: most sections have no recording yet, and the queries still find it.
    db[RECORDINGS_TABLE].create(RECORDING_COLUMNS, pk=("lang", "kind", "item_id", "section"))
    db[RECORDINGS_TABLE].insert_all(rows)
