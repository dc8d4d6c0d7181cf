"""Reading YAML and its typed fields, each problem recorded against its file and line."""

from __future__ import annotations

import re
from pathlib import Path

from rightsinfo.content.problems import Problems
from rightsinfo.i18n import ENGLISH, LOCALE_BY_PREFIX
from rightsinfo.partial_date import DATE_FORMAT_HELP, PartialDate, parse_partial_date
from rightsinfo.vocabulary import TRANSLATION_STATUSES


def line_of_key(text: str, key: str, offset: int = 1) -> int | None:
    """Return the 1-based line where ``key:`` first appears in a YAML text, if it does."""
    pattern = re.compile(rf"^\s*-?\s*{re.escape(key)}\s*:", re.MULTILINE)
    match = pattern.search(text)
    if not match:
        return None
    return text.count("\n", 0, match.start()) + offset


def load_yaml(path: Path, problems: Problems) -> object | None:
    """Parse a YAML file, recording a syntax error with its line instead of raising."""
    import yaml  # here, not above: only builds and translators' commands read content files

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


def read_record(path: Path, problems: Problems) -> FieldReader | None:
    """Load one YAML record and return a reader of its fields, or None (the problem recorded) if unusable."""
    data = load_yaml(path, problems)
    if not isinstance(data, dict):
        if data is not None:
            problems.add(path, "must be 'key: value' lines")
        return None
    return FieldReader(data, path, path.read_text(encoding="utf-8"), problems)


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

    def date_field(self, key: str, required: bool = True) -> PartialDate | None:
        """Return a date field, as precise as written: YYYY-MM-DD, YYYY-MM or YYYY."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(key, f"'{key}' is missing")
            return None
        day = parse_partial_date(value)
        if day is None:
            self.problem(key, f"'{key}' is not a date ({DATE_FORMAT_HELP})")
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


def check_source_ids(reader: FieldReader, key: str, ids: list[str], sources: dict) -> None:
    """Record every source number in ``ids`` that sources.yaml does not list."""
    for source_id in ids:
        if source_id not in sources:
            reader.problem(key, f"'{key}': source '{source_id}' is not in content/sources.yaml")


def language_entries(reader: FieldReader, example: str) -> dict[str, dict]:
    """Return a record's 'text' mappings per known language; English is required (``example`` shows how)."""
    raw = reader.data.get("text") or {}
    if not isinstance(raw, dict) or not isinstance(raw.get(ENGLISH), dict):
        reader.problem("text", f"'text' must give at least '{example}'")
        return {}
    entries = {}
    for lang, entry in raw.items():
        if lang not in LOCALE_BY_PREFIX:
            reader.problem("text", f"'text': unknown language '{lang}'")
            continue
        entries[str(lang)] = entry
    return entries


def translation_status(reader: FieldReader, lang: str, entry: dict) -> str:
    """Return a text's status: English is the source, a translation is a draft unless marked reviewed."""
    status = entry.get("status", "reviewed" if lang == ENGLISH else "draft")
    if status not in TRANSLATION_STATUSES:
        reader.problem("status", f"'status' must be one of: {' '.join(TRANSLATION_STATUSES)}")
        return "draft"
    return status
