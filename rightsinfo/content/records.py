"""Reading the YAML records: sources, emergency numbers, organisations and 'show this' cards."""

from __future__ import annotations

import re
from pathlib import Path

from rightsinfo.content.fields import (
    FieldReader,
    check_source_ids,
    language_entries,
    load_yaml,
    read_record,
    translation_status,
)
from rightsinfo.content.models import Card, Contact, EmergencyNumber, Organisation, Source
from rightsinfo.content.problems import Problems
from rightsinfo.i18n import ENGLISH, LOCALE_BY_PREFIX, format_day, get_language
from rightsinfo.partial_date import DATE_FORMAT_HELP, parse_partial_date
from rightsinfo.vocabulary import (
    CONTACT_KINDS,
    CONTACT_LABELS,
    ICONS,
    KINDS_OF_HELP,
    SPOKEN_LANGUAGES,
    TRANSLATION_STATUSES,
    WEEKDAYS,
)

TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def read_sources(path: Path, problems: Problems) -> dict[str, Source]:
    """Read sources.yaml: S-numbers with address, title and date (`supports` is a note for editors)."""
    data, node = (load_yaml(path, problems) or (None, None)) if path.exists() else ({}, None)
    if not isinstance(data, dict):
        if data is not None:
            problems.add(path, "must be a mapping of source numbers (S1: …)")
        return {}
    top = FieldReader(data, path, node, problems)
    sources = {}
    for key, entry in data.items():
        reader = top.nested(str(key))
        if not isinstance(entry, dict):
            top.problem(str(key), f"source {key} must be a mapping (url: …, title: …)")
            continue
        url = str(entry.get("url") or "")
        if not url.startswith(("http://", "https://")):
            reader.problem("url", f"source {key}: 'url' must be a web address (https://…)")
        # An undated source has no 'date'; 'date_note' says how the source shows its date when that
        # is more than the date itself ("updated 22/08/24", "about 2013-14").
        dated = parse_partial_date(entry.get("date")) if entry.get("date") is not None else None
        if entry.get("date") is not None and dated is None:
            reader.problem("date", f"source {key}: 'date' is not a date ({DATE_FORMAT_HELP})")
        note = entry.get("date_note")
        sources[str(key)] = Source(
            id=str(key),
            url=url,
            title=str(entry.get("title") or key),
            date=str(note) if note else (format_day(dated, get_language(ENGLISH)) if dated else "undated"),
            dated=dated,
        )
    return sources


def read_emergency(path: Path, sources: dict, problems: Problems) -> list[EmergencyNumber]:
    """Read emergency.yaml: each number with its source, date and labels."""
    data, node = (load_yaml(path, problems) or (None, None)) if path.exists() else ({"numbers": []}, None)
    if not isinstance(data, dict) or not isinstance(data.get("numbers"), list):
        if data is not None:
            problems.add(path, "must have a list 'numbers'")
        return []
    numbers = []
    for entry, reader in FieldReader(data, path, node, problems).items("numbers"):
        if not isinstance(entry, dict):
            reader.problem(None, "each number must be a mapping (number: …, source: …)")
            continue
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


def read_contacts(reader: FieldReader, sources: dict) -> list[Contact]:
    """Read an organisation's contacts; each needs a source and a verified_on date."""
    raw = reader.data.get("contacts") or []
    if not isinstance(raw, list):
        reader.problem("contacts", "'contacts' must be a list")
        return []
    contacts = []
    for entry, sub in reader.items("contacts"):
        if not isinstance(entry, dict):
            sub.problem(None, "each contact must be a mapping (kind, value, …)")
            continue
        value = sub.text_field("value")
        kind = sub.choice_field("kind", CONTACT_KINDS)
        if value is not None and entry.get("source") is None:
            sub.problem(None, f"contact '{value}' has no 'source'")
            continue
        if value is not None and "verified_on" not in entry:
            message = f"contact '{value}' has no 'verified_on' date (write null if its source shows none)"
            sub.problem(None, message)
            continue
        # An explicit null says the source shows no date, which readers are then told.
        day = sub.date_field("verified_on", required=False)
        source = sub.text_field("source")
        label = entry.get("label")
        if label is not None and label not in CONTACT_LABELS:
            sub.problem("label", f"'label' must be one of: {' '.join(CONTACT_LABELS)}")
            label = None
        if source:
            check_source_ids(sub, "source", [source], sources)
        if value and kind and (day or entry.get("verified_on") is None) and source:
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
    for entry, sub in reader.items("hours"):
        days = entry.get("days") if isinstance(entry, dict) else None
        opens = str(entry.get("opens", "")) if isinstance(entry, dict) else ""
        closes = str(entry.get("closes", "")) if isinstance(entry, dict) else ""
        if (
            not isinstance(days, list)
            or any(day not in WEEKDAYS for day in days)
            or not TIME_PATTERN.match(opens)
            or not TIME_PATTERN.match(closes)
        ):
            sub.problem(None, "'hours': write {days: [mon, tue], opens: '09:00', closes: ...}")
            continue
        hours.append({"days": days, "opens": opens, "closes": closes})
    return hours


def read_text_by_language(reader: FieldReader, key: str = "summary") -> dict[str, dict]:
    """Read per-language text under ``key`` (a summary, an alert's text); English is required."""
    text = {}
    by_language = reader.nested("text")
    for lang, entry in language_entries(reader, f"en: {{{key}: …}}").items():
        if not isinstance(entry, dict) or not str(entry.get(key) or "").strip():
            by_language.problem(lang, f"'text' for '{lang}' needs a '{key}'")
            continue
        status = translation_status(by_language.nested(lang), lang, entry)
        text[lang] = {key: str(entry[key]).strip(), "status": status}
    return text


def read_organisation(path: Path, sources: dict, problems: Problems) -> Organisation | None:
    """Read one organisation record."""
    data, node = load_yaml(path, problems) or (None, None)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.add(path, "must be 'key: value' lines")
        return None
    reader = FieldReader(data, path, node, problems)
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
    reader = read_record(path, problems)
    if reader is None:
        return None
    data = reader.data
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
            reader.nested("text").problem(lang, f"'text': unknown language '{lang}'")
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
