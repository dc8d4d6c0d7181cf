"""Reading the words on official papers: one YAML file per Serbian term, explained per language.

A reader holding a paper printed in Serbian Cyrillic cannot tell a decision from a detention order. Each
record gives the term as printed in both scripts, what it means and what to do in each language, the page
that explains it, and the sources of its meaning. The checks are the ones a record needs to be trusted:
both scripts spell the same word, every source is listed, the page exists, and a translation keeps every
number (days, hours) of the English text it follows.

A Serbian name is never invented: where the sources of the meaning do not print it, ``sr_sources`` names
those that do, or says ``unconfirmed``, and every output then marks the name as not confirmed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rightsinfo.content.fields import (
    FieldReader,
    check_source_ids,
    language_entries,
    read_record,
    translation_status,
)
from rightsinfo.content.problems import Problems
from rightsinfo.folding import fold
from rightsinfo.i18n import ENGLISH
from rightsinfo.markup import EASTERN_DIGITS, NUMBER_PATTERN

TEXT_FIELDS = ("name", "meaning", "action")
UNCONFIRMED = "unconfirmed"  # sr_sources: no source prints this Serbian name
DEFAULT_ORDER = 50


@dataclass
class Paper:
    """A Serbian word or title found on official papers, with its meaning per language."""

    id: str
    path: Path
    order: int
    sr_latn: str
    sr_cyrl: str
    page: str
    sources: list[str]
    also: list[str] = field(default_factory=list)
    text: dict[str, dict] = field(default_factory=dict)
    # The sources that print the Serbian name; empty when none does (the name is then marked unconfirmed).
    sr_sources: list[str] = field(default_factory=list)


def numbers_in(entry: dict) -> Counter:
    """Return how often each number appears in a text entry, whatever digits it was typed in."""
    words = " ".join(str(entry.get(key) or "") for key in TEXT_FIELDS).translate(EASTERN_DIGITS)
    return Counter(NUMBER_PATTERN.findall(words))


def read_paper_text(reader: FieldReader) -> dict[str, dict]:
    """Read a term's text per language; English needs a name and a meaning, translations keep its numbers."""
    text = {}
    for lang, entry in language_entries(reader, "en: {name: …, meaning: …}").items():
        required = TEXT_FIELDS[:2]
        if not isinstance(entry, dict) or not all(str(entry.get(key) or "").strip() for key in required):
            reader.nested("text").problem(lang, f"'text' for '{lang}' needs a 'name' and a 'meaning'")
            continue
        status = translation_status(reader.nested("text").nested(lang), lang, entry)
        keywords = entry.get("keywords") or []
        if not isinstance(keywords, list):
            reader.nested("text").nested(lang).problem(
                "keywords", "'keywords' must be a list like [panah, panahandegi]"
            )
            keywords = []
        text[lang] = {key: str(entry.get(key) or "").strip() for key in TEXT_FIELDS}
        text[lang] |= {"status": status, "keywords": [str(word) for word in keywords]}
    english = text.get(ENGLISH)
    for lang, entry in text.items():
        if english and lang != ENGLISH and numbers_in(entry) != numbers_in(english):
            reader.nested("text").problem(lang, f"'text' for '{lang}' must write the same numbers as English")
    return text


def read_name_sources(reader: FieldReader, sources: dict, meaning_sources: list[str]) -> list[str]:
    """Return the sources that print the Serbian name: ``sr_sources``, or the meaning's when it is absent."""
    value = reader.data.get("sr_sources", meaning_sources)
    if value == UNCONFIRMED:
        return []
    if not isinstance(value, list) or not value:
        wanted = f"the sources that print the Serbian name, or say '{UNCONFIRMED}'"
        reader.problem("sr_sources", f"'sr_sources' must list {wanted}")
        return []
    ids = [str(item) for item in value]
    check_source_ids(reader, "sr_sources", ids, sources)
    return ids


def read_paper(path: Path, sources: dict, page_slugs: set[str], problems: Problems) -> Paper | None:
    """Read one term: both scripts, the page that explains it, its sources and its text per language."""
    reader = read_record(path, problems)
    if reader is None:
        return None
    sr_latn = reader.text_field("sr_latn")
    sr_cyrl = reader.text_field("sr_cyrl")
    if sr_latn and sr_cyrl and fold(sr_latn) != fold(sr_cyrl):
        reader.problem("sr_cyrl", f"'sr_cyrl' must spell the same words as 'sr_latn' ({sr_latn})")
    page = reader.text_field("page")
    if page and page not in page_slugs:
        reader.problem("page", f"'page': there is no page '{page}' in content/pages/")
    listed_sources = reader.list_field("sources")
    if not listed_sources:
        reader.problem("sources", "'sources' must name the sources that give this meaning")
    check_source_ids(reader, "sources", listed_sources, sources)
    order = reader.data.get("order", DEFAULT_ORDER)
    if not isinstance(order, int):
        reader.problem("order", "'order' must be a whole number")
        order = DEFAULT_ORDER
    text = read_paper_text(reader)
    if not (sr_latn and sr_cyrl and page and text):
        return None
    also = reader.list_field("also")
    sr_sources = read_name_sources(reader, sources, listed_sources)
    return Paper(path.stem, path, order, sr_latn, sr_cyrl, page, listed_sources, also, text, sr_sources)


def read_papers(folder: Path, sources: dict, page_slugs: set[str], problems: Problems) -> list[Paper]:
    """Read every term in ``folder`` (content/papers/), in reading order."""
    papers = [
        paper
        for path in sorted(folder.glob("*.yaml"))
        if (paper := read_paper(path, sources, page_slugs, problems)) is not None
    ]
    return sorted(papers, key=lambda paper: (paper.order, paper.id))
