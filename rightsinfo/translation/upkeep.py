"""Translators' upkeep: record which English a translation follows, and keep the catalogues in step.

A translated page records ``translated_from``, the fingerprint of the English page it follows.
Translators never compute fingerprints: ``mark-current`` writes them after translating, and
``mark-minor`` carries them over an English edit that changed no meaning. ``extract`` and ``update``
refresh the template catalogue and merge it into every language without fuzzy guesses.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from rightsinfo.content import FRONT_MATTER_PATTERN, Page, Problems, read_page
from rightsinfo.i18n import ENGLISH, LOCALE_BY_PREFIX
from rightsinfo.site import content_dir, translations_dir
from rightsinfo.translation import history
from rightsinfo.translation.catalogues import POT_NAME, catalogue_paths


def set_front_matter(path: Path, updates: dict[str, str]) -> None:
    """Set ``key: value`` lines in a page's front matter, keeping every other line as it is."""
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER_PATTERN.match(text)
    if not match:
        raise click.ClickException(f"{path}: no front matter found")
    head, rest = text[: match.end(1) + 1], text[match.end(1) + 1 :]  # rest starts at the closing ---
    for key, value in updates.items():
        line = f"{key}: {value}\n"
        pattern = re.compile(rf"^{re.escape(key)}\s*:.*\n", re.MULTILINE)
        head = pattern.sub(line, head, count=1) if pattern.search(head) else head + line
    path.write_text(head + rest, encoding="utf-8")


def read_one_page(path: Path, slug: str, lang: str) -> Page:
    """Read one page file alone, or stop the command with its problems (file and line)."""
    problems = Problems(content_dir().parent)
    page = read_page(path, slug, lang, sources=None, problems=problems)
    if page is None:
        raise click.ClickException("\n".join(problems.lines))
    return page


def english_fingerprint(slug: str) -> str:
    """Return the current fingerprint of an English page, reading only that page."""
    path = content_dir() / "pages" / slug / "en.md"
    if not path.exists():
        raise click.ClickException(f"no page '{slug}' in content/pages/")
    return read_one_page(path, slug, ENGLISH).fingerprint


@click.command("mark-current")
@with_appcontext
@click.argument("slug")
@click.argument("lang", type=click.Choice([p for p in LOCALE_BY_PREFIX if p != ENGLISH]))
@click.option("--reviewed", is_flag=True, help="Also mark it reviewed by a native speaker.")
def mark_current_command(slug: str, lang: str, reviewed: bool) -> None:
    """Record that a translation follows the current English page (after translating it)."""
    path = content_dir() / "pages" / slug / f"{lang}.md"
    if not path.exists():
        raise click.ClickException(f"{path} does not exist yet")
    updates = {"translated_from": english_fingerprint(slug)}
    if reviewed:
        updates["status"] = "reviewed"
    set_front_matter(path, updates)
    click.echo(f"{path}: marked current" + (" and reviewed" if reviewed else ""))


def committed_fingerprint(path: Path) -> str | None:
    """Return the fingerprint of a page as last committed to git, if it is in git."""
    text = history.git(["show", f"HEAD:./{path.name}"], path.parent)
    return history.fingerprint_of_text(text) if text is not None else None


@click.command("mark-minor")
@with_appcontext
@click.argument("slug")
@click.option("--since", "previous", help="Fingerprint before the edit (default: from git HEAD).")
def mark_minor_command(slug: str, previous: str | None) -> None:
    """Mark an English edit as minor: translations current before it stay current."""
    english = content_dir() / "pages" / slug / "en.md"
    previous = previous or committed_fingerprint(english)
    if previous is None:
        raise click.ClickException("cannot tell the version before the edit: give --since")
    current = english_fingerprint(slug)
    changed = 0
    for prefix in LOCALE_BY_PREFIX:
        path = english.parent / f"{prefix}.md"
        if prefix == ENGLISH or not path.exists():
            continue
        if f"translated_from: {previous}" in path.read_text(encoding="utf-8"):
            set_front_matter(path, {"translated_from": current})
            changed += 1
    click.echo(f"{changed} translation(s) of '{slug}' carried over to {current}")


def pot_messages(path: Path) -> list[tuple]:
    """Return what a template catalogue says, without its header's dates."""
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle)
    return [
        (repr(m.id), repr(m.context), tuple(m.auto_comments), tuple(sorted(m.flags))) for m in catalog if m.id
    ]


@click.command("extract")
@with_appcontext
def extract_command() -> None:
    """Refresh translations/messages.pot from code and templates (sorted, no line numbers).

    The file is replaced only when a message changed, so its creation date does not churn diffs.
    """
    import tempfile

    pot = translations_dir() / POT_NAME
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / POT_NAME
        subprocess.run(
            [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
             "--no-location", "--sort-output", "--add-comments=Translators:", "-k", "_l",
             "--project=rightsinfo", "--version=1", "--copyright-holder=rightsinfo volunteers",
             "--msgid-bugs-address=translators@rightsinfo.example", "--no-wrap",
             "-o", str(fresh), "."],
            cwd=content_dir().parent,
            check=True,
            capture_output=True,
        )  # fmt: skip
        if pot.exists() and pot_messages(pot) == pot_messages(fresh):
            click.echo(f"{pot} is up to date")
            return
        pot.write_bytes(fresh.read_bytes())
    click.echo(f"wrote {pot}")


def merge_catalogue(root: Path, locale: str) -> None:
    """Merge messages.pot into one language's catalogue, creating it from the .pot when it is new.

    Merging never makes fuzzy guesses (pybabel update -N): a guess would read as a translation.
    """
    po_path = root / locale / "LC_MESSAGES" / "messages.po"
    command = "update" if po_path.exists() else "init"
    args = [sys.executable, "-m", "babel.messages.frontend", command, "-i", str(root / POT_NAME),
            "-d", str(root), "-l", locale, "--no-wrap"]  # fmt: skip
    if command == "update":
        args += ["-N", "--ignore-obsolete"]
    subprocess.run(args, check=True)


@click.command("update")
@with_appcontext
def update_command() -> None:
    """Merge messages.pot into every catalogue without fuzzy guesses (pybabel update -N)."""
    for locale in catalogue_paths(translations_dir()):
        merge_catalogue(translations_dir(), locale)


UPKEEP_COMMANDS = (mark_current_command, mark_minor_command, extract_command, update_command)
