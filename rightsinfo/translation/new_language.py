"""Adding a language: ``flask --app rightsinfo translations new-language PREFIX LOCALE``.

A language is data: one entry in the languages file, a catalogue made from ``messages.pot``, a glossary
of the English key terms with no words decided yet, and one stub per page marked ``status: missing``, so
the site serves the English page with its "not translated yet" notice until a translator replaces the
stub. The command then says what is left to translate. It writes files only; it never edits code.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

import click
from babel import Locale, UnknownLocaleError
from flask.cli import with_appcontext

from rightsinfo.config import languages_file
from rightsinfo.i18n import ENGLISH, LOCALE_BY_PREFIX, read_language_entries
from rightsinfo.site import content_dir, translations_dir
from rightsinfo.translation.catalogues import catalogue_status
from rightsinfo.translation.glossary import glossary_path, read_glossary
from rightsinfo.translation.upkeep import merge_catalogue

# A page file holding only this front matter is a page nobody has translated yet.
STUB_PAGE = "---\nstatus: missing\n---\n"
PREFIX_PATTERN = r"^[a-z]{2,3}$"


def check_new_language(entries_file: Path, prefix: str, locale_id: str) -> Locale:
    """Return the Babel locale of a new language, or stop when the prefix or locale cannot be used."""
    if not re.match(PREFIX_PATTERN, prefix):
        raise click.ClickException(f"'{prefix}' cannot be a URL prefix (two or three lowercase letters)")
    if prefix in {entry.prefix for entry in read_language_entries(entries_file)}:
        raise click.ClickException(f"'{prefix}' is already a language of the site ({entries_file})")
    try:
        return Locale.parse(locale_id)
    except (ValueError, UnknownLocaleError) as error:
        raise click.ClickException(f"'{locale_id}' is not a locale Babel (CLDR) knows: {error}") from error


def add_language_entry(entries_file: Path, prefix: str, locale_id: str, iso_639_3: str | None) -> None:
    """Append the language's entry to the languages file, keeping its comments and order."""
    text = entries_file.read_text(encoding="utf-8").rstrip("\n")
    text += f'\n\n[[language]]\nprefix = "{prefix}"\nlocale = "{locale_id}"\n'
    if iso_639_3:
        text += f'iso_639_3 = "{iso_639_3}"\n'
    entries_file.write_text(text, "utf-8")


def write_page_stubs(pages_dir: Path, prefix: str) -> list[str]:
    """Write a 'missing' stub beside every English page that has no file in this language yet."""
    written = []
    for english in sorted(pages_dir.glob("*/en.md")):
        stub = english.with_name(f"{prefix}.md")
        if not stub.exists():
            stub.write_text(STUB_PAGE, encoding="utf-8")
            written.append(english.parent.name)
    return written


def english_terms(translations_root: Path) -> list[str]:
    """Return the English key terms of the existing glossaries, in their order, each once."""
    terms: dict[str, None] = {}
    for prefix in LOCALE_BY_PREFIX:
        path = glossary_path(translations_root, prefix)
        if prefix != ENGLISH and path.exists():
            terms.update((term.term, None) for term in read_glossary(path))
    return list(terms)


def glossary_text(terms: list[str], language_name: str) -> str:
    """Return a TBX-Basic glossary of English terms with no word decided yet in the new language."""
    entries = "".join(
        f'      <termEntry id="{escape(term.replace(" ", "-"))}">\n'
        f'        <langSet xml:lang="en"><tig><term>{escape(term)}</term></tig></langSet>\n'
        "      </termEntry>\n"
        for term in terms
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!-- rightsinfo glossary, English to {escape(language_name)}: the word to use for each key term,\n"
        "     and words to avoid (TBX-Basic, ISO 30042, which Weblate imports). No word is decided yet:\n"
        '     add a langSet per term. The command "translations check" reads this file. -->\n'
        '<martif type="TBX-Basic" xml:lang="en">\n'
        "  <martifHeader>\n"
        f"    <fileDesc><sourceDesc><p>rightsinfo key terms, English to {escape(language_name)}</p>"
        "</sourceDesc></fileDesc>\n"
        "  </martifHeader>\n"
        "  <text>\n    <body>\n"
        f"{entries}"
        "    </body>\n  </text>\n</martif>\n"
    )


@click.command("new-language")
@with_appcontext
@click.argument("prefix")
@click.argument("locale_id", metavar="LOCALE")
@click.option(
    "--iso-639-3", "iso_639_3", help="ISO 639-3 code for ZIM files (tur), if the prefix is not one."
)
def new_language_command(prefix: str, locale_id: str, iso_639_3: str | None) -> None:
    """Add a language: its entry, catalogue, glossary and page stubs; then say what is left to translate."""
    entries_file, root = languages_file(), translations_dir()
    locale = check_new_language(entries_file, prefix, locale_id)
    name = locale.get_display_name("en")
    terms = english_terms(root)
    add_language_entry(entries_file, prefix, locale_id, iso_639_3)
    merge_catalogue(root, locale_id)
    glossary = root / "glossary" / f"{locale_id}.tbx"
    if not glossary.exists():
        glossary.write_text(glossary_text(terms, name), encoding="utf-8")
    stubs = write_page_stubs(content_dir() / "pages", prefix)
    catalogue = root / locale_id / "LC_MESSAGES" / "messages.po"
    messages = catalogue_status(catalogue)
    click.echo(f"Added {name} ({prefix}, locale {locale_id}) to {entries_file}.")
    click.echo("Left to translate:")
    click.echo(f"  {messages.missing} interface messages in {catalogue}")
    click.echo(f"  {len(stubs)} pages: content/pages/<slug>/{prefix}.md (each says 'status: missing')")
    click.echo(f"  a '{prefix}:' block in content/organisations/*.yaml, content/cards/*.yaml, emergency.yaml")
    click.echo(f"  {len(terms)} glossary terms in {glossary}")
    click.echo("Until then the site serves English with a 'not translated yet' notice in this language.")
    click.echo(f"For a static export, add {prefix} to missing_lang in deploy/static/nginx-site.conf.")
