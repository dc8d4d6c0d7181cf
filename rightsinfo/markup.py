"""Markdown → safe HTML, done once at build time, and the facts a translation must keep.

Pages are Markdown written by people; raw HTML in them is not rendered (markdown-it's ``html`` option
is off) and the result is cleaned again with an nh3 allowlist, so neither a careless paste nor a hostile
edit reaches a reader as active markup. Phone and e-mail links are wrapped in ``<bdi dir="ltr">`` so
numbers read left to right inside right-to-left text and never break across lines.

markdown-it and nh3 are imported on first use: only a build renders Markdown, and a worker that serves
pages and leaflets never loads them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rightsinfo.i18n import DIGITS_BY_NUMBERING_SYSTEM

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "a", "strong", "em", "bdi", "blockquote",
    "br", "hr", "code", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "bdi": {"dir", "class", "lang"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"https", "http", "tel", "mailto"}

# Every digit of i18n's table back to 0–9, and a run of them: numbers compare in whatever digits typed.
EASTERN_DIGITS = str.maketrans(
    "".join(DIGITS_BY_NUMBERING_SYSTEM.values()), "0123456789" * len(DIGITS_BY_NUMBERING_SYSTEM)
)
EASTERN_DIGIT_RUN = re.compile("[" + "".join(DIGITS_BY_NUMBERING_SYSTEM.values()) + "]+")
NUMBER_PATTERN = re.compile(r"\d+")
HEADING_PATTERN = re.compile(r"<h([2-4])>")
HREF_PATTERN = re.compile(r'href="([^"]*)"')
TAG_PATTERN = re.compile(r"<[^>]+>")


@functools.cache
def markdown() -> MarkdownIt:
    """Return the CommonMark parser, made once: raw HTML switched off, tables on."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")

    def link_open(renderer, tokens, idx, options, env):
        opening = renderer.renderToken(tokens, idx, options, env)
        if _is_contact_link(tokens[idx]):
            return '<bdi dir="ltr" class="tel">' + opening
        return opening

    def link_close(renderer, tokens, idx, options, env):
        closing = renderer.renderToken(tokens, idx, options, env)
        if _is_contact_link(tokens[_matching_open(tokens, idx)]):
            return closing + "</bdi>"
        return closing

    md.add_render_rule("link_open", link_open)
    md.add_render_rule("link_close", link_close)
    return md


def _is_contact_link(token) -> bool:
    """Return whether a link token points at a phone number or an e-mail address."""
    return (token.attrGet("href") or "").startswith(("tel:", "mailto:"))


def _matching_open(tokens, close_idx: int) -> int:
    """Return the index of the link_open token that the link_close at ``close_idx`` ends."""
    depth = 0
    for idx in range(close_idx - 1, -1, -1):
        if tokens[idx].type == "link_close":
            depth += 1
        elif tokens[idx].type == "link_open":
            if depth == 0:
                return idx
            depth -= 1
    return -1


def sanitise(html: str) -> str:
    """Keep only the allowlisted tags, attributes and URL schemes."""
    import nh3

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str) -> str:
    """Render page Markdown to sanitised HTML."""
    return sanitise(markdown().render(text, {}))


@dataclass(frozen=True)
class Shape:
    """What a translation must keep from its source: numbers, links and heading levels."""

    numbers: tuple[str, ...]
    links: tuple[str, ...]
    headings: tuple[int, ...]


def without_tags(html: str, replacement: str = "") -> str:
    """Return sanitised HTML (ours: no comments, no '>' inside attributes) with every tag replaced."""
    return TAG_PATTERN.sub(replacement, html)


def shape_of(html: str) -> Shape:
    """Return the numbers, links and heading structure of rendered HTML."""
    links = tuple(sorted(HREF_PATTERN.findall(html)))
    text = without_tags(html, " ")
    text = text.translate(EASTERN_DIGITS)
    numbers = tuple(sorted(str(int(n)) if len(n) < 6 else n for n in NUMBER_PATTERN.findall(text)))
    headings = tuple(int(level) for level in HEADING_PATTERN.findall(html))
    return Shape(numbers, links, headings)


def contact_links(html: str) -> list[str]:
    """Return the tel: and mailto: targets linked in rendered HTML."""
    return [href for href in HREF_PATTERN.findall(html) if href.startswith(("tel:", "mailto:"))]


def normalise_contact(value: str) -> str:
    """Return a phone number or e-mail address in the form used to compare them (digits only)."""
    value = value.strip().lower()
    if value.startswith("mailto:"):
        return value[len("mailto:") :]
    if value.startswith("tel:"):
        value = value[len("tel:") :]
    if "@" in value:
        return value
    value = value.translate(EASTERN_DIGITS)
    return ("+" if value.lstrip().startswith("+") else "") + re.sub(r"\D", "", value)


def tel_link_texts(body: str) -> list[tuple[int, str]]:
    """Return (line within the Markdown, shown text) of every ``tel:`` link in page Markdown."""
    found = []
    for block in markdown().parse(body):
        if block.type != "inline" or not block.children or block.map is None:
            continue
        inside, shown = False, []
        for token in block.children:
            if token.type == "link_open" and (token.attrGet("href") or "").startswith("tel:"):
                inside, shown = True, []
            elif token.type == "link_close" and inside:
                found.append((block.map[0] + 1 + _line_within(block.children, token), "".join(shown)))
                inside = False
            elif inside and token.type in ("text", "code_inline"):
                shown.append(token.content)
    return found


def _line_within(children: list, token) -> int:
    """Return how many line breaks precede ``token`` inside its paragraph."""
    breaks = 0
    for child in children:
        if child is token:
            return breaks
        breaks += child.type in ("softbreak", "hardbreak")
    return breaks
