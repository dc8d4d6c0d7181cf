"""Interface catalogues: compile with the real gettext tools, check, and count what is translated.

``msgfmt --check`` is the judge of a catalogue (it is what Poedit and Weblate run too): it reports
syntax errors and placeholder mismatches as ``file:line: message``; we keep its file and line and put
one plain sentence with what to do first, msgfmt's own words after it, so a volunteer who has never
seen gettext's jargon still knows what to change. Fuzzy entries are never compiled, so a guess never
reaches a reader.
Babel's own checker (``Catalog.check``) is not used for placeholders: it accepts a translation that
leaves one out, so the date or number would silently vanish from the reader's page; msgfmt does not.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

from rightsinfo.i18n import LOCALE_BY_PREFIX

# The template catalogue in translations/, made by `translations extract`.
POT_NAME = "messages.pot"
MSGFMT_LINE = re.compile(r"^(?P<where>[^:]+:\d+(?::\d+)?): (?P<message>.*)$")
# What msgfmt says (a pattern naming the placeholder) → what a translator should do about it.
PLAIN_CATALOGUE_PROBLEMS = (
    (re.compile(r"argument '(?P<name>\w+)' doesn't exist in 'msgstr"),
     "your translation leaves out %(name)s: copy %(name)s exactly into your text (the site puts a date, "
     "number or name there)"),
    (re.compile(r"argument '(?P<name>\w+)', as in 'msgstr[^']*', doesn't exist in 'msgid'"),
     "%(name)s is not in the English text: use only the %(…)s placeholders of the English, copied exactly"),
    (re.compile(r"for argument '(?P<name>\w+)' are not the same"),
     "write %(name)s exactly as in the English text, ending in )s"),
    (re.compile(r"not a valid Python format string"),
     "a placeholder is cut short: copy each %(…)s from the English exactly, with its closing )s"),
    (re.compile(r"end-of-line within string"),
     'a line of text is not closed: end it with " (and write \\" for a quote inside the text)'),
)  # fmt: skip


@dataclass(frozen=True)
class CatalogueStatus:
    """How much of one catalogue is translated."""

    translated: int
    fuzzy: int
    missing: int


def catalogue_paths(translations_dir: Path) -> dict[str, Path]:
    """Return the .po file of every non-English language, keyed by Babel locale id."""
    return {
        locale: translations_dir / locale / "LC_MESSAGES" / "messages.po"
        for locale in LOCALE_BY_PREFIX.values()
        if locale != "en"
    }


def require_msgfmt() -> str:
    """Return the msgfmt program, or explain how to install it."""
    program = shutil.which("msgfmt")
    if program is None:
        raise RuntimeError("msgfmt is missing: install Debian's 'gettext' package")
    return program


def compile_catalogue(po_path: Path, mo_path: Path, project_dir: Path) -> list[str]:
    """Compile one catalogue with msgfmt --check; return its problems as 'file:line: …' lines."""
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        shown = po_path.relative_to(project_dir)
    except ValueError:
        shown = po_path
    result = subprocess.run(
        [require_msgfmt(), "--check", "-o", str(mo_path), str(shown)],
        cwd=project_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 0:
        return []
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    problems = [
        plain_problem(line) for line in lines if "fatal" not in line and not line.startswith("msgfmt:")
    ]
    return problems or [f"{shown}: msgfmt could not compile it ({lines[-1] if lines else '?'})"]


def plain_problem(line: str) -> str:
    """Put what a translator should do before msgfmt's message, keeping its 'file:line:'."""
    match = MSGFMT_LINE.match(line)
    if match is None:
        return line
    for pattern, advice in PLAIN_CATALOGUE_PROBLEMS:
        found = pattern.search(match["message"])
        if found:
            plain = advice.replace("%(name)s", f"%({found.groupdict().get('name', '')})s")
            return f"{match['where']}: {plain} (msgfmt says: {match['message']})"
    return line


def catalogue_status(po_path: Path) -> CatalogueStatus:
    """Count translated, fuzzy and missing entries the way msgfmt does."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    translated = fuzzy = missing = 0
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            fuzzy += 1
        elif all(strings):
            translated += 1
        else:
            missing += 1
    return CatalogueStatus(translated, fuzzy, missing)
