"""Read the content folder into plain records, checking every file as it is read.

Content is edited by people with text editors, so every problem is reported as one line that names
the file, the line where we can tell, and what is wrong, in words an editor understands:
``content/pages/asylum/ps.md:4: 'reviewed' is not a date``. Reading never stops at the first problem:
an editor sees every mistake in one run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from rightsinfo.bidi import EUROPEAN_EMERGENCY_NUMBER, typed_text_problems
from rightsinfo.i18n import ENGLISH, LOCALE_BY_PREFIX
from rightsinfo.markup import normalise_contact
from rightsinfo.vocabulary import (
    CONTACT_KINDS,
    CONTACT_LABELS,
    ICONS,
    KINDS_OF_HELP,
    SPOKEN_LANGUAGES,
    TRANSLATION_STATUSES,
    WEEKDAYS,
)

# Page slugs that name other parts of the site and so cannot be used for topic pages.
RESERVED_SLUGS = frozenset(
    {"organisations", "cards", "search", "offline", "print", "guide.html", "static", "sw.js"}
)
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
FRONT_MATTER_PATTERN = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)


class ContentError(Exception):
    """Content that cannot be built; the message lists one problem per line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Problems:
    """Collects problems as 'file:line: message' lines, relative to the project folder."""

    root: Path
    lines: list[str] = field(default_factory=list)

    def add(self, path: Path, message: str, line: int | None = None) -> None:
        """Record one problem in one file."""
        try:
            name = path.relative_to(self.root)
        except ValueError:
            name = path
        where = f"{name}:{line}" if line else f"{name}"
        self.lines.append(f"{where}: {message}")

    def raise_if_any(self) -> None:
        """Stop the build when anything was wrong."""
        if self.lines:
            raise ContentError(self.lines)


@dataclass
class Source:
    """A numbered source of facts, as listed in sources.yaml."""

    id: str
    url: str
    title: str
    supports: str
    date: str
    also: list[str]


@dataclass
class EmergencyNumber:
    """An emergency phone number with its source and label per language."""

    id: str
    number: str
    verified_on: dt.date
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
    reviewed: dt.date
    icon: str = "about"
    order: int = 50
    sources: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    status: str = "reviewed"
    translated_from: str | None = None

    @property
    def fingerprint(self) -> str:
        """Return the version of this page's substance (see ``substance_fingerprint``)."""
        return substance_fingerprint(self.title, self.summary, self.body)


@dataclass
class Contact:
    """A phone number, e-mail or address, written once and never translated."""

    kind: str
    value: str
    verified_on: dt.date
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
    verified_on: dt.date | None
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


def substance_fingerprint(*texts: str) -> str:
    """Return a short hash of the words and numbers only, so spacing or punctuation edits keep it."""
    words = []
    for text in texts:
        for char in unicodedata.normalize("NFKC", text).casefold():
            if unicodedata.category(char)[0] in "LN":
                words.append(char)
    return hashlib.sha256("".join(words).encode()).hexdigest()[:12]


def line_of_key(text: str, key: str, offset: int = 1) -> int | None:
    """Return the 1-based line where ``key:`` first appears in a YAML text, if it does."""
    pattern = re.compile(rf"^\s*-?\s*{re.escape(key)}\s*:", re.MULTILINE)
    match = pattern.search(text)
    if not match:
        return None
    return text.count("\n", 0, match.start()) + offset


def load_yaml(path: Path, problems: Problems) -> object | None:
    """Parse a YAML file, recording a syntax error with its line instead of raising."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.add(path, "is not UTF-8 text")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(error, "problem", None) or "is not valid YAML"
        problems.add(path, f"YAML: {reason}", line)
    return None


def as_date(value: object) -> dt.date | None:
    """Return a date for a YAML date or an ISO date string, or None if it is not a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


class FieldReader:
    """Reads typed fields from one mapping, recording each problem against its file and line."""

    def __init__(self, data: dict, path: Path, text: str, problems: Problems, line_offset: int = 1):
        self.data = data
        self.path = path
        self.text = text
        self.problems = problems
        self.line_offset = line_offset

    def problem(self, key: str, message: str) -> None:
        """Record a problem with the field ``key``."""
        line = line_of_key(self.text, key, self.line_offset)
        self.problems.add(self.path, message, line)

    def text_field(self, key: str, required: bool = True) -> str | None:
        """Return a non-empty string field."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(key, f"'{key}' is missing")
            return None
        if not isinstance(value, str | int | float) or not str(value).strip():
            self.problem(key, f"'{key}' must be text")
            return None
        return str(value).strip()

    def date_field(self, key: str) -> dt.date | None:
        """Return a YYYY-MM-DD date field."""
        value = self.data.get(key)
        if value is None:
            self.problem(key, f"'{key}' is missing")
            return None
        day = as_date(value)
        if day is None:
            self.problem(key, f"'{key}' is not a date (write YYYY-MM-DD)")
        return day

    def list_field(self, key: str, allowed: tuple | dict | None = None) -> list:
        """Return a list field, checking each item against ``allowed`` when given."""
        value = self.data.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(key, f"'{key}' must be a list like [a, b]")
            return []
        items = [str(item) for item in value]
        if allowed is not None:
            for item in items:
                if item not in allowed:
                    choices = " ".join(allowed)
                    self.problem(key, f"'{key}': unknown value '{item}' (use: {choices})")
        return items

    def choice_field(self, key: str, allowed: tuple, default: str | None = None) -> str | None:
        """Return a field that must be one of ``allowed``."""
        value = self.data.get(key, default)
        if value not in allowed:
            self.problem(key, f"'{key}' must be one of: {' '.join(allowed)}")
            return default
        return value


def read_sources(path: Path, problems: Problems) -> dict[str, Source]:
    """Read sources.yaml: S-numbers with address, title, what they support and their date."""
    data = load_yaml(path, problems) if path.exists() else {}
    if not isinstance(data, dict):
        if data is not None:
            problems.add(path, "must be a mapping of source numbers (S1: …)")
        return {}
    text = path.read_text(encoding="utf-8")
    sources = {}
    for key, entry in data.items():
        if not isinstance(entry, dict):
            problems.add(path, f"source {key} must be a mapping", line_of_key(text, str(key)))
            continue
        url = str(entry.get("url") or "")
        if not url.startswith(("http://", "https://")):
            problems.add(path, f"source {key}: 'url' must be a web address", line_of_key(text, key))
        sources[str(key)] = Source(
            id=str(key),
            url=url,
            title=str(entry.get("title") or key),
            supports=str(entry.get("supports") or ""),
            date=str(entry.get("date") or "undated"),
            also=[str(item) for item in entry.get("also") or []],
        )
    return sources


def check_source_ids(reader: FieldReader, key: str, ids: list[str], sources: dict) -> None:
    """Record every source number in ``ids`` that sources.yaml does not list."""
    for source_id in ids:
        if source_id not in sources:
            reader.problem(key, f"'{key}': source '{source_id}' is not in content/sources.yaml")


def read_emergency(path: Path, sources: dict, problems: Problems) -> list[EmergencyNumber]:
    """Read emergency.yaml: each number with its source, date and labels."""
    data = load_yaml(path, problems) if path.exists() else {"numbers": []}
    if not isinstance(data, dict) or not isinstance(data.get("numbers"), list):
        if data is not None:
            problems.add(path, "must have a list 'numbers'")
        return []
    text = path.read_text(encoding="utf-8")
    numbers = []
    for entry in data["numbers"]:
        if not isinstance(entry, dict):
            problems.add(path, "each number must be a mapping")
            continue
        reader = FieldReader(entry, path, text, problems)
        number = reader.text_field("number")
        day = reader.date_field("verified_on")
        source = reader.text_field("source")
        labels = entry.get("label") or {}
        if not isinstance(labels, dict) or ENGLISH not in labels:
            reader.problem("label", "'label' must give at least the English text (label: {en: …})")
            labels = {}
        if source:
            check_source_ids(reader, "source", [source], sources)
        if number and day and source:
            numbers.append(
                EmergencyNumber(
                    id=str(entry.get("id") or number),
                    number=number,
                    verified_on=day,
                    source=source,
                    labels={str(k): str(v) for k, v in labels.items()},
                )
            )
    return numbers


def split_front_matter(path: Path, problems: Problems) -> tuple[dict, str, str] | None:
    """Split a Markdown file into (front matter, its YAML text, body)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.add(path, "is not UTF-8 text")
        return None
    match = FRONT_MATTER_PATTERN.match(text)
    if not match:
        problems.add(path, "front matter: the file must start with a '---' block", 1)
        return None
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problems.add(path, f"front matter: {getattr(error, 'problem', 'invalid YAML')}", line)
        return None
    if not isinstance(data, dict):
        problems.add(path, "front matter: must be 'key: value' lines", 2)
        return None
    return data, match.group(1), text[match.end() :]


def read_page(path: Path, slug: str, lang: str, sources: dict | None, problems: Problems) -> Page | None:
    """Read one page file; English pages carry the page's shared data, translations only text."""
    parts = split_front_matter(path, problems)
    if parts is None:
        return None
    data, yaml_text, body = parts
    reader = FieldReader(data, path, yaml_text, problems, line_offset=2)
    title = reader.text_field("title")
    summary = reader.text_field("summary")
    reviewed = reader.date_field("reviewed")
    keywords = reader.list_field("keywords")
    if not body.strip():
        problems.add(path, "the page has no text below the front matter")
    if title is None or summary is None or reviewed is None:
        return None
    page = Page(slug, lang, path, title, summary, body, reviewed, keywords=keywords)
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


def read_contacts(reader: FieldReader, sources: dict) -> list[Contact]:
    """Read an organisation's contacts; each needs a source and a verified_on date."""
    raw = reader.data.get("contacts") or []
    if not isinstance(raw, list):
        reader.problem("contacts", "'contacts' must be a list")
        return []
    contacts = []
    for entry in raw:
        if not isinstance(entry, dict):
            reader.problem("contacts", "each contact must be a mapping (kind, value, …)")
            continue
        sub = FieldReader(entry, reader.path, reader.text, reader.problems)
        value = sub.text_field("value")
        kind = sub.choice_field("kind", CONTACT_KINDS)
        if value is not None and entry.get("source") is None:
            reader.problem("contacts", f"contact '{value}' has no 'source'")
            continue
        if value is not None and entry.get("verified_on") is None:
            reader.problem("contacts", f"contact '{value}' has no 'verified_on' date")
            continue
        day = sub.date_field("verified_on")
        source = sub.text_field("source")
        label = entry.get("label")
        if label is not None and label not in CONTACT_LABELS:
            sub.problem("label", f"'label' must be one of: {' '.join(CONTACT_LABELS)}")
            label = None
        if source:
            check_source_ids(sub, "source", [source], sources)
        if value and kind and day and source:
            caution = entry.get("caution")
            contacts.append(Contact(kind, value, day, source, label, caution and str(caution)))
    return contacts


def read_hours(reader: FieldReader) -> list[dict]:
    """Read opening hours as data: days with opening and closing times."""
    raw = reader.data.get("hours") or []
    if not isinstance(raw, list):
        reader.problem("hours", "'hours' must be a list")
        return []
    hours = []
    for entry in raw:
        days = entry.get("days") if isinstance(entry, dict) else None
        opens = str(entry.get("opens", "")) if isinstance(entry, dict) else ""
        closes = str(entry.get("closes", "")) if isinstance(entry, dict) else ""
        if (
            not isinstance(days, list)
            or any(day not in WEEKDAYS for day in days)
            or not TIME_PATTERN.match(opens)
            or not TIME_PATTERN.match(closes)
        ):
            reader.problem("hours", "'hours': write {days: [mon, tue], opens: '09:00', closes: ...}")
            continue
        hours.append({"days": days, "opens": opens, "closes": closes})
    return hours


def read_text_by_language(reader: FieldReader) -> dict[str, dict]:
    """Read an organisation's per-language text; English is required."""
    raw = reader.data.get("text") or {}
    if not isinstance(raw, dict) or not isinstance(raw.get(ENGLISH), dict):
        reader.problem("text", "'text' must give at least 'en: {summary: …}'")
        return {}
    text = {}
    for lang, entry in raw.items():
        if lang not in LOCALE_BY_PREFIX:
            reader.problem("text", f"'text': unknown language '{lang}'")
            continue
        if not isinstance(entry, dict) or not str(entry.get("summary") or "").strip():
            reader.problem("text", f"'text' for '{lang}' needs a 'summary'")
            continue
        status = entry.get("status", "reviewed" if lang == ENGLISH else "draft")
        if status not in TRANSLATION_STATUSES:
            reader.problem("status", f"'status' must be one of: {' '.join(TRANSLATION_STATUSES)}")
            status = "draft"
        text[lang] = {"summary": str(entry["summary"]).strip(), "status": status}
    return text


def read_organisation(path: Path, sources: dict, problems: Problems) -> Organisation | None:
    """Read one organisation record."""
    data = load_yaml(path, problems)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.add(path, "must be 'key: value' lines")
        return None
    text = path.read_text(encoding="utf-8")
    reader = FieldReader(data, path, text, problems)
    name = reader.text_field("name")
    kinds = reader.list_field("kinds", KINDS_OF_HELP)
    cities = reader.list_field("cities")
    languages = reader.list_field("languages", SPOKEN_LANGUAGES)
    # An undated source gives no date: the record then says so rather than invent one.
    verified_on = reader.date_field("verified_on") if data.get("verified_on") is not None else None
    source = reader.text_field("source")
    listed_sources = reader.list_field("sources")
    check_source_ids(reader, "sources", listed_sources + ([source] if source else []), sources)
    website = data.get("website")
    if website is not None and not str(website).startswith("https://"):
        reader.problem("website", "'website' must start with https://")
        website = None
    coordinates = data.get("coordinates")
    if coordinates is not None and not (
        isinstance(coordinates, list)
        and len(coordinates) == 2
        and all(isinstance(c, int | float) for c in coordinates)
    ):
        reader.problem("coordinates", "'coordinates' must be [latitude, longitude]")
        coordinates = None
    contacts = read_contacts(reader, sources)
    hours = read_hours(reader)
    by_language = read_text_by_language(reader)
    if not kinds:
        reader.problem("kinds", "'kinds' must name at least one kind of help")
    if name is None or source is None or not by_language:
        return None
    return Organisation(
        id=path.stem,
        path=path,
        name=name,
        local_name=reader.text_field("local_name", required=False),
        kinds=kinds,
        cities=cities,
        website=website,
        languages=languages,
        coordinates=coordinates,
        hours=hours,
        verified_on=verified_on,
        source=source,
        sources=listed_sources,
        unconfirmed=reader.list_field("unconfirmed"),
        contacts=contacts,
        text=by_language,
    )


def read_card(path: Path, problems: Problems) -> Card | None:
    """Read one 'show this' card."""
    data = load_yaml(path, problems)
    if not isinstance(data, dict):
        if data is not None:
            problems.add(path, "must be 'key: value' lines")
        return None
    reader = FieldReader(data, path, path.read_text(encoding="utf-8"), problems)
    sr_latn = reader.text_field("sr_latn")
    sr_cyrl = reader.text_field("sr_cyrl")
    icon = reader.choice_field("icon", ICONS, "rights")
    status = reader.choice_field("status", TRANSLATION_STATUSES, "draft")
    text = data.get("text") or {}
    if not isinstance(text, dict) or not str(text.get(ENGLISH) or "").strip():
        reader.problem("text", "'text' must give at least 'en: …'")
        return None
    for lang in text:
        if lang not in LOCALE_BY_PREFIX:
            reader.problem("text", f"'text': unknown language '{lang}'")
    order = data.get("order", 50)
    if sr_latn is None or sr_cyrl is None:
        return None
    return Card(
        id=path.stem,
        order=order if isinstance(order, int) else 50,
        icon=icon or "rights",
        sr_latn=sr_latn,
        sr_cyrl=sr_cyrl,
        status=status or "draft",
        text={str(k): str(v).strip() for k, v in text.items() if k in LOCALE_BY_PREFIX and v},
    )


def check_typed_text(
    content_dir: Path, pages: dict, emergency: list, organisations: list, problems: Problems
) -> None:
    """Refuse direction marks typed into any content file, and phone numbers written in other digits."""
    bodies = {page.path: page.body for versions in pages.values() for page in versions.values()}
    numbers = {EUROPEAN_EMERGENCY_NUMBER} | {number.number for number in emergency}
    numbers |= {contact.value for org in organisations for contact in org.contacts if contact.kind == "phone"}
    digits = {normalise_contact(number).lstrip("+") for number in numbers}
    for path in sorted([*content_dir.rglob("*.md"), *content_dir.rglob("*.yaml")]):
        for line, message in typed_text_problems(path.read_text(encoding="utf-8"), bodies.get(path), digits):
            problems.add(path, message, line)


def read_content(content_dir: Path) -> Content:
    """Read and check the whole content folder, raising ContentError listing every problem."""
    problems = Problems(content_dir.parent)
    sources = read_sources(content_dir / "sources.yaml", problems)
    emergency = read_emergency(content_dir / "emergency.yaml", sources, problems)
    pages = read_pages(content_dir / "pages", sources, problems)
    organisations = [
        org
        for path in sorted((content_dir / "organisations").glob("*.yaml"))
        if (org := read_organisation(path, sources, problems)) is not None
    ]
    cards = [
        card
        for path in sorted((content_dir / "cards").glob("*.yaml"))
        if (card := read_card(path, problems)) is not None
    ]
    check_typed_text(content_dir, pages, emergency, organisations, problems)
    problems.raise_if_any()
    cards.sort(key=lambda card: (card.order, card.id))
    return Content(sources, emergency, pages, organisations, cards)
