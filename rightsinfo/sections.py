"""Sections of a page that a home page links to directly, named once as data.

A language's entry in the languages file may list ``home_sections`` such as
``detention#i-am-held-at-belgrade-airport``: its home page then links straight to those sections, one tap
from the home page (Turkish readers are often stopped at Belgrade airport). A section's anchor is made
from its English ``##`` heading and given to the same heading of every translation, whose heading
structure the build already holds to the English one, so one anchor reaches the section in every
language. A listed section the English page does not have fails the build, naming the languages file.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from rightsinfo import i18n

SECTION_TAG = "h2"
BARE_HEADING = re.compile(rf"<{SECTION_TAG}>")


class _Headings(HTMLParser):
    """Collect the text and ``id`` of every section heading of a page's HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[str | None, str]] = []
        self.open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == SECTION_TAG:
            self.open = True
            self.headings.append((dict(attrs).get("id"), ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == SECTION_TAG:
            self.open = False

    def handle_data(self, data: str) -> None:
        if self.open:
            anchor, text = self.headings[-1]
            self.headings[-1] = (anchor, text + data)


def headings(html: str) -> list[tuple[str | None, str]]:
    """Return (id, text) of each section heading in a page's HTML, in order."""
    parser = _Headings()
    parser.feed(html)
    parser.close()
    return [(anchor, " ".join(text.split())) for anchor, text in parser.headings]


def section_anchor(english_heading: str) -> str:
    """Return the anchor of a section from its English heading ('I am held at …' → 'i-am-held-at-…')."""
    return "-".join(re.findall(r"[a-z0-9]+", english_heading.lower()))


def section_anchors(english_html: str) -> list[str]:
    """Return the anchors of an English page's sections, in order."""
    return [section_anchor(text) for _anchor, text in headings(english_html)]


def anchor_sections(html: str, anchors: list[str]) -> str:
    """Give the section headings of a page (any language) the anchors of its English sections."""
    remaining = iter(anchors)

    def with_id(match: re.Match) -> str:
        anchor = next(remaining, None)
        return f'<{SECTION_TAG} id="{anchor}">' if anchor else match.group(0)

    return BARE_HEADING.sub(with_id, html)


def home_section_problems(anchors_by_slug: dict[str, list[str]]) -> list[str]:
    """Return a problem for every home section whose English page has no such section (a renamed heading).

    A page the content does not have at all is left out of the home page, not a problem: a site built
    from other content (a test's, a rehearsal's) need not carry every page.
    """
    problems = []
    for language in i18n.LANGUAGE_ENTRIES:
        for target in language.home_sections:
            slug, _hash, anchor = target.partition("#")
            if slug in anchors_by_slug and anchor not in anchors_by_slug[slug]:
                problems.append(
                    f"{i18n.languages_file()}: home section '{target}' of '{language.prefix}' is not a "
                    f"section of pages/{slug}/en.md (its sections: {', '.join(anchors_by_slug[slug])})"
                )
    return problems


def home_sections(prefix: str, page_of) -> list[dict]:
    """Return the sections a language's home page links to: page, anchor, heading and its language.

    ``page_of(slug)`` returns the page row in this language (English text where untranslated).
    """
    entry = next((entry for entry in i18n.LANGUAGE_ENTRIES if entry.prefix == prefix), None)
    shown = []
    for target in entry.home_sections if entry else ():
        slug, _hash, anchor = target.partition("#")
        page = page_of(slug)
        text = dict(headings(page["html"])).get(anchor) if page else None
        if text:
            shown.append(
                {key: page[key] for key in ("slug", "title", "icon", "text_lang")}
                | {"anchor": anchor, "heading": text}
            )
    return shown
