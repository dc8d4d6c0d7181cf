"""Reading YAML and its typed fields, each problem recorded against its file and line.

Line numbers come from the YAML parser's own marks (the node of each key and each list item), never
from searching the text: the second contact of an organisation is reported on its own lines, not on
the first ``verified_on:`` in the file. A file the parser refuses is reported in plain words with what
to do (``yaml_problem``), the parser's own message after it for whoever needs it.
"""

from __future__ import annotations

from pathlib import Path

from rightsinfo.content.problems import Problems
from rightsinfo.i18n import ENGLISH, LOCALE_BY_PREFIX
from rightsinfo.partial_date import DATE_FORMAT_HELP, PartialDate, parse_partial_date
from rightsinfo.vocabulary import TRANSLATION_STATUSES

TAB = "a tab character: indent with spaces only, never the Tab key (replace the tab with spaces)"
INDENTATION = "this line is indented differently from the lines around it: line it up with them, with spaces"
# What a volunteer should do about each thing the parser can say, most specific first:
# (words in the parser's message, the plain sentence).
PLAIN_YAML_PROBLEMS = (
    ("'\\t'", TAB),
    ("tab", TAB),
    ("mapping values are not allowed", "a ':' inside a value: put the whole value in quotes, \"like: this\""),
    ("could not find expected ':'", "not 'name: value': add the ':' or join this line to the one above"),
    ("expected <block end>", INDENTATION),
    ("did not find expected", INDENTATION),
)  # fmt: skip
UNCLOSED_QUOTE = (
    "a quote (\" or ') opens here but is never closed: add the same quote at the end of the value"
)
UNREADABLE_YAML = "this line cannot be read: compare it with a line that works (name: value)"


def yaml_problem(error: Exception) -> tuple[int | None, str]:
    """Return the 0-based line and a plain sentence (what to do, then the parser's words) for a YAML error."""
    problem = str(getattr(error, "problem", None) or "invalid YAML")
    context = str(getattr(error, "context", None) or "")
    mark = getattr(error, "problem_mark", None)
    technical = f"{context}: {problem}" if context else problem
    if "quoted scalar" in context and "end of stream" in problem:
        # The parser notices only at the end of the file; the mistake is where the quote opened.
        mark = getattr(error, "context_mark", None) or mark
        plain = UNCLOSED_QUOTE
    else:
        plain = next((text for words, text in PLAIN_YAML_PROBLEMS if words in problem), UNREADABLE_YAML)
    return (mark.line if mark else None), f"{plain} (YAML says: {technical})"


def parse_yaml(text: str) -> tuple[object, object]:
    """Parse YAML text into (data, the parser's node tree), which knows the line of every key and item."""
    import yaml  # here, not above: only builds and translators' commands read content files

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node


def load_yaml(path: Path, problems: Problems) -> tuple[object, object] | None:
    """Parse a YAML file into (data, nodes), recording a problem with its line instead of raising."""
    import yaml

    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.add(path, "is not UTF-8 text: save it as UTF-8 in your editor")
    except yaml.YAMLError as error:
        line, message = yaml_problem(error)
        problems.add(path, message, line + 1 if line is not None else None)
    return None


def mapping_entry(node: object, key: str | None) -> tuple[object, object] | None:
    """Return the (key, value) nodes of ``key`` in a mapping node, if the mapping has it."""
    import yaml

    if key is None or not isinstance(node, yaml.MappingNode):
        return None
    return next(
        ((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(key)), None
    )


def item_nodes(node: object) -> list:
    """Return the nodes of a sequence node's items (empty for anything else)."""
    import yaml

    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def read_record(path: Path, problems: Problems) -> FieldReader | None:
    """Load one YAML record and return a reader of its fields, or None (the problem recorded) if unusable."""
    data, node = load_yaml(path, problems) or (None, None)
    if not isinstance(data, dict):
        if data is not None:
            problems.add(path, "must be 'key: value' lines")
        return None
    return FieldReader(data, path, node, problems)


class FieldReader:
    """Reads typed fields from one mapping, recording each problem against its file and line."""

    def __init__(self, data: dict, path: Path, node: object, problems: Problems, line_offset: int = 1):
        self.data = data
        self.path = path
        self.node = node
        self.problems = problems
        self.line_offset = line_offset

    def line(self, key: str | None = None) -> int | None:
        """Return the line of ``key`` in this mapping, or of the mapping itself when it lacks the key."""
        entry = mapping_entry(self.node, key)
        mark = getattr(entry[0] if entry else self.node, "start_mark", None)
        return mark.line + self.line_offset if mark else None

    def problem(self, key: str | None, message: str) -> None:
        """Record a problem with the field ``key`` (or with the whole mapping when ``key`` is None)."""
        self.problems.add(self.path, message, self.line(key))

    def items(self, key: str) -> list[tuple[object, FieldReader]]:
        """Return each item of the list ``key`` with a reader placed on that item's own lines."""
        raw = self.data.get(key) or []
        entry = mapping_entry(self.node, key)
        nodes = item_nodes(entry[1] if entry else None)
        if not isinstance(raw, list):
            return []
        if len(nodes) != len(raw):  # not parsed here (built by hand): every item on the list's line
            nodes = [self.node] * len(raw)
        return [
            (entry, FieldReader(entry, self.path, item, self.problems, self.line_offset))
            for entry, item in zip(raw, nodes, strict=True)
        ]

    def nested(self, key: str) -> FieldReader:
        """Return a reader for the mapping under ``key``, whose problems land on its own lines."""
        data = self.data.get(key)
        entry = mapping_entry(self.node, key)
        node = entry[1] if entry else self.node
        return FieldReader(
            data if isinstance(data, dict) else {}, self.path, node, self.problems, self.line_offset
        )

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
    by_language = reader.nested("text")
    entries = {}
    for lang, entry in raw.items():
        if lang not in LOCALE_BY_PREFIX:
            by_language.problem(lang, f"'text': unknown language '{lang}'")
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
