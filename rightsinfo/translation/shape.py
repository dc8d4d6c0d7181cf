"""What a translation must keep from the English text it follows: numbers, links and headings.

A translation that is current must write every number as often as its English page, the same link
targets and the same headings; each difference is reported per number with file and line, e.g.
``content/pages/asylum/ps.md:14: 72 appears 1 time, en.md has it 2 times``. For an outdated translation
the build asks only whether its facts (numbers, links) differ from today's English, to decide whether
readers get the translation or today's English page.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from rightsinfo.content import FRONT_MATTER_PATTERN, Page
from rightsinfo.markup import EASTERN_DIGITS, shape_of

LINK_TARGET = re.compile(r"\]\([^)]*\)")


def shown_path(path: Path) -> str:
    """Return a page's path as an editor knows it (content/pages/<slug>/<lang>.md)."""
    return str(Path(*path.parts[-4:])) if len(path.parts) >= 4 else str(path)


def line_of_number(path: Path, number: str) -> int | None:
    """Return the first line of a page's text (not its header or link targets) that writes ``number``."""
    try:
        text = path.read_text(encoding="utf-8").translate(EASTERN_DIGITS)
    except OSError:
        return None
    header = FRONT_MATTER_PATTERN.match(text)
    start = header.end() if header else 0
    # Blank out link targets, keeping offsets, so a digit inside a URL is not taken for the text's.
    text = LINK_TARGET.sub(lambda match: " " * len(match.group(0)), text)
    digits = re.escape(number) if len(number) >= 6 else "0*" + re.escape(number)
    match = re.compile(rf"(?<!\d){digits}(?!\d)").search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else None


def times(count: int) -> str:
    """Return '1 time' or 'N times'."""
    return f"{count} time" if count == 1 else f"{count} times"


def number_problems(path: Path, source: tuple[str, ...], target: tuple[str, ...], english: str) -> list[str]:
    """Say, per number, how often a translation and its English page write it."""
    wanted, found = Counter(source), Counter(target)
    name = shown_path(path)
    problems = []
    for number in sorted(set(wanted) | set(found), key=lambda n: (len(n), n)):
        have, need = found[number], wanted[number]
        if have == need:
            continue
        line = line_of_number(path, number)
        where = f"{name}:{line}" if line else name
        if need == 0:
            problems.append(f"{where}: {number} is not in {english} (it appears {times(have)} here)")
        elif have == 0:
            problems.append(f"{name}: {number} is missing ({english} has it {times(need)})")
        else:
            problems.append(f"{where}: {number} appears {times(have)}, {english} has it {times(need)}")
    return problems


def translation_problems(
    english: Page, translation: Page, en_html: str, html: str, english_name: str = "en.md"
) -> list[str]:
    """Return what differs between a translation and an English text: numbers, links, headings."""
    source, target = shape_of(en_html), shape_of(html)
    name = shown_path(translation.path)
    problems = number_problems(translation.path, source.numbers, target.numbers, english_name)
    if source.links != target.links:
        missing = sorted(set(source.links) - set(target.links))
        extra = sorted(set(target.links) - set(source.links))
        detail = "; ".join(
            part
            for part in (
                f"missing: {' '.join(missing)}" if missing else "",
                f"not in {english_name}: {' '.join(extra)}" if extra else "",
            )
            if part
        )
        problems.append(f"{name}: links differ from {english_name}" + (f" ({detail})" if detail else ""))
    if source.headings != target.headings:
        problems.append(
            f"{name}: headings differ from {english_name} ({len(target.headings)} headings, "
            f"English has {len(source.headings)})"
        )
    return problems


def facts_differ(en_html: str, html: str) -> bool:
    """Return whether a translation writes other numbers or links than the English page today."""
    source, target = shape_of(en_html), shape_of(html)
    return source.numbers != target.numbers or source.links != target.links
