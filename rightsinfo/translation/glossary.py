"""One glossary per language: the word to use for each key term, and the words to avoid.

The glossaries are TBX files (TBX-Basic, ISO 30042) in ``translations/glossary/<locale>.tbx``, the
format Weblate imports as a glossary: each term entry pairs one English term with one word, marked
``preferredTerm-admn-sts`` (use it) or ``deprecatedTerm-admn-sts`` (avoid it; Weblate shows it as a
forbidden translation). An English term without a word in a language is not decided yet.

``translations check`` looks for every word to avoid in the pages, records, cards and catalogues of
its language and names file, line and the word to use: an error in reviewed text, a warning in a
draft, so a draft can still be published while a translator fixes it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

from rightsinfo.content import Content, ContentError
from rightsinfo.i18n import ENGLISH, LOCALE_BY_PREFIX

GLOSSARY_DIR_NAME = "glossary"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Administrative statuses that mean "do not use this word" (TBX-Basic, and the names Weblate uses).
AVOID_STATUSES = frozenset(
    {"deprecatedterm-admn-sts", "supersededterm-admn-sts", "deprecated", "forbidden", "obsolete"}
)
# One-letter words written joined to the next word ("and", "with", "to") in Arabic-script languages.
PROCLITICS = "وفبلک"
LANGUAGE_KEY = re.compile(r"^\s*(" + "|".join(LOCALE_BY_PREFIX) + r")\s*:")


@dataclass
class Term:
    """One key term in one language: the word to use (None: not decided yet) and the words to avoid."""

    term: str
    preferred: str | None = None
    avoid: list[str] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class Finding:
    """A word to avoid, found in a file."""

    where: str
    variant: str
    term: Term
    draft: bool

    def message(self) -> str:
        """Return the line a translator reads."""
        use = f"use '{self.term.preferred}'" if self.term.preferred else "the glossary gives no word yet"
        return f"{self.where}: '{self.variant}' is a word to avoid for '{self.term.term}' ({use})"


def glossary_path(translations_dir: Path, prefix: str) -> Path:
    """Return the glossary file of a language (named by its catalogue locale, as Weblate expects)."""
    return translations_dir / GLOSSARY_DIR_NAME / f"{LOCALE_BY_PREFIX[prefix]}.tbx"


def read_glossary(path: Path) -> list[Term]:
    """Read one TBX glossary into terms, in file order; raise ContentError naming a broken file."""
    try:
        # The glossary is a file of this repository, not client data; expat resolves no external entities.
        root = ElementTree.parse(path).getroot()  # noqa: S314
    except ElementTree.ParseError as error:
        line = error.position[0]
        raise ContentError([f"{path}:{line}: the glossary is not well-formed XML ({error.msg})"]) from error
    terms: dict[str, Term] = {}
    for entry in root.iter("termEntry"):
        english, words = None, []
        for lang_set in entry.iter("langSet"):
            lang = lang_set.get(XML_LANG, "")
            for tig in lang_set.iter("tig"):
                word = (tig.findtext("term") or "").strip()
                status = (tig.findtext("termNote[@type='administrativeStatus']") or "").strip().lower()
                if lang == ENGLISH:
                    english = word
                elif word:
                    words.append((word, status in AVOID_STATUSES, (lang_set.findtext("note") or "").strip()))
        if not english:
            continue
        term = terms.setdefault(english, Term(english))
        for word, avoid, note in words:
            if avoid:
                term.avoid.append(word)
            else:
                term.preferred, term.note = word, note or term.note
    return list(terms.values())


def glossaries(translations_dir: Path) -> dict[str, list[Term]]:
    """Return every language's glossary, keyed by URL prefix (an absent file is an empty glossary)."""
    result = {}
    for prefix in LOCALE_BY_PREFIX:
        if prefix == ENGLISH:
            continue
        path = glossary_path(translations_dir, prefix)
        result[prefix] = read_glossary(path) if path.exists() else []
    return result


def variant_pattern(variant: str) -> re.Pattern:
    """Match a word to avoid at the start of a word, so its plurals and other endings are found too."""
    return re.compile(rf"(?<!\w)[{PROCLITICS}]?{re.escape(variant)}")


def find_in_lines(lines: list[str], terms: list[Term]) -> list[tuple[int, str, Term]]:
    """Return (line number, variant, term) for every word to avoid in some lines of text."""
    found = []
    for term in terms:
        for variant in term.avoid:
            pattern = variant_pattern(variant)
            found += [(number, variant, term) for number, line in lines if pattern.search(line)]
    return sorted(found, key=lambda item: item[0])


def shown(path: Path, project_dir: Path) -> str:
    """Return a path relative to the project, as editors know it."""
    try:
        return str(path.relative_to(project_dir))
    except ValueError:
        return str(path)


def lines_of_language(path: Path, prefix: str) -> list[tuple[int, str]]:
    """Return the lines of a YAML record that belong to one language's text (under '<lang>:')."""
    current, lines = None, []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = LANGUAGE_KEY.match(line)
        if match:
            current = match.group(1)
        elif line and not line[0].isspace():
            current = None
        if current == prefix:
            lines.append((number, line))
    return lines


def check_glossary(content: Content, content_dir: Path, translations_dir: Path) -> list[Finding]:
    """Return every word to avoid in the pages, records, cards and catalogues of every language."""
    project_dir = content_dir.parent
    findings = []

    def add(path: Path, hits: list[tuple[int, str, Term]], draft: bool) -> None:
        for number, variant, term in hits:
            where = f"{shown(path, project_dir)}:{number}"
            findings.append(Finding(where, variant, term, draft))

    for prefix, terms in glossaries(translations_dir).items():
        if not any(term.avoid for term in terms):
            continue
        for versions in content.pages.values():
            page = versions.get(prefix)
            if page is not None:
                text = page.path.read_text(encoding="utf-8")
                numbered = list(enumerate(text.splitlines(), start=1))
                add(page.path, find_in_lines(numbered, terms), page.status != "reviewed")
        for record in [*content.organisations, *content.papers]:  # YAML records, one text per language
            if prefix in record.text:
                hits = find_in_lines(lines_of_language(record.path, prefix), terms)
                add(record.path, hits, record.text[prefix]["status"] != "reviewed")
        for card in content.cards:
            path = content_dir / "cards" / f"{card.id}.yaml"
            if prefix in card.text and path.exists():
                add(path, find_in_lines(lines_of_language(path, prefix), terms), card.status != "reviewed")
        po_path = translations_dir / LOCALE_BY_PREFIX[prefix] / "LC_MESSAGES" / "messages.po"
        if po_path.exists():
            with po_path.open("rb") as handle:
                catalog = read_po(handle)
            for message in catalog:
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                lines = [(message.lineno or 0, text) for text in strings if text]
                # A fuzzy entry is never shown to readers, so it is only a warning.
                add(po_path, find_in_lines(lines, terms), bool(message.fuzzy))
    return findings
