"""Each section's recording state, decided once at build, and the address each playable one is served at.

A recording is *current* when both hashes match today's text, *reworded* when only the wording changed
(played, with a note that it may be older than the text), *outdated* when a number or a link changed, or
the text is shown in English for now (never played: a reader must never hear an old number), and a
section without one is *missing*. A recording for a section the content does not have fails the build.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from rightsinfo.content.problems import Problems
from rightsinfo.recordings.files import RecordingFile
from rightsinfo.recordings.served import SERVED_SUFFIX
from rightsinfo.recordings.texts import (
    CARDS,
    EMERGENCY,
    EMERGENCY_ID,
    PAGES,
    SectionText,
    card_section,
    emergency_section,
    page_sections,
)  # fmt: skip

CURRENT, REWORDED, OUTDATED, MISSING = "current", "reworded", "outdated", "missing"
PLAYABLE = (CURRENT, REWORDED)
FACTS_CHANGED, WORDING_CHANGED, SHOWN_IN_ENGLISH = "numbers or links changed", "reworded", "shown in English"
AUDIO_URL_PREFIX = "/audio/"
# Places a playable take for serving: its served file's hash and size, or None after a problem.
Serve = Callable[[Path], tuple[str, int] | None]
# A volunteer reads about 14 characters a second (some 150 words a minute in Pashto, Dari, Arabic, Urdu
# or Turkish, and slower for a number read digit by digit). A take under 0.3 times that is cut short or
# the wrong file; over 4 times (plus a breath at each end) it holds far more than the text: long
# silences the import did not trim, or another section.
SPOKEN_CHARS_PER_SECOND = 14
SHORTEST_FACTOR, LONGEST_FACTOR = 0.3, 4.0
BREATH_SECONDS = 2.0


def expected_seconds(text: str) -> float:
    """Return how long a text takes to read aloud at a calm speaking rate."""
    return len(text) / SPOKEN_CHARS_PER_SECOND


def duration_bounds_ms(text: str) -> tuple[int, int]:
    """Return the shortest and longest plausible take of ``text``, in milliseconds."""
    expected = expected_seconds(text)
    return round(SHORTEST_FACTOR * expected * 1000), round(
        (LONGEST_FACTOR * expected + BREATH_SECONDS) * 1000
    )


def built_items(pages: list[dict], cards: list[dict], emergency: list[dict]) -> Iterator[tuple]:
    """Yield (lang, kind, item_id, shown in lang, sections) for every item of the built rows."""
    for row in pages:
        yield (
            row["lang"],
            PAGES,
            row["slug"],
            row["text_lang"] == row["lang"],
            page_sections(row["title"], row["html"]),
        )
    for row in cards:
        yield row["lang"], CARDS, row["id"], row["text_lang"] == row["lang"], [card_section(row["text"])]
    for lang in sorted({row["lang"] for row in emergency}):
        numbers = [row for row in emergency if row["lang"] == lang]
        yield lang, EMERGENCY, EMERGENCY_ID, True, [emergency_section(numbers)]


def state_of(recording: RecordingFile, section: SectionText, shown: bool) -> tuple[str, str | None]:
    """Return a recording's state and, unless current, why."""
    if not shown:
        return OUTDATED, SHOWN_IN_ENGLISH
    if recording.facts_hash != section.facts_hash:
        return OUTDATED, FACTS_CHANGED
    if recording.text_hash != section.text_hash:
        return REWORDED, WORDING_CHANGED
    return CURRENT, None


def recording_url(lang: str, kind: str, item_id: str, section: str, digest: str) -> str:
    """Return the immutable address a recording is served at."""
    return f"{AUDIO_URL_PREFIX}{lang}/{kind}/{item_id}/{section}.{digest}{SERVED_SUFFIX}"


def recording_row(
    place: tuple[str, str, str],
    section: SectionText,
    shown: bool,
    recording: RecordingFile | None,
    serve: Serve,
) -> dict:
    """Return a section's row: its state, and for a playable recording its served file's size and address."""
    lang, kind, item_id = place
    row = dict.fromkeys(("why", "text_hash", "duration_ms", "bytes", "url", "recorded"))
    row |= {"lang": lang, "kind": kind, "item_id": item_id, "section": section.key, "state": MISSING}
    if recording is None:
        return row
    state, why = state_of(recording, section, shown)
    row |= {"state": state, "why": why, "text_hash": recording.text_hash}
    row |= {"duration_ms": recording.duration_ms, "recorded": recording.recorded.isoformat()}
    served = serve(recording.path) if state in PLAYABLE else None
    if served:
        digest, size = served
        row |= {"bytes": size, "url": recording_url(*place, section.key, digest)}
    return row


def duration_problem(recording: RecordingFile, section: SectionText) -> str | None:
    """Return why a take is too short or too long to be a reading of its section, if it is."""
    shortest, longest = duration_bounds_ms(section.text)
    if shortest <= recording.duration_ms <= longest:
        return None
    return (
        f"{recording.duration_ms / 1000:.1f} s is not a reading of its {len(section.text)}-character text "
        f"(expected {shortest / 1000:.1f}–{longest / 1000:.1f} s)"
    )


def recording_rows(
    recordings: list[RecordingFile], items: Iterator[tuple], problems: Problems, serve: Serve
) -> list[dict]:
    """Return one row per section (with its state), ``serve`` placing each playable take; record problems.

    A recording whose item or section does not exist fails the build; one for an item shown in
    English in its language stays, outdated, until the translation is back.
    """
    by_place = {(r.lang, r.kind, r.item_id, r.section): r for r in recordings}
    rows, keys_of = [], {}
    for lang, kind, item_id, shown, sections in items:
        keys_of.setdefault((kind, item_id), [s.key for s in sections])
        for section in sections:
            recording = by_place.pop((lang, kind, item_id, section.key), None)
            row = recording_row((lang, kind, item_id), section, shown, recording, serve)
            if row["url"]:
                problem = duration_problem(recording, section)
                if problem:
                    problems.add(recording.path, problem)
            if shown or recording:
                rows.append(row)
    for (lang, kind, item_id, section), recording in by_place.items():  # no such section or item
        keys = keys_of.get((kind, item_id))
        where = f"{kind}/{item_id} has no section '{section}'" if keys else f"there is no {kind} '{item_id}'"
        problems.add(
            recording.path, f"{where} in {lang}" + (f" (its sections: {', '.join(keys)})" if keys else "")
        )
    return rows
