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
from collections.abc import Callable
from pathlib import Path

import click
from flask.cli import with_appcontext

from rightsinfo import clock
from rightsinfo.content import FRONT_MATTER_PATTERN, Page, Problems, read_page
from rightsinfo.i18n import ENGLISH, LOCALE_BY_PREFIX
from rightsinfo.site import content_dir, translations_dir
from rightsinfo.translation import history
from rightsinfo.translation.catalogues import POT_NAME, catalogue_paths


def split_front_matter_text(path: Path) -> tuple[str, str]:
    """Return a page's text as (front matter with its opening line, the rest from the closing ---)."""
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER_PATTERN.match(text)
    if not match:
        raise click.ClickException(f"{path}: no front matter found")
    return text[: match.end(1) + 1], text[match.end(1) + 1 :]


def set_front_matter(path: Path, updates: dict[str, str]) -> None:
    """Set ``key: value`` lines in a page's front matter, keeping every other line as it is."""
    head, rest = split_front_matter_text(path)
    for key, value in updates.items():
        line = f"{key}: {value}\n"
        pattern = re.compile(rf"^{re.escape(key)}\s*:.*\n", re.MULTILINE)
        head = pattern.sub(line, head, count=1) if pattern.search(head) else head + line
    path.write_text(head + rest, encoding="utf-8")


def remove_front_matter(path: Path, keys: tuple[str, ...]) -> None:
    """Delete ``key: value`` lines from a page's front matter, keeping every other line as it is."""
    head, rest = split_front_matter_text(path)
    for key in keys:
        head = re.sub(rf"^{re.escape(key)}\s*:.*\n", "", head, flags=re.MULTILINE)
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


def translation_path(slug: str, lang: str) -> Path:
    """Return the file of one translated page, or stop the command if it does not exist yet."""
    path = content_dir() / "pages" / slug / f"{lang}.md"
    if not path.exists():
        raise click.ClickException(f"{path} does not exist yet: copy en.md there and translate it first")
    return path


TRANSLATED_LANGUAGES = click.Choice([p for p in LOCALE_BY_PREFIX if p != ENGLISH])


def translated_page_command(name: str) -> Callable:
    """Return the decorator of a command about one translated page, ``<slug> <lang>``, in the app."""

    def decorate(function: Callable) -> click.Command:
        function = click.argument("lang", type=TRANSLATED_LANGUAGES)(function)
        function = click.argument("slug")(function)
        return click.command(name)(with_appcontext(function))

    return decorate


@translated_page_command("mark-current")
@click.option("--reviewed", is_flag=True, help="Older spelling of mark-reviewed (which records who).")
def mark_current_command(slug: str, lang: str, reviewed: bool) -> None:
    """Record that a translation follows the current English page (after translating it)."""
    path = translation_path(slug, lang)
    if reviewed:
        record_translation_review(path, slug, None)
        click.echo(f"{path}: marked current and reviewed today (make mark-reviewed … BY=name also says who)")
        return
    set_front_matter(path, {"translated_from": english_fingerprint(slug)})
    click.echo(f"{path}: marked current")


def record_translation_review(path: Path, slug: str, by: str | None) -> None:
    """Write a native speaker's review into a translation: reviewed, today, by whom, of today's English."""
    updates = {
        "translated_from": english_fingerprint(slug),
        "status": "reviewed",
        "translation_reviewed": clock.today().isoformat(),
    }
    if by:
        updates["translation_reviewed_by"] = yaml_text(by)
    remove_front_matter(path, ("reviewed", "fact_checked", "fact_checked_by"))  # never a fact check here
    set_front_matter(path, updates)


@translated_page_command("mark-reviewed")
@click.option("--by", required=True, help="The name of the native speaker who checked the translation.")
def mark_reviewed_command(slug: str, lang: str, by: str) -> None:
    """Record a translation review: a native speaker checked this translation against today's English."""
    path = translation_path(slug, lang)
    record_translation_review(path, slug, by)
    click.echo(f"{path}: translation reviewed by {by} on {clock.today().isoformat()}")


@click.command("mark-fact-checked")
@with_appcontext
@click.argument("slug")
@click.option("--by", required=True, help="The name of the person who checked the page against its sources.")
def mark_fact_checked_command(slug: str, by: str) -> None:
    """Record a fact check: a person compared the English page with its sources today."""
    path = content_dir() / "pages" / slug / "en.md"
    if not path.exists():
        raise click.ClickException(f"no page '{slug}' in content/pages/")
    remove_front_matter(path, ("reviewed",))  # the older name of the same date
    set_front_matter(path, {"fact_checked": clock.today().isoformat(), "fact_checked_by": yaml_text(by)})
    click.echo(f"{path}: fact-checked by {by} on {clock.today().isoformat()}")


def yaml_text(value: str) -> str:
    """Return a value as one line of YAML that reads back as the same text (a name with ':' included)."""
    import json

    return json.dumps(value.strip(), ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


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


UPKEEP_COMMANDS = (
    mark_current_command, mark_reviewed_command, mark_fact_checked_command, mark_minor_command,
    extract_command, update_command,
)  # fmt: skip
