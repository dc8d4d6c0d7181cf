"""What a recording reads: the sections of a page, a card or the emergency numbers, and their hashes.

A recording belongs to one section of one item in one language: a page's ``intro`` (its title and the
text before the first ``##``) and then each ``##`` section, keyed by the anchor the build gives its
heading (made from the English heading, so the same key in every language); a card's ``card`` (the
reader's language only, never the Serbian side); the emergency numbers' ``numbers``. Each section's
text is what the reader sees, as a volunteer reads it aloud. Two hashes tie a recording to it:
``text_hash`` changes with any word, ``facts_hash`` only with a number or a link, so a reworded
sentence leaves a recording playable (with a note) and a changed phone number never lets it play.
"""

from __future__ import annotations

import hashlib
import sqlite3
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from rightsinfo import db
from rightsinfo.sections import SECTION_TAG
from rightsinfo.templating import is_short_number

PAGES, CARDS, EMERGENCY = "pages", "cards", "emergency"
KINDS = (PAGES, CARDS, EMERGENCY)
INTRO, CARD, NUMBERS = "intro", "card", "numbers"
EMERGENCY_ID = "numbers"
HASH_HEX_CHARS = 16
BLOCK_TAGS = {"p", "h2", "h3", "h4", "li", "blockquote", "tr", "td", "th", "br", "hr", "ul", "ol", "table"}


def _short_hash(text: str) -> str:
    """Return the first hex digits of the SHA-256 of ``text``: short enough to read, long enough to trust."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_HEX_CHARS]


def tidy(text: str) -> str:
    """Return text as a recording's hash sees it: NFC, whitespace collapsed, so markup layout never counts."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def digit_runs(text: str) -> list[str]:
    """Return every run of digits in ``text``, any script's digits written 0–9 (۱۹۲ and 192 are one fact)."""
    runs, current = [], []
    for char in text:
        if char.isdecimal():
            current.append(str(unicodedata.decimal(char)))
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


@dataclass(frozen=True)
class SectionText:
    """One section a recording reads: its key, the plain text the reader sees, and its link targets."""

    key: str
    text: str
    links: tuple[str, ...] = ()

    @property
    def text_hash(self) -> str:
        """Return the hash of the exact text: any change of wording changes it."""
        return _short_hash(self.text)

    @property
    def facts_hash(self) -> str:
        """Return the hash of the section's numbers and link targets in order: a changed number changes it."""
        return _short_hash("\n".join(digit_runs(self.text) + list(self.links)))


class _SectionSplitter(HTMLParser):
    """Split a page's HTML at each section heading into (anchor, text, links), text before the first as ''."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[str, list[str], list[str]]] = [("", [], [])]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == SECTION_TAG:
            self.parts.append((attributes.get("id") or "", [], []))
        if tag in BLOCK_TAGS:
            self.parts[-1][1].append(" ")
        if tag == "a" and attributes.get("href"):
            self.parts[-1][2].append(attributes["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self.parts[-1][1].append(" ")

    def handle_data(self, data: str) -> None:
        self.parts[-1][1].append(data)


def page_sections(title: str, html: str) -> list[SectionText]:
    """Return a page's sections in reading order: the title and intro, then each ``##`` section."""
    splitter = _SectionSplitter()
    splitter.feed(html)
    splitter.close()
    (_, intro, intro_links), *rest = splitter.parts
    found = [SectionText(INTRO, tidy(title + " " + "".join(intro)), tuple(intro_links))]
    for anchor, text, links in rest:
        if anchor:  # every heading of a built page has its anchor; a bare one is not addressable
            found.append(SectionText(anchor, tidy("".join(text)), tuple(links)))
    return found


def card_section(text: str) -> SectionText:
    """Return a card's one section: its text in the reader's language (the Serbian side is never read)."""
    return SectionText(CARD, tidy(text))


def emergency_section(numbers: list[dict]) -> SectionText:
    """Return the emergency numbers block as read: each short number's label and number, in order."""
    shown = [item for item in numbers if is_short_number(item["number"])]
    return SectionText(NUMBERS, tidy(" ".join(f"{item['label']} {item['number']}" for item in shown)))


def sections(conn: sqlite3.Connection, lang: str, kind: str, item_id: str) -> list[SectionText]:
    """Return the sections of one item as readers of ``lang`` are served it; [] where it is not in ``lang``.

    Text shown in English on a Pashto page (untranslated, or updating) has nothing to record in Pashto.
    """
    if kind == PAGES:
        page = db.page(conn, lang, item_id)
        return page_sections(page["title"], page["html"]) if page and page["text_lang"] == lang else []
    if kind == CARDS:
        card = next((c for c in db.cards(conn, lang) if c["id"] == item_id), None)
        return [card_section(card["text"])] if card and card["text_lang"] == lang else []
    if kind == EMERGENCY and item_id == EMERGENCY_ID:
        numbers = db.emergency_numbers(conn, lang)
        return [emergency_section(numbers)] if numbers else []
    return []
