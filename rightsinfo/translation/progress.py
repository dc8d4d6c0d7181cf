"""How far each language has come: one decision for "outdated" and "updating", shared by build and status.

A translated page records ``translated_from``, the fingerprint of the English page it follows; when the
English changes in substance the fingerprints differ and the translation is *outdated*. If the English
facts (numbers, links) changed too, readers get today's English until a translator catches up: the
translation is *updating*. ``freshness`` is the only place that decides it; the build serves pages by
it, and ``translation_progress`` counts by it for the ``translations status`` command (working files)
and for the ``/translators/`` page (what the build stored).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rightsinfo.content import Content, ContentError, Page
from rightsinfo.i18n import ENGLISH, LOCALE_BY_PREFIX
from rightsinfo.markup import render_markdown
from rightsinfo.partial_date import parse_partial_date
from rightsinfo.translation.catalogues import POT_NAME, catalogue_paths, catalogue_status
from rightsinfo.translation.glossary import glossaries
from rightsinfo.translation.shape import facts_differ

CURRENT, OUTDATED, UPDATING = "current", "outdated", "updating"


@dataclass
class LanguageStatus:
    """How far one language has come, in the shape of ``status --json``."""

    ui: dict = field(default_factory=dict)
    pages: dict = field(default_factory=dict)


def freshness(
    english: Page, translation: Page, english_html: str | None = None, html: str | None = None
) -> str:
    """Return CURRENT, OUTDATED (readers keep the translation) or UPDATING (readers get the English).

    The HTML, when the caller has rendered it already (the build), saves rendering it again.
    """
    if translation.translated_from == english.fingerprint:
        return CURRENT
    english_html = render_markdown(english.body) if english_html is None else english_html
    html = render_markdown(translation.body) if html is None else html
    return UPDATING if facts_differ(english_html, html) else OUTDATED


def is_review_due(reviewed: str | None, today: dt.date, after_days: int) -> bool:
    """Return whether a page was never reviewed, or last reviewed longer ago than ``after_days``."""
    # A review dated only by month or year counts from its first day: due sooner, never later.
    return reviewed is None or (today - parse_partial_date(reviewed).first_day()).days > after_days


def count_pot_messages(translations_root: Path) -> int:
    """Return how many messages the template catalogue has."""
    from babel.messages.pofile import read_po

    pot = translations_root / POT_NAME
    if not pot.exists():
        return 0
    with pot.open("rb") as handle:
        return sum(1 for message in read_po(handle) if message.id)


def reviewed_on(page: Page) -> str | None:
    """Return the day (or month, or year) a page was last checked, as written; None if never.

    The fact check in English, the native speaker's review in a translation (``Page.last_checked``).
    """
    checked = page.last_checked
    return checked.isoformat() if checked else None


def language_pages(content: Content, prefix: str) -> dict:
    """Return the page counts of one translated language, and each page's review date."""
    translated, outdated, updating, missing, draft, reviewed = 0, [], [], [], 0, 0
    dates = {}
    for slug, versions in sorted(content.pages.items()):
        page = versions.get(prefix)
        if page is None:
            missing.append(slug)
            continue
        translated += 1
        state = freshness(versions[ENGLISH], page)
        if state != CURRENT:
            outdated.append(slug)
        if state == UPDATING:
            updating.append(slug)
        dates[slug] = reviewed_on(page)
        if page.status == "reviewed":
            reviewed += 1
        else:
            draft += 1
    return {
        "translated": translated,
        "outdated": outdated,
        "updating": updating,
        "missing": missing,
        "draft": draft,
        "reviewed": reviewed,
        "reviewed_on": dates,
    }


def translation_progress(content: Content, translations_root: Path) -> dict[str, LanguageStatus]:
    """Return every language's progress (English first, for its review dates), keyed by URL prefix.

    Nothing here depends on today: ``with_review_due`` adds what does, when the page is shown.
    """
    catalogues = catalogue_paths(translations_root)
    messages = count_pot_messages(translations_root)
    result = {}
    for prefix, locale in LOCALE_BY_PREFIX.items():
        if prefix == ENGLISH:
            pages = {
                "translated": len(content.pages),
                "outdated": [],
                "updating": [],
                "missing": [],
                "draft": 0,
                "reviewed": len(content.pages),
                "reviewed_on": {slug: reviewed_on(v[ENGLISH]) for slug, v in sorted(content.pages.items())},
            }
            result[prefix] = LanguageStatus({"translated": messages, "fuzzy": 0, "missing": 0}, pages)
            continue
        po_path = catalogues[locale]
        ui = asdict(catalogue_status(po_path)) if po_path.exists() else None
        result[prefix] = LanguageStatus(ui or {"translated": 0, "fuzzy": 0, "missing": messages},
                                        language_pages(content, prefix))  # fmt: skip
    return result


def with_review_due(progress: dict[str, LanguageStatus], today: dt.date, after_days: int) -> None:
    """Replace each language's review dates by the pages due for review on ``today``."""
    for item in progress.values():
        dates = item.pages.pop("reviewed_on")
        item.pages["review_due"] = [
            slug for slug, day in dates.items() if is_review_due(day, today, after_days)
        ]


def diff_hint(slug: str, prefix: str) -> str:
    """Return the command that shows what changed in English since a translation was made."""
    return f"make diff PAGE={slug} LANG={prefix}"  # make: translators have no `flask` on their PATH


def stored_progress(content: Content, translations_root: Path) -> dict:
    """Return what the build stores for the ``/translators/`` page: progress, glossaries, their problems."""
    try:
        terms, problems = glossaries(translations_root), []
    except ContentError as error:
        terms, problems = {}, error.problems
    return {
        "languages": {
            prefix: asdict(item) for prefix, item in translation_progress(content, translations_root).items()
        },
        "glossaries": {prefix: [asdict(term) for term in found] for prefix, found in terms.items()},
        "glossary_problems": problems,
    }
