"""The records read from the content folder, before Markdown is rendered."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rightsinfo.i18n import ENGLISH
from rightsinfo.partial_date import PartialDate


@dataclass
class Source:
    """A numbered source of facts, as listed in sources.yaml."""

    id: str
    url: str
    title: str
    date: str
    dated: PartialDate | None = None


@dataclass
class EmergencyNumber:
    """An emergency phone number with its source and label per language."""

    id: str
    number: str
    verified_on: PartialDate
    source: str
    labels: dict[str, str]


@dataclass
class Page:
    """One page in one language, as written (Markdown not yet rendered)."""

    slug: str
    lang: str
    path: Path
    title: str
    summary: str
    body: str
    # The fact check: the day a person checked the English page against its sources, and who.
    reviewed: PartialDate | None
    icon: str = "about"
    order: int = 50
    sources: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    status: str = "reviewed"
    translated_from: str | None = None
    reviewed_by: str | None = None
    # The translation review: the day a native speaker checked a translation against its English, and who.
    translation_reviewed: PartialDate | None = None
    translation_reviewed_by: str | None = None

    @property
    def last_checked(self) -> PartialDate | None:
        """Return the day of this page's own check: the fact check in English, else the translation review."""
        return self.reviewed if self.lang == ENGLISH else self.translation_reviewed

    @property
    def fingerprint(self) -> str:
        """Return the version of this page's substance (see ``substance_fingerprint``)."""
        return substance_fingerprint(self.title, self.summary, self.body)


@dataclass
class Contact:
    """A phone number, e-mail or address, written once and never translated."""

    kind: str
    value: str
    verified_on: PartialDate | None
    source: str
    label: str | None = None
    caution: str | None = None


@dataclass
class Organisation:
    """An organisation record: data written once, text per language."""

    id: str
    path: Path
    name: str
    local_name: str | None
    kinds: list[str]
    cities: list[str]
    website: str | None
    languages: list[str]
    coordinates: list[float] | None
    hours: list[dict]
    verified_on: PartialDate | None
    source: str
    sources: list[str]
    unconfirmed: list[str]
    contacts: list[Contact]
    text: dict[str, dict]


@dataclass
class Card:
    """A 'show this' card: Serbian in both scripts, and the reader's language beneath."""

    id: str
    order: int
    icon: str
    sr_latn: str
    sr_cyrl: str
    status: str
    text: dict[str, str]


@dataclass
class Content:
    """Everything in the content folder, read and checked."""

    sources: dict[str, Source]
    emergency: list[EmergencyNumber]
    pages: dict[str, dict[str, Page]]
    organisations: list[Organisation]
    cards: list[Card]
    papers: list = field(default_factory=list)  # content.papers.Paper: words on official papers
    alerts: list = field(default_factory=list)  # content.alerts.Alert, read after pages and records


def substance_fingerprint(*texts: str) -> str:
    """Return a short hash of the words and numbers only, so spacing or punctuation edits keep it."""
    words = []
    for text in texts:
        for char in unicodedata.normalize("NFKC", text).casefold():
            if unicodedata.category(char)[0] in "LN":
                words.append(char)
    return hashlib.sha256("".join(words).encode()).hexdigest()[:12]
