"""Left-to-right runs inside right-to-left text, found and isolated by the program, never by translators.

The Unicode bidi algorithm lays out a Latin name inside Pashto, Dari, Arabic or Urdu text well enough
on its own, but it lets the name capture what stands next to it: a day number after a case number
("C-808/18، 17 دسمبر") joins the Latin run and leaves its month, a comma-separated list of names reads
backwards to someone reading right to left, and brackets around a Serbian term split across a line
break. Each run of Latin (or Cyrillic) script is therefore wrapped in ``<bdi dir="ltr">`` (an isolate:
the text around it sees one neutral character), together with the digits and punctuation glued to it
and the brackets that enclose it, but not the numbers or commas that belong to the sentence.

A run is marked ``lang="und-Latn"`` (or ``und-Cyrl``) inside right-to-left languages: we know its
script, not its language (a Serbian office, an English acronym or a case number look alike to a
program), and ``und`` is the BCP 47 tag for exactly that. It keeps screen readers and fonts from
treating the run as Urdu or Arabic without claiming English for Serbian words.

The HTML is walked with a real parser (``html.parser``): text inside ``<bdi>``, phone and e-mail
links, ``<code>``, scripts, styles and attribute values is left alone, and only text whose direction
is right to left is touched. The same function serves the pages (at build time), the finished web
page, the one-file guide and the leaflets that WeasyPrint draws.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from html import escape
from html.parser import HTMLParser

from babel import Locale, UnknownLocaleError

from rightsinfo.i18n import ACCEPT_LANGUAGE_ALIASES, get_language
from rightsinfo.locale_facts import release_babel_data
from rightsinfo.markup import EASTERN_DIGIT_RUN, EASTERN_DIGITS, tel_link_texts

UNDETERMINED_LATIN = "und-Latn"
UNDETERMINED_CYRILLIC = "und-Cyrl"

# Bidi classes that end a left-to-right run: right-to-left letters, Arabic-Indic digits, paragraph
# ends and explicit formatting characters.
RUN_BREAKING_CLASSES = {"R", "AL", "AN", "B", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
# Arabic-script punctuation is neutral to the algorithm but belongs to the sentence, never to a name.
ARABIC_PUNCTUATION = "\u060c\u061b\u061f\u06d4"  # ، ؛ ؟ ۔
# A comma or semicolon followed by a space separates the items of a list: each item is isolated on
# its own, so "BCHR, IDEAS, APC" reads in order from right to left.
LIST_SEPARATORS = ",;"
# ... except inside a postal address, which is one left-to-right phrase: a comma after a house number
# ("Ruska 4, Belgrade", "Nemanjina 128d, …") or before a postcode ("…, 11000 Belgrade").
HOUSE_NUMBER_BEFORE_COMMA = re.compile(r"[^\W\d_] \d+[^\W\d_]?$")
ADDRESS_LOOKBACK_CHARACTERS = 16
# Characters glued to the end of a run without a space ("C-808/18", "COVID-19", "50%").
ATTACHED_CHARACTERS = set("0123456789-/.,:+%")
TRAILING_PUNCTUATION = set("-/.,:+;!?")
BRACKET_PAIRS = {"(": ")", "[": "]", "{": "}"}
CLOSING_BRACKETS = {closing: opening for opening, closing in BRACKET_PAIRS.items()}

# Unicode bidi control characters: nobody types them, and an unseen one can reorder a phone number.
BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
BIDI_CONTROL_PATTERN = re.compile(f"[{BIDI_CONTROLS}]")

# HTML's elements with no end tag (the ZIM's page rewriting uses them too).
VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                           "source", "track", "wbr"})  # fmt: skip
# Elements whose text is not running text or must keep its bytes: never wrapped.
UNTOUCHED_ELEMENTS = {"bdi", "code", "pre", "kbd", "samp", "script", "style", "textarea", "title",
                      "option", "svg", "math", "template"}  # fmt: skip
RAW_TEXT_ELEMENTS = {"script", "style"}


def is_strong_ltr(character: str) -> bool:
    """Return whether a character is a left-to-right letter (Latin, Cyrillic, Greek …)."""
    return unicodedata.bidirectional(character) == "L"


def _breaks_run(text: str, index: int, bracket_depth: int = 0) -> bool:
    """Return whether the character at ``index`` ends any left-to-right run it is in.

    A list comma inside brackets the run opened ("Ministry (of Interior, Border Police)") is part of
    one name, not a list.
    """
    character = text[index]
    if character in ARABIC_PUNCTUATION or unicodedata.bidirectional(character) in RUN_BREAKING_CLASSES:
        return True
    return (
        bracket_depth == 0
        and character in LIST_SEPARATORS
        and index + 1 < len(text)
        and text[index + 1].isspace()
        and not _inside_address(text, index)
    )


def _inside_address(text: str, index: int) -> bool:
    """Return whether the comma at ``index`` joins the parts of a postal address, not a list.

    Split there, "Nemanjina 9, 11000 Belgrade" in a right-to-left sentence shows as "Belgrade 11000 ,9
    Nemanjina", and a reader copies the court's address onto an envelope in that order.
    """
    following = text[index + 2 : index + 3]
    if following.isascii() and following.isdigit():
        return True
    lookback = max(0, index - ADDRESS_LOOKBACK_CHARACTERS)
    return HOUSE_NUMBER_BEFORE_COMMA.search(text, lookback, index) is not None


def _balance_brackets(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a run to take in the brackets that pair with it; drop a bracket it cannot pair."""
    for _round in range(4):
        inner = text[start:end]
        openers = [c for c in inner if c in BRACKET_PAIRS]
        closers = [c for c in inner if c in CLOSING_BRACKETS]
        if len(closers) > len(openers) and start > 0 and text[start - 1] in BRACKET_PAIRS:
            start -= 1
        elif len(openers) > len(closers) and end < len(text) and text[end] in CLOSING_BRACKETS:
            end += 1
        elif (
            start > 0
            and end < len(text)
            and text[start - 1] in BRACKET_PAIRS
            and text[end] == BRACKET_PAIRS[text[start - 1]]
        ):
            start, end = start - 1, end + 1
        else:
            break
    return start, end


def _ends_abbreviation(text: str, start: int, end: int) -> bool:
    """Return whether the full stop ending text[start:end] closes an abbreviation ("b.b.", "d.o.o.")."""
    last_word = text[start:end].rsplit(None, 1)[-1]
    return last_word.endswith(".") and "." in last_word[:-1]


def latin_runs(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) offsets of the left-to-right runs in a right-to-left text.

    A run goes from its first left-to-right letter to its last one, with the spaces, digits and
    punctuation between them, as long as no right-to-left letter, Arabic punctuation or list comma
    comes between. Digits glued to its end ("C-808/18") belong to it, a number after a space does
    not ("RC Principovci: 18 سال" keeps 18 with سال), and enclosing brackets come with it.
    """
    runs: list[tuple[int, int]] = []
    index = 0
    while index < len(text):
        if not is_strong_ltr(text[index]):
            index += 1
            continue
        start, end = index, index + 1
        scan, depth = index + 1, 0
        while scan < len(text) and not _breaks_run(text, scan, depth):
            if is_strong_ltr(text[scan]):
                end = scan + 1
            depth += (text[scan] in BRACKET_PAIRS) - (text[scan] in CLOSING_BRACKETS and depth > 0)
            scan += 1
        while end < len(text) and text[end] in ATTACHED_CHARACTERS and not _breaks_run(text, end):
            end += 1
        while (
            end > start + 1
            and text[end - 1] in TRAILING_PUNCTUATION
            and not _ends_abbreviation(text, start, end)
        ):
            end -= 1
        while start > 0 and text[start - 1].isascii() and text[start - 1].isdigit():
            start -= 1
        start, end = _balance_brackets(text, start, end)
        runs.append((start, end))
        index = end
    return runs


def run_language(run: str) -> str:
    """Return the undetermined-language tag for a run's script (Cyrillic or Latin)."""
    letters = [c for c in run if is_strong_ltr(c)]
    cyrillic = sum(1 for c in letters if "CYRILLIC" in unicodedata.name(c, ""))
    return UNDETERMINED_CYRILLIC if cyrillic > len(letters) / 2 else UNDETERMINED_LATIN


@cache
def is_rtl_language(tag: str | None) -> bool:
    """Return whether a language tag (``ur``, ``fa-AF``, ``prs``) names a right-to-left language (CLDR).

    The site's own languages answer from what ``i18n`` read of CLDR; another tag (a ``lang`` in the
    content) is looked up in Babel once per process, and Babel's copy of that locale is let go again.
    """
    if not tag:
        return False
    primary = tag.replace("_", "-").split("-")[0].lower()
    ours = get_language(primary) or get_language(ACCEPT_LANGUAGE_ALIASES.get(primary, ""))
    if ours is not None:
        return ours.is_rtl
    try:
        return Locale.parse(primary).text_direction == "rtl"
    except (ValueError, UnknownLocaleError):
        return False
    finally:
        release_babel_data()


def isolate_text(text: str, language_tag: str | None = None) -> str:
    """Return right-to-left plain text as escaped HTML with each left-to-right run in ``<bdi>``."""
    pieces, position = [], 0
    for start, end in latin_runs(text):
        run = text[start:end]
        lang = f' lang="{run_language(run)}"' if is_rtl_language(language_tag) else ""
        pieces.append(escape(text[position:start], quote=False))
        pieces.append(f'<bdi dir="ltr"{lang}>{escape(run, quote=False)}</bdi>')
        position = end
    pieces.append(escape(text[position:], quote=False))
    return "".join(pieces)


class _Isolator(HTMLParser):
    """Copy HTML through, isolating left-to-right runs in the text nodes of right-to-left elements."""

    def __init__(self, direction: str, language_tag: str | None):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        # (tag, direction, language, untouched) of each open element; the first is the context.
        self.stack: list[tuple[str, str, str | None, bool]] = [("", direction, language_tag, False)]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")
        if tag in VOID_ELEMENTS:
            return
        values = {name: value or "" for name, value in attrs}
        _tag, direction, language, untouched = self.stack[-1]
        chosen = values.get("dir", "").lower()
        if chosen in ("ltr", "rtl"):
            direction = chosen
        elif chosen == "auto":
            untouched = True
        href = values.get("href", "").lower()
        untouched = (
            untouched or tag in UNTOUCHED_ELEMENTS or (tag == "a" and href.startswith(("tel:", "mailto:")))
        )
        self.stack.append((tag, direction, values.get("lang", language), untouched))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data: str) -> None:
        tag, direction, language, untouched = self.stack[-1]
        if tag in RAW_TEXT_ELEMENTS:
            self.out.append(data)
        elif untouched or direction != "rtl":
            self.out.append(escape(data, quote=False))
        else:
            self.out.append(isolate_text(data, language))

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


def isolate_html(html: str, direction: str = "ltr", language_tag: str | None = None) -> str:
    """Return HTML with the left-to-right runs of its right-to-left text isolated in ``<bdi>``.

    ``direction`` and ``language_tag`` are those of the element the HTML is placed in (a page body);
    a whole document sets its own with ``<html dir lang>``. Running it twice changes nothing.
    """
    parser = _Isolator(direction, language_tag)
    parser.feed(html)
    parser.close()
    return "".join(parser.out)


def bidi_control_problems(text: str) -> list[tuple[int, str]]:
    """Return (line, message) for each bidi control character typed into a content file."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in BIDI_CONTROL_PATTERN.finditer(line):
            name = unicodedata.name(match.group(), f"U+{ord(match.group()):04X}")
            problems.append(
                (
                    number,
                    f"invisible direction mark {name} (U+{ord(match.group()):04X}): delete it; "
                    "the site sets the direction of Latin names and numbers itself",
                )
            )
    return problems


def isolate_page_html(html: str, prefix: str) -> str:
    """Return a page's rendered HTML isolated for its language (given by URL prefix); English is unchanged."""
    language = get_language(prefix)
    if language is None or not language.is_rtl:
        return html
    return isolate_html(html, "rtl", language.tag)


# ---------------------------------------------------------------------------------------------------
# What translators type: plain text, and phone numbers in the digits that are dialled.

# The pan-European number the pages discuss (and tell readers not to rely on): people dial it, so it
# is written 0–9 like the numbers in emergency.yaml.
EUROPEAN_EMERGENCY_NUMBER = "112"
DIALLED_TEXT = re.compile(r"[0-9+() -]+")


def typed_text_problems(text: str, body: str | None, phone_numbers: set[str]) -> list[tuple[int, str]]:
    """Return (line, message) for direction marks, and for phone numbers not written 0–9, in a content file.

    ``body`` is the Markdown part of a page file (None for YAML files): the text of its ``tel:`` links
    is checked too, since that is what a reader copies or reads out.
    """
    problems = bidi_control_problems(text)
    for number, line in enumerate(text.splitlines(), start=1):
        for match in EASTERN_DIGIT_RUN.finditer(line):
            written = match.group().translate(EASTERN_DIGITS)
            if written in phone_numbers:
                problems.append(
                    (number, f"phone number {match.group()} must be written in 0–9 digits: {written}")
                )
    if body is not None:
        first_line = text[: len(text) - len(body)].count("\n")
        for line, link_text in tel_link_texts(body):
            if not DIALLED_TEXT.fullmatch(link_text):
                problems.append(
                    (
                        first_line + line,
                        f"the text of a phone link must be the number in 0–9 digits: '{link_text}'",
                    )
                )
    return sorted(problems)
