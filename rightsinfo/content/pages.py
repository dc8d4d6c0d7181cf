"""Reading topic pages: one Markdown file per language, with a front matter block of fields."""

from __future__ import annotations

import re
from pathlib import Path

from rightsinfo.content.fields import FieldReader, check_source_ids, parse_yaml, yaml_problem
from rightsinfo.content.models import Page
from rightsinfo.content.problems import Problems
from rightsinfo.i18n import ENGLISH, LOCALE_BY_PREFIX
from rightsinfo.vocabulary import ICONS, MISSING, TRANSLATION_STATUSES

# Page slugs that name other parts of the site and so cannot be used for topic pages.
RESERVED_SLUGS = frozenset(
    {"organisations", "cards", "papers", "search", "offline", "print", "guide.html", "static", "sw.js"}
)
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
FRONT_MATTER_PATTERN = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
# A line that can belong to a header: a field, an indented continuation, a list item or a comment.
FIELD_LINE_PATTERN = re.compile(r"^(?:[\w-]+\s*:|\s+\S|-\s|#\s)")
# The two kinds of check, each a day and a name: (date field, name field).
FACT_CHECK = ("fact_checked", "fact_checked_by")
TRANSLATION_REVIEW = ("translation_reviewed", "translation_reviewed_by")
WHERE_CHECKS_BELONG = (
    "a fact check against the sources is recorded in en.md (fact_checked), a native speaker's review "
    "in the translation (translation_reviewed)"
)
HEADER_FIRST_LINE = 2  # the header's YAML starts on the line after the opening '---'


def unclosed_header_line(text: str) -> int:
    """Return the line where a header opened on line 1 but never closed should have ended.

    That is the first line after the opening ``---`` that is not a field (``name: value``), a field's
    continuation (indented) or a list item: where the page's own text begins.
    """
    lines = text.splitlines()
    for number, line in enumerate(lines[1:], start=2):
        if not FIELD_LINE_PATTERN.match(line):
            return number
    return len(lines) + 1


def split_front_matter(path: Path, problems: Problems) -> tuple[dict, object, str] | None:
    """Split a Markdown file into (front matter, its YAML nodes, body)."""
    import yaml  # here, not above: only builds and translators' commands read content files

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.add(path, "is not UTF-8 text: save it as UTF-8 in your editor")
        return None
    match = FRONT_MATTER_PATTERN.match(text)
    if not match and text.startswith("---"):
        line = unclosed_header_line(text)
        message = (
            "the header that starts with '---' on line 1 is never closed: put a line with only '---' "
            f"after the last field, before line {line} (front matter: no closing '---' line)"
        )
        problems.add(path, message, line)
        return None
    if not match:
        problems.add(path, "the file must start with a line '---', then the fields (title: …), then '---'", 1)
        return None
    try:
        data, node = parse_yaml(match.group(1))
    except yaml.YAMLError as error:
        line, message = yaml_problem(error)
        problems.add(path, message, line + HEADER_FIRST_LINE if line is not None else 1)
        return None
    if not isinstance(data, dict):
        problems.add(path, "the header must be 'name: value' lines, like 'title: …'", HEADER_FIRST_LINE)
        return None
    return data, node, text[match.end() :]


def read_checks(reader: FieldReader, lang: str) -> dict | None:
    """Read the two kinds of check a page records, each with its day and who; None if a date is wrong.

    A fact check (``fact_checked``, ``fact_checked_by``) is a person comparing the English page with
    its sources: it belongs in en.md only. A translation review (``translation_reviewed``,
    ``translation_reviewed_by``) is a native speaker comparing a translation with its English. The
    older ``reviewed:`` is still read: as the fact check in English, and in a translation as that
    translation's review, never as a fact check nobody made.
    """
    own, other = (FACT_CHECK, TRANSLATION_REVIEW) if lang == ENGLISH else (TRANSLATION_REVIEW, FACT_CHECK)
    for key in other:
        if key in reader.data:
            reader.problem(key, f"'{key}' does not belong in this file: {WHERE_CHECKS_BELONG}")
    date_key = own[0] if own[0] in reader.data or "reviewed" not in reader.data else "reviewed"
    checked = reader.date_field(date_key, required=False)
    if checked is None and reader.data.get(date_key) is not None:
        return None
    by = reader.text_field(own[1], required=False)
    if lang == ENGLISH:
        return {"reviewed": checked, "reviewed_by": by}
    return {"reviewed": None, "translation_reviewed": checked, "translation_reviewed_by": by}


def read_page(path: Path, slug: str, lang: str, sources: dict | None, problems: Problems) -> Page | None:
    """Read one page file; English pages carry the page's shared data, translations only text."""
    parts = split_front_matter(path, problems)
    if parts is None:
        return None
    data, node, body = parts
    if lang != ENGLISH and data.get("status") == MISSING:
        return None  # a stub from `translations new-language`: readers get English, marked untranslated
    reader = FieldReader(data, path, node, problems, line_offset=HEADER_FIRST_LINE)
    title = reader.text_field("title")
    summary = reader.text_field("summary")
    keywords = reader.list_field("keywords")
    if not body.strip():
        problems.add(path, "the page has no text below the front matter")
    checks = read_checks(reader, lang)
    if title is None or summary is None or checks is None:
        return None
    page = Page(slug, lang, path, title, summary, body, keywords=keywords, **checks)
    if lang == ENGLISH:
        page.icon = reader.choice_field("icon", ICONS, "about") or "about"
        order = data.get("order", 50)
        if not isinstance(order, int):
            reader.problem("order", "'order' must be a whole number")
            order = 50
        page.order = order
        page.sources = reader.list_field("sources")
        if sources is not None:
            check_source_ids(reader, "sources", page.sources, sources)
    else:
        page.status = reader.choice_field("status", TRANSLATION_STATUSES, "draft") or "draft"
        stamp = data.get("translated_from")
        page.translated_from = str(stamp) if stamp else None
    return page


def read_pages(pages_dir: Path, sources: dict, problems: Problems) -> dict[str, dict[str, Page]]:
    """Read every page folder: pages[slug][lang]."""
    pages: dict[str, dict[str, Page]] = {}
    if not pages_dir.is_dir():
        return pages
    for folder in sorted(p for p in pages_dir.iterdir() if p.is_dir()):
        slug = folder.name
        if not SLUG_PATTERN.match(slug) or slug in RESERVED_SLUGS:
            problems.add(folder, f"'{slug}' cannot be a page name (lowercase letters, digits, -)")
            continue
        found = {}
        for path in sorted(folder.glob("*.md")):
            lang = path.stem
            if lang not in LOCALE_BY_PREFIX:
                problems.add(path, f"unknown language '{lang}' (use: {' '.join(LOCALE_BY_PREFIX)})")
                continue
            page = read_page(path, slug, lang, sources, problems)
            if page is not None:
                found[lang] = page
        if ENGLISH not in found:
            if not (folder / "en.md").exists():
                problems.add(folder, "has no English page (en.md), which every translation follows")
            continue
        pages[slug] = found
    return pages
