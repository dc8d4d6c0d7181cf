"""Translators' commands: what is translated, outdated or missing, due for review; checks; diffs.

Status is read straight from the files in ``content/`` and ``translations/`` (no build needed), so a
translator sees the effect of an edit at once; what counts as outdated is decided once, in
``translation.progress``. Translators never compute fingerprints: ``mark-current`` and ``mark-minor``
(in ``translation.upkeep``) write them.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from rightsinfo import clock
from rightsinfo.build import compile_catalogues, page_rows
from rightsinfo.content import ContentError, Page, read_content
from rightsinfo.db import SiteNotBuilt
from rightsinfo.i18n import ENGLISH, LOCALE_BY_PREFIX
from rightsinfo.markup import render_markdown
from rightsinfo.recordings.status import recording_status, status_lines
from rightsinfo.site import connection, content_dir, translations_dir
from rightsinfo.translation import glossary, history
from rightsinfo.translation.new_language import new_language_command
from rightsinfo.translation.progress import (
    CURRENT,
    LanguageStatus,
    diff_hint,
    freshness,
    translation_progress,
    with_review_due,
)
from rightsinfo.translation.shape import translation_problems
from rightsinfo.translation.upkeep import UPKEEP_COMMANDS, english_fingerprint, read_one_page

translations_cli = AppGroup("translations", help="Status, checks and upkeep of translations.")
for upkeep_command in (*UPKEEP_COMMANDS, new_language_command):
    translations_cli.add_command(upkeep_command)


def current_status() -> dict[str, LanguageStatus]:
    """Return the status of the app's working files, with today and the review limit from the settings.

    A translator who has not built yet sees the effect of an edit at once; the ``/translators/`` page
    shows what the build stored instead.
    """
    progress = translation_progress(read_content(content_dir()), translations_dir())
    with_review_due(progress, clock.today(), current_app.config["REVIEW_DUE_AFTER_DAYS"])
    return progress


def built_connection() -> sqlite3.Connection | None:
    """Return the built database, for what only a build knows (recordings' states); None before a build."""
    try:
        return connection()
    except SiteNotBuilt:
        return None


@dataclass
class CheckResult:
    """What ``translations check`` found: errors stop the build; warnings and notes do not."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def source_comparison(english: Page, page: Page) -> tuple[list[str], list[str]]:
    """Compare an outdated translation with the English it was made from; return (warnings, notes)."""
    name = f"content/pages/{page.slug}/{page.lang}.md"
    if not page.translated_from:
        return [], [f"{name} has no translated_from: run mark-current after translating it"]
    lookup = history.find_source(english.path, page.translated_from)
    if lookup.version is None:
        return [], [f"{name} is outdated and was not compared with its English source: {lookup.reason}"]
    parts = history.page_parts(lookup.version.text)
    if parts is None:
        return [], []
    label = f"en.md as translated (commit {lookup.version.commit[:7]})"
    problems = translation_problems(
        english, page, render_markdown(parts[2]), render_markdown(page.body), english_name=label
    )
    return problems, []


def check_translations(content_root: Path, translations_root: Path, scratch: Path) -> CheckResult:
    """Return every problem a translator must fix: catalogues, front matter, page shapes, glossary."""
    result = CheckResult(errors=compile_catalogues(translations_root, scratch, content_root.parent))
    try:
        content = read_content(content_root)
    except ContentError as error:
        result.errors += error.problems
        return result
    _rows, page_problems = page_rows(content)
    result.errors += page_problems
    for versions in content.pages.values():
        english = versions[ENGLISH]
        for prefix, page in versions.items():
            if prefix != ENGLISH and freshness(english, page) != CURRENT:
                warnings, notes = source_comparison(english, page)
                result.warnings += warnings
                result.notes += notes
    try:
        findings = glossary.check_glossary(content, content_root, translations_root)
    except ContentError as error:
        result.errors += error.problems
        return result
    result.errors += [finding.message() for finding in findings if not finding.draft]
    result.warnings += [finding.message() + " [draft]" for finding in findings if finding.draft]
    return result


@translations_cli.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def status_command(as_json: bool) -> None:
    """Print interface strings and pages translated, outdated, missing and due for review, per language."""
    status = current_status()
    recordings = built_connection()
    if as_json:
        data = {"languages": {prefix: asdict(item) for prefix, item in status.items()}}
        if recordings is not None:
            data["recordings"] = {prefix: recording_status(recordings, prefix) for prefix in status}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(
        f"{'lang':5} {'ui ok':>6} {'fuzzy':>6} {'miss':>5} | {'pages':>5} {'outdated':>8} "
        f"{'missing':>7} {'draft':>5} {'reviewed':>8} {'review due':>10}"
    )
    for prefix, item in status.items():
        pages = item.pages
        click.echo(
            f"{prefix:5} {item.ui['translated']:>6} {item.ui['fuzzy']:>6} {item.ui['missing']:>5} | "
            f"{pages['translated']:>5} {len(pages['outdated']):>8} {len(pages['missing']):>7} "
            f"{pages['draft']:>5} {pages['reviewed']:>8} {len(pages['review_due']):>10}"
        )
        for slug in pages["outdated"]:
            shown = "English shown until updated" if slug in pages["updating"] else "translation shown"
            click.echo(f"      outdated: content/pages/{slug}/{prefix}.md ({shown})")
            click.echo(f"                what changed: {diff_hint(slug, prefix)}")
        for slug in pages["missing"]:
            click.echo(f"      missing:  content/pages/{slug}/{prefix}.md")
        for slug in pages["review_due"]:
            click.echo(f"      review due: content/pages/{slug}/{prefix}.md")
        if recordings is not None:
            click.echo("\n".join(status_lines(recording_status(recordings, prefix))))


@translations_cli.command("check")
def check_command() -> None:
    """Check catalogues, translated pages and the glossary; exit non-zero with one line per error."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        result = check_translations(content_dir(), translations_dir(), Path(scratch))
    if not result.errors:
        status = current_status()
        for prefix, item in status.items():
            for slug in item.pages["missing"]:
                click.echo(f"note: content/pages/{slug}/{prefix}.md is not translated yet")
    for line in result.notes:
        click.echo(f"note: {line}")
    for line in result.warnings:
        click.echo(f"warning: {line}")
    for line in result.errors:
        click.echo(line, err=True)
    if result.errors:
        click.echo(f"{len(result.errors)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo(
        "Translations check passed"
        + (f" with {len(result.warnings)} warning(s)." if result.warnings else ".")
    )


@translations_cli.command("diff")
@click.argument("slug")
@click.argument("lang", type=click.Choice([p for p in LOCALE_BY_PREFIX if p != ENGLISH]))
def diff_command(slug: str, lang: str) -> None:
    """Print the English changes since this translation was made, word by word, from the git history."""
    folder = content_dir() / "pages" / slug
    translation, english_name = f"content/pages/{slug}/{lang}.md", f"content/pages/{slug}/en.md"
    path = folder / f"{lang}.md"
    if not path.exists():
        raise click.ClickException(f"{translation} does not exist yet: translate {english_name} as a whole")
    page = read_one_page(path, slug, lang)
    current = english_fingerprint(slug)
    if page.translated_from == current:
        click.echo(f"Nothing to do: {translation} follows the current {english_name}.")
        return
    if not page.translated_from:
        raise click.ClickException(
            f"{translation} does not say which English version it follows (no translated_from): compare "
            f"it with {english_name} as a whole, then run: "
            f"make mark-current PAGE={slug} LANG={lang}"
        )
    lookup = history.find_source(folder / "en.md", page.translated_from)
    if lookup.version is None:
        click.echo(
            f"Cannot show what changed: {lookup.reason}.\n"
            f"Compare {translation} with {english_name} as a whole instead."
        )
        sys.exit(1)
    version = lookup.version
    new_text = (folder / "en.md").read_text(encoding="utf-8")
    click.echo(
        f"English changes in {english_name} since {translation} was translated\n"
        f"(from commit {version.commit[:7]} of {version.date}: {version.subject}).\n"
        "Removed words are in [-…-], added words in {+…+}.\n"
    )
    changes = history.changes(version.text, new_text)
    for line, text in changes:
        click.echo(f"en.md:{line}: {text}" if line else f"en.md (removed): {text}")
    if not changes:
        click.echo("Only spacing or punctuation changed.")
    click.echo(f"\nChange the same in {translation}, then run:\n  make mark-current PAGE={slug} LANG={lang}")


@translations_cli.command("glossary")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def glossary_command(as_json: bool) -> None:
    """Print each language's key terms: the word to use and the words to avoid."""
    try:
        found = glossary.glossaries(translations_dir())
    except ContentError as error:
        raise click.ClickException("\n".join(error.problems)) from error
    data = {
        prefix: [{"term": t.term, "preferred": t.preferred, "avoid": t.avoid} for t in terms]
        for prefix, terms in found.items()
    }
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for prefix, terms in data.items():
        click.echo(f"{prefix} ({glossary.glossary_path(translations_dir(), prefix).name}):")
        for term in terms:
            preferred = term["preferred"] or "(not decided yet)"
            avoid = f"   avoid: {', '.join(term['avoid'])}" if term["avoid"] else ""
            click.echo(f"  {term['term']}: {preferred}{avoid}")
