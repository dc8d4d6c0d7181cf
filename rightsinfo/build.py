"""Build the site's database from the content folder and compile the catalogues, atomically.

Everything expensive happens here, once: Markdown is rendered and sanitised, translations are matched
with their English source and checked, fallbacks are resolved, and the search index is made. The new
database is written beside the old one and renamed into place, so a running server never sees a
half-built file; if anything is wrong the build stops, naming file and line, and the old database keeps
serving.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rightsinfo import changes, schema, search_index
from rightsinfo.bidi import isolate_page_html
from rightsinfo.config import AUDIO_DIR_NAME, CATALOGUES_DIR_NAME, DATABASE_NAME
from rightsinfo.content import Content, ContentError, read_content
from rightsinfo.i18n import ENGLISH, LOCALE_BY_PREFIX
from rightsinfo.markup import contact_links, normalise_contact, render_markdown
from rightsinfo.record_rows import ALERT_COLUMNS, alert_rows, card_rows, emergency_rows, paper_rows
from rightsinfo.recordings.build import recordings_table
from rightsinfo.recordings.served import remove_unserved
from rightsinfo.sections import anchor_sections, home_section_problems, section_anchors
from rightsinfo.translation.catalogues import catalogue_paths, compile_catalogue
from rightsinfo.translation.progress import CURRENT, OUTDATED, UPDATING, freshness, stored_progress
from rightsinfo.translation.shape import translation_problems

CATALOGUE_VERSIONS_KEPT = 3


@dataclass(frozen=True)
class BuildReport:
    """What a successful build made."""

    database: Path
    content_version: str
    pages: int
    organisations: int
    seconds: float


def content_version(content_dir: Path, translations_dir: Path) -> str:
    """Return a hash of every content file and catalogue, so any edit gives a new version."""
    digest = hashlib.sha256()
    for folder in (content_dir, translations_dir):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in {".md", ".yaml", ".yml", ".po", ".toml", ".ogg"}:
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def check_contact_links(content: Content, rendered: dict[tuple[str, str], str]) -> list[str]:
    """Refuse a phone number or e-mail in a page that no sourced record lists."""
    known = {normalise_contact(number.number) for number in content.emergency}
    for organisation in content.organisations:
        known.update(normalise_contact(c.value) for c in organisation.contacts)
    problems = []
    for (slug, lang), html in rendered.items():
        path = content.pages[slug][lang].path
        for target in contact_links(html):
            if normalise_contact(target) not in known:
                problems.append(
                    f"{path}: '{target}' is not in emergency.yaml or any organisation's contacts "
                    "(every number needs a source and a verified_on date)"
                )
    return problems


def newest_source_date(content: Content, source_ids: list[str]) -> str | None:
    """Return the date of the newest dated source among ``source_ids`` (ISO, as precise as known)."""
    sources = [content.sources[i] for i in source_ids if i in content.sources]
    dates = [source.dated for source in sources if source.dated]
    return max(dates).isoformat() if dates else None


def page_rows(content: Content) -> tuple[list[dict], list[str]]:
    """Return one row per page and language (English standing in where untranslated)."""
    rows, problems = [], []
    rendered: dict[tuple[str, str], str] = {}
    for slug, versions in content.pages.items():
        for lang, page in versions.items():
            rendered[slug, lang] = isolate_page_html(render_markdown(page.body), lang)
    problems += check_contact_links(content, rendered)
    anchors = {slug: section_anchors(rendered[slug, ENGLISH]) for slug in content.pages}
    problems += home_section_problems(anchors)
    for slug, versions in content.pages.items():
        english = versions[ENGLISH]
        for lang in LOCALE_BY_PREFIX:
            page = versions.get(lang)
            status = "source" if lang == ENGLISH else (page.status if page else "missing")
            state = CURRENT
            if page is not None and lang != ENGLISH:
                state = freshness(english, page, rendered[slug, ENGLISH], rendered[slug, lang])
            outdated = state == OUTDATED
            if page is not None and lang != ENGLISH and state == CURRENT:
                problems += translation_problems(english, page, rendered[slug, ENGLISH], rendered[slug, lang])
            elif state == UPDATING:
                # The English facts changed since this translation was made: readers get today's
                # English, never the old number, until a translator catches up.
                page, status = None, UPDATING
            shown = page or english
            # Two checks, by two people: a fact check of the English holds for a translation of that
            # same English text; a native speaker's review belongs to the translation shown.
            reviewed = None if outdated else english.reviewed
            review = shown.translation_reviewed if shown.lang != ENGLISH and status == "reviewed" else None
            rows.append(
                {
                    "lang": lang,
                    "slug": slug,
                    "text_lang": shown.lang,
                    "title": shown.title,
                    "summary": shown.summary,
                    "html": anchor_sections(rendered[slug, shown.lang], anchors[slug]),
                    "icon": english.icon,
                    "sort_order": english.order,
                    "reviewed": reviewed.isoformat() if reviewed else None,
                    "english_reviewed": english.reviewed.isoformat() if english.reviewed else None,
                    "fact_checked_by": None if outdated else english.reviewed_by,
                    "translation_reviewed": review.isoformat() if review else None,
                    "translation_reviewed_by": shown.translation_reviewed_by if review else None,
                    "sources_up_to": newest_source_date(content, english.sources),
                    "sources": english.sources,
                    "keywords": english.keywords + (page.keywords if page else []),
                    "status": status,
                    "outdated": outdated,
                    "fingerprint": english.fingerprint,
                }
            )
    return rows, problems


def organisation_rows(content: Content) -> tuple[list[dict], list[dict]]:
    """Return organisation rows (data written once) and their text per language."""
    organisations, texts = [], []
    for org in content.organisations:
        organisations.append(
            {
                "id": org.id,
                "name": org.name,
                "local_name": org.local_name,
                "kinds": org.kinds,
                "cities": org.cities,
                "website": org.website,
                "languages": org.languages,
                "coordinates": org.coordinates,
                "hours": org.hours,
                "verified_on": org.verified_on.isoformat() if org.verified_on else None,
                "source": org.source,
                "sources": org.sources,
                "unconfirmed": org.unconfirmed,
                "contacts": [
                    {
                        "kind": c.kind,
                        "value": c.value,
                        "label": c.label,
                        "verified_on": c.verified_on.isoformat() if c.verified_on else None,
                        "source": c.source,
                        "caution": c.caution,
                    }
                    for c in org.contacts
                ],
            }
        )
        for lang in LOCALE_BY_PREFIX:
            entry = org.text.get(lang) or org.text[ENGLISH]
            texts.append(
                {
                    "org_id": org.id,
                    "lang": lang,
                    "text_lang": lang if lang in org.text else ENGLISH,
                    "summary": entry["summary"],
                    "status": entry["status"] if lang in org.text else "missing",
                }
            )
    return organisations, texts


def write_changes(db, tables: dict[str, list[dict]], previous_database: Path | None, built_at: str) -> None:
    """Record what is new or changed since the database being served, for the changes feed."""
    previous = changes.previous_changes(previous_database) if previous_database else {}
    rows = changes.change_rows(changes.content_items(tables), previous, built_at)
    db[changes.CHANGES_TABLE].create(
        {"kind": str, "id": str, "title": str, "fingerprint": str, "change": str, "changed_at": str},
        pk=("kind", "id"),
    )
    db[changes.CHANGES_TABLE].insert_all(rows)


def write_database(
    path: Path,
    content: Content,
    version: str,
    catalogue_dir: str,
    translations_dir: Path,
    previous: Path | None = None,
    recordings: tuple[Path, Path] | None = None,
) -> int:
    """Write every table into a new database file; return the number of page rows.

    With ``recordings`` (the content folder, the audio folder), the content's recordings are checked
    and placed in the audio folder before the database that points at them is renamed into place.
    """
    import sqlite_utils  # here, not above: a serving worker imports this module but never builds

    pages, problems = page_rows(content)
    if problems:
        raise ContentError(problems)
    organisations, texts = organisation_rows(content)
    built_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    db = sqlite_utils.Database(path)
    schema.create_tables_with_json(db.conn)
    db["meta"].insert_all(
        [
            {"key": "content_version", "value": version},
            {"key": "built_at", "value": built_at},
            {"key": "catalogue_dir", "value": catalogue_dir},
        ],
        pk="key",
    )
    # For the /translators/ page, which reads this row instead of every file on every request.
    db["translation_status"].insert({"id": 1, "status": stored_progress(content, translations_dir)})
    db["pages"].insert_all(pages, pk=("lang", "slug"))
    db["organisations"].insert_all(organisations, pk="id")
    db["organisation_text"].insert_all(texts, pk=("org_id", "lang"))
    tables = {"pages": pages, "organisations": organisations, "organisation_text": texts}
    tables |= {
        "cards": card_rows(content),
        "emergency": emergency_rows(content),
        "alerts": alert_rows(content),
    }
    db["cards"].insert_all(tables["cards"], pk=("id", "lang"))
    db["emergency"].insert_all(tables["emergency"], pk=("id", "lang"))
    # Created even when empty: no alerts is the usual state, and the queries still find the table.
    db["alerts"].create(ALERT_COLUMNS, pk=("id", "lang"))
    db["alerts"].insert_all(tables["alerts"])
    write_changes(db, tables, previous, built_at)
    if recordings is not None:
        recordings_table(db, *recordings, tables)
    papers = paper_rows(content)
    db["papers"].insert_all(papers, pk=("id", "lang"))
    db["sources"].insert_all(
        [
            {
                "id": s.id,
                "url": s.url,
                "title": s.title,
                "date": s.date,
                "dated": s.dated.isoformat() if s.dated else None,
            }
            for s in content.sources.values()
        ],
        pk="id",
    )
    search_index.write(db, pages, organisations, texts, papers)
    db.conn.commit()
    db.close()
    return len(pages)


def compile_catalogues(translations_dir: Path, target: Path, project_dir: Path) -> list[str]:
    """Compile every catalogue into ``target``; return all problems found."""
    problems = []
    for locale, po_path in catalogue_paths(translations_dir).items():
        if not po_path.exists():
            continue
        mo_path = target / locale / "LC_MESSAGES" / "messages.mo"
        problems += compile_catalogue(po_path, mo_path, project_dir)
    return problems


def remove_old_versions(root: Path, keep: str, kept: int = CATALOGUE_VERSIONS_KEPT) -> None:
    """Delete the folders of old builds under ``root`` (catalogues, packs), keeping the newest few.

    A running server may not yet have seen the newest build; it still reads its own version's files.
    """
    folders = sorted(
        (p for p in root.iterdir() if p.is_dir() and p.name != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for folder in folders[kept - 1 :]:
        shutil.rmtree(folder, ignore_errors=True)


def build_site(content_dir: Path, translations_dir: Path, instance_dir: Path) -> BuildReport:
    """Build content and catalogues into ``instance_dir``; raise ContentError naming every problem."""
    started = time.perf_counter()
    project_dir = content_dir.parent
    instance_dir.mkdir(parents=True, exist_ok=True)
    content = read_content(content_dir)
    version = content_version(content_dir, translations_dir)
    catalogues_root = instance_dir / CATALOGUES_DIR_NAME
    catalogue_dir = catalogues_root / version
    staging = Path(tempfile.mkdtemp(prefix=".catalogues-", dir=instance_dir))
    try:
        problems = compile_catalogues(translations_dir, staging, project_dir)
        if problems:
            raise ContentError(problems)
        handle, temp_name = tempfile.mkstemp(prefix=".build-", suffix=".sqlite3", dir=instance_dir)
        os.close(handle)
        temp_db = Path(temp_name)
        try:
            temp_db.unlink()
            served = instance_dir / DATABASE_NAME
            page_count = write_database(
                temp_db, content, version, catalogue_dir.name, translations_dir, served,
                (content_dir, instance_dir / AUDIO_DIR_NAME),
            )  # fmt: skip
            catalogues_root.mkdir(exist_ok=True)
            if not catalogue_dir.exists():
                staging.rename(catalogue_dir)
            os.replace(temp_db, instance_dir / DATABASE_NAME)
        finally:
            temp_db.unlink(missing_ok=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    remove_old_versions(catalogues_root, keep=catalogue_dir.name)
    remove_unserved(instance_dir / AUDIO_DIR_NAME)
    return BuildReport(
        database=instance_dir / DATABASE_NAME,
        content_version=version,
        pages=page_count,
        organisations=len(content.organisations),
        seconds=time.perf_counter() - started,
    )
