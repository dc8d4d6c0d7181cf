"""Translators' commands: what is translated, outdated or missing; checks; and upkeep.

Status is read straight from the files in ``content/`` and ``translations/`` (no build needed), so a
translator sees the effect of an edit at once. A translated page records ``translated_from``, the
fingerprint of the English page it follows (see ``content.substance_fingerprint``); when the English
page changes in substance the fingerprints differ and the translation is outdated. Translators never
compute fingerprints: ``mark-current`` writes them, and ``mark-minor`` carries them over an English
edit that changed no meaning.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import click
from flask.cli import AppGroup

from rightsinfo.build import compile_catalogues, page_rows
from rightsinfo.catalogues import catalogue_paths, catalogue_status
from rightsinfo.content import (
    FRONT_MATTER_PATTERN,
    ContentError,
    Problems,
    read_content,
    read_page,
    substance_fingerprint,
)
from rightsinfo.i18n import ENGLISH, LOCALE_BY_PREFIX
from rightsinfo.site import content_dir, translations_dir

POT_NAME = "messages.pot"

translations_cli = AppGroup("translations", help="Status, checks and upkeep of translations.")


@dataclass
class LanguageStatus:
    """How far one language has come, in the shape of ``status --json``."""

    ui: dict = field(default_factory=dict)
    pages: dict = field(default_factory=dict)


def translation_status(content_root: Path, translations_root: Path) -> dict[str, LanguageStatus]:
    """Return the status of every non-English language, keyed by URL prefix."""
    content = read_content(content_root)
    catalogues = catalogue_paths(translations_root)
    result = {}
    for prefix, locale in LOCALE_BY_PREFIX.items():
        if prefix == ENGLISH:
            continue
        po_path = catalogues[locale]
        ui = asdict(catalogue_status(po_path)) if po_path.exists() else None
        if ui is None:
            ui = {"translated": 0, "fuzzy": 0, "missing": count_pot_messages(translations_root)}
        translated, outdated, missing, draft, reviewed = 0, [], [], 0, 0
        for slug, versions in sorted(content.pages.items()):
            page = versions.get(prefix)
            if page is None:
                missing.append(slug)
                continue
            translated += 1
            if page.translated_from != versions[ENGLISH].fingerprint:
                outdated.append(slug)
            if page.status == "reviewed":
                reviewed += 1
            else:
                draft += 1
        result[prefix] = LanguageStatus(
            ui=ui,
            pages={
                "translated": translated,
                "outdated": outdated,
                "missing": missing,
                "draft": draft,
                "reviewed": reviewed,
            },
        )
    return result


def count_pot_messages(translations_root: Path) -> int:
    """Return how many messages the template catalogue has."""
    from babel.messages.pofile import read_po

    pot = translations_root / POT_NAME
    if not pot.exists():
        return 0
    with pot.open("rb") as handle:
        return sum(1 for message in read_po(handle) if message.id)


def check_problems(content_root: Path, translations_root: Path, scratch: Path) -> list[str]:
    """Return every problem a translator must fix: catalogues, front matter, page shapes."""
    problems = compile_catalogues(translations_root, scratch, content_root.parent)
    try:
        content = read_content(content_root)
    except ContentError as error:
        return problems + error.problems
    _rows, page_problems = page_rows(content)
    return problems + page_problems


@translations_cli.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def status_command(as_json: bool) -> None:
    """Print interface strings and pages translated, outdated and missing, per language."""
    status = translation_status(content_dir(), translations_dir())
    if as_json:
        data = {"languages": {prefix: asdict(item) for prefix, item in status.items()}}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(
        f"{'lang':5} {'ui ok':>6} {'fuzzy':>6} {'miss':>5} | {'pages':>5} {'outdated':>8} "
        f"{'missing':>7} {'draft':>5} {'reviewed':>8}"
    )
    for prefix, item in status.items():
        pages = item.pages
        click.echo(
            f"{prefix:5} {item.ui['translated']:>6} {item.ui['fuzzy']:>6} {item.ui['missing']:>5} | "
            f"{pages['translated']:>5} {len(pages['outdated']):>8} {len(pages['missing']):>7} "
            f"{pages['draft']:>5} {pages['reviewed']:>8}"
        )
        for slug in pages["outdated"]:
            click.echo(f"      outdated: content/pages/{slug}/{prefix}.md")
        for slug in pages["missing"]:
            click.echo(f"      missing:  content/pages/{slug}/{prefix}.md")


@translations_cli.command("check")
def check_command() -> None:
    """Check catalogues and translated pages; exit non-zero with one line per problem."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        problems = check_problems(content_dir(), translations_dir(), Path(scratch))
    if not problems:
        status = translation_status(content_dir(), translations_dir())
        for prefix, item in status.items():
            for slug in item.pages["missing"]:
                click.echo(f"note: content/pages/{slug}/{prefix}.md is not translated yet")
    for line in problems:
        click.echo(line, err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo("Translations check passed.")


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


def english_fingerprint(slug: str) -> str:
    """Return the current fingerprint of an English page, reading only that page."""
    path = content_dir() / "pages" / slug / "en.md"
    if not path.exists():
        raise click.ClickException(f"no page '{slug}' in content/pages/")
    problems = Problems(content_dir().parent)
    page = read_page(path, slug, ENGLISH, sources=None, problems=problems)
    if page is None:
        raise click.ClickException("\n".join(problems.lines))
    return page.fingerprint


@translations_cli.command("mark-current")
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
    import yaml

    result = subprocess.run(
        ["git", "show", f"HEAD:./{path.name}"],
        cwd=path.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return None
    match = FRONT_MATTER_PATTERN.match(result.stdout)
    if not match:
        return None
    data = yaml.safe_load(match.group(1)) or {}
    body = result.stdout[match.end() :]
    return substance_fingerprint(str(data.get("title", "")), str(data.get("summary", "")), body)


@translations_cli.command("mark-minor")
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


@translations_cli.command("extract")
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


@translations_cli.command("update")
def update_command() -> None:
    """Merge messages.pot into every catalogue without fuzzy guesses (pybabel update -N)."""
    for locale, po_path in catalogue_paths(translations_dir()).items():
        command = "update" if po_path.exists() else "init"
        args = [sys.executable, "-m", "babel.messages.frontend", command, "-i",
                str(translations_dir() / POT_NAME), "-d", str(translations_dir()), "-l", locale,
                "--no-wrap"]  # fmt: skip
        if command == "update":
            args += ["-N", "--ignore-obsolete"]
        subprocess.run(args, check=True)
