"""What translators never type: direction marks, and phone numbers in anything but 0-9.

Direction is done by the build (``rightsinfo.bidi``), so a control character typed by hand is a
mistake that would fight it; a dialled number in Eastern digits cannot be dialled. Both are refused
with file and line, so the person who typed it sees where.
"""

from __future__ import annotations

from pathlib import Path

from rightsinfo.bidi import EUROPEAN_EMERGENCY_NUMBER, typed_text_problems
from rightsinfo.content.problems import Problems
from rightsinfo.markup import normalise_contact


def check_typed_text(
    content_dir: Path, pages: dict, emergency: list, organisations: list, problems: Problems
) -> None:
    """Refuse direction marks typed into any content file, and phone numbers written in other digits."""
    bodies = {page.path: page.body for versions in pages.values() for page in versions.values()}
    numbers = {EUROPEAN_EMERGENCY_NUMBER} | {number.number for number in emergency}
    numbers |= {contact.value for org in organisations for contact in org.contacts if contact.kind == "phone"}
    digits = {normalise_contact(number).lstrip("+") for number in numbers}
    for path in sorted([*content_dir.rglob("*.md"), *content_dir.rglob("*.yaml")]):
        for line, message in typed_text_problems(path.read_text(encoding="utf-8"), bodies.get(path), digits):
            problems.add(path, message, line)
